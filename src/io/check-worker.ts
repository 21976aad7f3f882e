/** The worker thread of checks.ts: runs each check it is sent and answers with its result. */
import { parentPort } from 'node:worker_threads';
import { runCheck, type CheckJob } from './checks.ts';

parentPort?.on('message', (m: { id: number; job: CheckJob }) => {
  runCheck(m.job).then(
    (result) => parentPort!.postMessage({ id: m.id, ok: true, result }),
    () => parentPort!.postMessage({ id: m.id, ok: false }),
  );
});
