/**
 * The case store's API for other commands (`export --case`, `erase --case`,
 * `find --case`, `sweep`), so they attach their outputs and log their events
 * the same way `case attach` does.
 *
 * Usage from a command module (lazy-import it inside `run`, so `--help`
 * stays fast):
 *
 *   const { openSession, requireCaseForOutputs } = await import('./case-common.ts'); // the CLI layer reads the clock
 *   const { attachOutputs } = await import('../../store/index.ts');
 *   const session = await openSession(opts);                 // --home/--config/--actor/--as-of/OJCO_DSAR_HOME
 *   try {
 *     const id = await requireCaseForOutputs(session.store, opts.case); // exit 2 if unknown, purged or closed, BEFORE the work
 *     // ... do the work, write the files ...
 *     await attachOutputs(session.store, id, files.map((f) => ({ path: f.path, kind: 'extract' })), session.ctx(),
 *       { type: 'extract-written', payload: { records: n, formats: ['xlsx', 'html'], asOf } });
 *   } finally {
 *     session.store.close();
 *   }
 *
 * Event payloads: ids, codes, counts, dates, hashes only, never an
 * identifier, a name or free text (checked against the case's identifiers;
 * integers only, no floats). The subject's identifiers for re-running a
 * search: `store.subjectIdentifiers(id)`.
 */
import path from 'node:path';
import type { ActionContext, AttachmentView, CaseStore } from './cases.ts';
import { canonicalJson } from './canonical.ts';
import { digestFile } from './fs-safe.ts';

export { CaseStore, type ActionContext, type AttachmentView, type CaseView, type IdentifierInput } from './cases.ts';
export { resolveActor, resolveCaseSettings, type CaseSettings } from './settings.ts';
export { normaliseCaseId, OPEN_STATUSES, REQUEST_TYPES, type RequestType } from './rules.ts';
export { verifyChain, type AuditEvent } from './audit.ts';

/**
 * Hashes each file, links it to the case (`attachment-added` events) and
 * then appends one summary event of the calling command's own type.
 *
 * All of it is one transaction, so a process killed half-way leaves the case
 * with every attachment and the summary event, or with none of them. And it
 * is idempotent, so that running the command again (after a crash, or with
 * --force over identical files) does not list the same output twice: a file
 * already attached to the case with the same kind, size and sha256 is not
 * attached again, and when nothing new was attached the summary event is not
 * logged again if the trail already holds the same one. Afterwards a case
 * still `received` or `verified` is started (`in-progress`), in its own
 * transaction: a kill between the two leaves it to the next run.
 */
export async function attachOutputs(
  store: CaseStore,
  caseId: string,
  files: { path: string; kind: string }[],
  ctx: ActionContext,
  event?: { type: string; payload: Record<string, unknown> },
  configFile?: string,
): Promise<AttachmentView[]> {
  const digests: { path: string; kind: string; size: number; sha256: string }[] = [];
  for (const f of files) digests.push({ ...f, path: path.resolve(f.path), ...(await digestFile(f.path)) });
  const views = store.write(() => {
    const existing = store.attachmentsOf(caseId);
    let added = 0;
    const attached = digests.map((d) => {
      const same = existing.find((a) => a.path === d.path && a.kind === d.kind && a.sha256 === d.sha256 && a.size === d.size);
      if (same) return same;
      added++;
      return store.attach(caseId, { kind: d.kind, path: d.path, sha256: d.sha256, size: d.size }, ctx);
    });
    // A case opened without a config learns the one its outputs were made with (for the evidence manifest).
    if (configFile) store.rememberConfig(caseId, path.resolve(configFile), ctx);
    if (event) {
      const payload = { ...event.payload, attachments: attached.map((a) => a.id) };
      const again = added === 0 && store.events(caseId).some((e) => e.type === event.type && canonicalJson(e.payload) === canonicalJson(payload));
      if (!again) store.logEvent(caseId, event.type, payload, ctx);
    }
    return attached;
  });
  // An output is work on the request: a received or verified case is now in progress, as a batch leaves it.
  const status = store.getCase(caseId).status;
  if (status === 'received' || status === 'verified') store.start(caseId, ctx);
  return views;
}
