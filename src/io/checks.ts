/**
 * Checks of whole files that a prefiltered read does not parse (issue #7),
 * run on the second core.
 *
 * A read with a prefilter parses only the records that may match, but the
 * problems of the others (a line of an NDJSON export that is not JSON, a
 * CSV row with another number of fields, a Graph page that is not JSON)
 * must still be reported exactly as the reference path reports them. Those
 * checks read everything, so they run in a worker thread while the main
 * thread reads on; the reader hands the answer to `ReadContext.later`, which
 * puts the reports where the reference path would have made them.
 *
 * A check is a function exported by a module (`module`: its URL, so that the
 * worker can import it; `fn`: its name), called with plain data and
 * answering plain data. Under the test runner (TypeScript sources, no
 * compiled worker), and if the worker cannot start or fails, the checks run
 * in this thread: the answers are the same, only later.
 */
import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { Worker } from 'node:worker_threads';

export interface CheckJob {
  /** URL of the module that exports `fn` (`import.meta.url` of the caller's module). */
  module: string;
  fn: string;
  args: unknown[];
}

/** Runs a check in this thread. */
export async function runCheck(job: CheckJob): Promise<unknown> {
  const m = (await import(job.module)) as Record<string, (...args: unknown[]) => unknown>;
  const f = m[job.fn];
  if (typeof f !== 'function') throw new Error(`no check ${job.fn} in ${job.module}`);
  return await f(...job.args);
}

let worker: Worker | undefined;
let workerFailed = false;
let nextId = 0;
const pending = new Map<number, { job: CheckJob; resolve: (r: unknown) => void; reject: (e: unknown) => void }>();

function workerUrl(): URL | undefined {
  const url = new URL('./check-worker.js', import.meta.url);
  return url.protocol === 'file:' && existsSync(fileURLToPath(url)) ? url : undefined;
}

function inThread(p: { job: CheckJob; resolve: (r: unknown) => void; reject: (e: unknown) => void }): void {
  runCheck(p.job).then(p.resolve, p.reject);
}

function getWorker(): Worker | undefined {
  if (worker || workerFailed) return worker;
  const url = workerUrl();
  if (!url) {
    workerFailed = true;
    return undefined;
  }
  try {
    // A small heap: the checks parse a line or a page at a time. One that runs out is done in this thread.
    worker = new Worker(url, { resourceLimits: { maxYoungGenerationSizeMb: 8, maxOldGenerationSizeMb: 128 } });
  } catch {
    workerFailed = true;
    return undefined;
  }
  worker.unref();
  worker.on('message', (m: { id: number; ok: boolean; result?: unknown }) => {
    const p = pending.get(m.id);
    if (!p) return;
    pending.delete(m.id);
    if (pending.size === 0) worker?.unref();
    if (m.ok) p.resolve(m.result);
    // A check the worker could not finish is done here: the answer must not depend on the worker.
    else inThread(p);
  });
  worker.on('error', () => {
    // Everything still waiting is checked in this thread instead.
    workerFailed = true;
    worker = undefined;
    for (const [id, p] of pending) {
      pending.delete(id);
      inThread(p);
    }
  });
  return worker;
}

/** Starts a check (in the worker when there is one) and answers when it is done. */
export function check<T>(job: CheckJob): Promise<T> {
  const w = getWorker();
  if (!w) return runCheck(job) as Promise<T>;
  return new Promise<T>((resolve, reject) => {
    const id = nextId++;
    pending.set(id, { job, resolve: resolve as (r: unknown) => void, reject });
    w.ref();
    w.postMessage({ id, job });
  });
}
