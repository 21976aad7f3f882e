/**
 * The worker thread of checks.ts: runs the checks it is sent, one at a
 * time and in the order sent, and answers each with its result.
 *
 * One at a time: the worker is one thread, so running the checks side by
 * side would not finish them sooner, only hold every file's read buffers,
 * line buffers and validator memory at once (a read of ten GA files and a
 * hundred Graph pages had up to sixteen checks open and 50 MB of buffers in
 * the worker; issue #7's peak RSS). Nothing waits for one check to start
 * another: the search takes the answers only when its reads are done.
 */
import { parentPort } from 'node:worker_threads';
import { runCheck, type CheckJob } from './checks.ts';

const queue: { id: number; job: CheckJob }[] = [];
let running = false;

async function drain(): Promise<void> {
  running = true;
  for (let m = queue.shift(); m; m = queue.shift()) {
    try {
      parentPort!.postMessage({ id: m.id, ok: true, result: await runCheck(m.job) });
    } catch {
      parentPort!.postMessage({ id: m.id, ok: false });
    }
  }
  running = false;
}

parentPort?.on('message', (m: { id: number; job: CheckJob }) => {
  queue.push(m);
  if (!running) void drain();
});
