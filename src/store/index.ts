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
import { digestFile } from './fs-safe.ts';

export { CaseStore, type ActionContext, type AttachmentView, type CaseView, type IdentifierInput } from './cases.ts';
export { resolveActor, resolveCaseSettings, type CaseSettings } from './settings.ts';
export { normaliseCaseId, OPEN_STATUSES, REQUEST_TYPES, type RequestType } from './rules.ts';
export { verifyChain, type AuditEvent } from './audit.ts';

/**
 * Hashes each file, links it to the case (`attachment-added` events) and
 * then appends one summary event of the calling command's own type.
 */
export async function attachOutputs(
  store: CaseStore,
  caseId: string,
  files: { path: string; kind: string }[],
  ctx: ActionContext,
  event?: { type: string; payload: Record<string, unknown> },
): Promise<AttachmentView[]> {
  const digests = [];
  for (const f of files) digests.push({ ...f, path: path.resolve(f.path), ...(await digestFile(f.path)) });
  const attached = digests.map((d) => store.attach(caseId, { kind: d.kind, path: d.path, sha256: d.sha256, size: d.size }, ctx));
  if (event) store.logEvent(caseId, event.type, { ...event.payload, attachments: attached.map((a) => a.id) }, ctx);
  return attached;
}
