/**
 * Fault injection for the crash-safety tests (issue #8 point 6), loaded with
 * `node --import test/hardening/crash-hook.mjs bin/ojco-dsar.js ...`.
 *
 * Every operation that changes the disk is a numbered step: fs calls that
 * create, write, sync, rename, copy, chmod or remove (sync, callback and
 * promise forms, and FileHandle writes), and every SQLite statement that can
 * change the database (better-sqlite3 Statement#run, Database#exec and
 * #pragma). With OJCO_TEST_CRASH_AT=N the process sends itself SIGKILL just
 * before step N, so steps 1..N-1 happened and nothing after did: a kill
 * between any two writes, including in the middle of a transaction. With
 * OJCO_TEST_CRASH_COUNT=FILE it writes the number of steps (and their labels)
 * to FILE at exit, so a test can pick points across a whole run.
 *
 * The CLI itself is unchanged: this only observes its calls.
 */
import fs from 'node:fs';
import { createRequire, syncBuiltinESMExports } from 'node:module';
import path from 'node:path';

const crashAt = Number(process.env.OJCO_TEST_CRASH_AT ?? 0);
const countFile = process.env.OJCO_TEST_CRASH_COUNT;
const original = { writeFileSync: fs.writeFileSync };
let n = 0;
const labels = [];

function step(label) {
  n++;
  if (countFile) labels.push(label);
  if (crashAt > 0 && n === crashAt) process.kill(process.pid, 'SIGKILL');
}

const base = (p) => (typeof p === 'string' ? path.basename(p) : p instanceof URL ? path.basename(p.pathname) : typeof p === 'number' ? `fd` : '?');

function writes(flags) {
  if (flags === undefined || flags === null) return false;
  if (typeof flags === 'number') return (flags & (fs.constants.O_WRONLY | fs.constants.O_RDWR | fs.constants.O_CREAT | fs.constants.O_TRUNC | fs.constants.O_APPEND)) !== 0;
  return /[wax+]/u.test(String(flags));
}

function wrap(obj, name, label, when = () => true) {
  const fn = obj[name];
  if (typeof fn !== 'function') return;
  obj[name] = function (...args) {
    if (when(args)) step(label.call(this, args));
    return fn.apply(this, args);
  };
}

const pathOps = ['writeFile', 'appendFile', 'rename', 'mkdir', 'chmod', 'copyFile', 'cp', 'rm', 'rmdir', 'unlink', 'link', 'symlink', 'truncate', 'utimes'];
for (const op of pathOps) {
  wrap(fs, `${op}Sync`, (a) => `${op}:${base(a[0])}${op === 'rename' || op === 'copyFile' || op === 'link' ? `>${base(a[1])}` : ''}`);
  wrap(fs, op, (a) => `${op}:${base(a[0])}${op === 'rename' || op === 'copyFile' || op === 'link' ? `>${base(a[1])}` : ''}`);
  wrap(fs.promises, op, (a) => `${op}:${base(a[0])}${op === 'rename' || op === 'copyFile' || op === 'link' ? `>${base(a[1])}` : ''}`);
}
for (const op of ['fsync', 'fdatasync', 'write', 'writev', 'ftruncate', 'fchmod']) {
  wrap(fs, `${op}Sync`, () => `${op}:fd`, (a) => !(op === 'write' && (a[0] === 1 || a[0] === 2)));
  wrap(fs, op, () => `${op}:fd`, (a) => !(op === 'write' && (a[0] === 1 || a[0] === 2)));
}
wrap(fs, 'openSync', (a) => `open:${base(a[0])}`, (a) => writes(a[1]));
wrap(fs, 'open', (a) => `open:${base(a[0])}`, (a) => writes(a[1]));
wrap(fs.promises, 'open', (a) => `open:${base(a[0])}`, (a) => writes(a[1]));
wrap(fs, 'createWriteStream', (a) => `createWriteStream:${base(a[0])}`);

// FileHandle methods (the class is not exported: take it from a handle).
{
  const fh = await fs.promises.open(process.execPath, 'r');
  const proto = Object.getPrototypeOf(fh);
  await fh.close();
  for (const op of ['writeFile', 'appendFile', 'write', 'writev', 'sync', 'datasync', 'truncate', 'chmod']) wrap(proto, op, () => `handle.${op}`);
}

syncBuiltinESMExports();

// better-sqlite3, resolved the way the CLI resolves it.
try {
  const require = createRequire(path.join(import.meta.dirname, '..', '..', 'package.json'));
  const Database = require('better-sqlite3');
  const db = new Database(':memory:');
  const Statement = Object.getPrototypeOf(db.prepare('SELECT 1'));
  db.close();
  wrap(Statement, 'run', function () {
    return `sql:${String(this.source).trim().split(/\s+/u).slice(0, 3).join(' ')}`;
  });
  wrap(Database.prototype, 'exec', (a) => `exec:${String(a[0]).trim().split(/\s+/u).slice(0, 3).join(' ')}`);
  wrap(Database.prototype, 'pragma', (a) => `pragma:${String(a[0]).trim()}`, (a) => /=/u.test(String(a[0])));
} catch {
  // A command that never opens the store does not need better-sqlite3.
}

if (countFile) {
  process.on('exit', () => {
    original.writeFileSync(countFile, JSON.stringify({ steps: n, labels }) + '\n');
  });
}
// N = steps + 1: killed after its last write, as it exits (it did everything, but could not say so).
if (crashAt > 0) {
  process.on('exit', () => {
    if (n + 1 === crashAt) process.kill(process.pid, 'SIGKILL');
  });
}
