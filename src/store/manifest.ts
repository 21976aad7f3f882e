/**
 * Evidence manifests (Art. 5(2) accountability, AA-1; dsar-anchors.md §7
 * gap 7 and §8 pain point 6): when a case is answered, refused or closed, a
 * JSON file records the tool version, the config file's hash, every input
 * file (the config's sources) with size and sha256, the linked outputs with
 * their sha256, and the case's audit events with the chain head. The file is
 * written atomically with mode 0600 into `<home>/cases/<ID>/`, never
 * overwritten, and its own sha256 is stored in the database; `case verify`
 * re-hashes everything and names each changed or missing file.
 *
 * The manifest names no subject identifier: it is evidence of what was done,
 * for an auditor, not a copy of the person's data.
 */
import { readFile } from 'node:fs/promises';
import path from 'node:path';
import { SourceReadError } from '../errors.ts';
import { VERSION } from '../version.ts';
import type { AuditEvent } from './audit.ts';
import type { CaseStore, CaseView } from './cases.ts';
import { digestFile, digestIfPresent, ensurePrivateDir, sha256Hex, writeFileAtomic } from './fs-safe.ts';

export const MANIFEST_SCHEMA = 'ojco-dsar/case-manifest/v1';

export interface ManifestFile {
  path: string;
  size: number;
  sha256: string;
}

export interface ManifestInput extends ManifestFile {
  source: string;
  connector: string;
  /** Relative to the config's folder, as in find's locators. */
  rel: string;
}

export interface Evidence {
  config: (ManifestFile & { rel: string }) | null;
  inputs: ManifestInput[];
  /** Sources whose path could not be listed (moved, deleted); named, not hidden. */
  inputProblems: { source: string; path: string; code: string; message: string }[];
}

export interface Manifest {
  schema: typeof MANIFEST_SCHEMA;
  caseId: string;
  reason: string;
  writtenAt: string;
  writtenBy: string;
  tool: { name: 'ojco-dsar'; version: string; node: string };
  case: Omit<CaseView, 'subject' | 'attachments' | 'manifests' | 'configFile' | 'extension' | 'outcome'> & {
    extension: { decidedOn: string; noticeDate: string } | null;
    outcome: { type: string; on: string; late: boolean; grounds?: string[] } | null;
  };
  config: (ManifestFile & { rel: string }) | null;
  inputs: ManifestInput[];
  inputProblems: Evidence['inputProblems'];
  outputs: (ManifestFile & { attachmentId: number; kind: string; addedAt: string })[];
  events: { seq: number; at: string; actor: string; type: string; payload: Record<string, unknown>; hash: string }[];
  chainHead: { seq: number; hash: string } | null;
}

/**
 * Hashes the config file and every file of its sources. Loading the config
 * validates it (exit 2 on problems) before anything about the case changes.
 */
export async function collectEvidence(configFile: string | undefined, cwd: string, onFile?: (rel: string) => void): Promise<Evidence> {
  if (!configFile) return { config: null, inputs: [], inputProblems: [] };
  const [{ loadConfig }, { listSourceFiles, relPath }] = await Promise.all([import('../config/load.ts'), import('../io/files.ts')]);
  const config = await loadConfig(configFile, cwd);
  const digest = { size: config.bytes.length, sha256: sha256Hex(config.bytes) };
  const out: Evidence = { config: { path: config.file, rel: path.basename(config.file), ...digest }, inputs: [], inputProblems: [] };
  for (const s of config.sources) {
    let files;
    try {
      files = await listSourceFiles(s.path, config.baseDir);
    } catch (e) {
      if (!(e instanceof SourceReadError)) throw e;
      out.inputProblems.push({ source: s.name, path: relPath(config.baseDir, s.path), code: e.code, message: e.message });
      continue;
    }
    for (const f of files) {
      onFile?.(f.rel);
      try {
        const d = await digestFile(f.abs);
        out.inputs.push({ source: s.name, connector: s.connector.id, path: f.abs, rel: f.rel, ...d });
      } catch {
        out.inputProblems.push({ source: s.name, path: f.rel, code: 'source.unreadable', message: 'the file could not be read' });
      }
    }
  }
  return out;
}

export function composeManifest(input: {
  view: CaseView;
  events: AuditEvent[];
  chainHead: { seq: number; hash: string } | undefined;
  evidence: Evidence;
  reason: string;
  writtenAt: string;
  writtenBy: string;
}): Manifest {
  const v = input.view;
  const outcome = v.outcome ? { type: v.outcome.type, on: v.outcome.on, late: v.outcome.late, ...(v.outcome.grounds ? { grounds: v.outcome.grounds } : {}) } : null;
  const { subject: _s, attachments, manifests: _m, configFile: _c, extension, outcome: _o, ...rest } = v;
  return {
    schema: MANIFEST_SCHEMA,
    caseId: v.id,
    reason: input.reason,
    writtenAt: input.writtenAt,
    writtenBy: input.writtenBy,
    tool: { name: 'ojco-dsar', version: VERSION, node: process.version },
    // Reasons in words stay out: they are free text and may name people.
    case: { ...rest, extension: extension ? { decidedOn: extension.decidedOn, noticeDate: extension.noticeDate } : null, outcome },
    config: input.evidence.config,
    inputs: input.evidence.inputs,
    inputProblems: input.evidence.inputProblems,
    outputs: attachments.map((a) => ({ attachmentId: a.id, kind: a.kind, path: a.path, size: a.size, sha256: a.sha256, addedAt: a.addedAt })),
    events: input.events.map((e) => ({ seq: e.seq, at: e.at, actor: e.actor, type: e.type, payload: e.payload, hash: e.hash })),
    chainHead: input.chainHead ?? null,
  };
}

/**
 * Whether the case's last `reason` event (answered, refused, closed) still
 * lacks its evidence manifest: the change is committed before the manifest
 * is written, so a process killed in between leaves this. Running the
 * command again writes the manifest (case.ts), rather than refusing a case
 * that is already answered and leaving it without evidence.
 */
export function unfinishedManifest(store: CaseStore, caseId: string, reason: 'answered' | 'refused' | 'closed'): boolean {
  const events = store.events(caseId);
  const last = events.map((e) => e.type).lastIndexOf(reason);
  if (last < 0) return false;
  return !events.slice(last + 1).some((e) => e.type === 'manifest-written' && (e.payload as { reason?: unknown }).reason === reason);
}

/**
 * Writes the manifest and records it in the store. A recorded manifest is
 * never overwritten; a file under the next manifest's name that no record
 * names was left by a run killed before it recorded it, and is replaced.
 */
export async function writeManifest(store: CaseStore, manifest: Manifest, ctx: { actor: string; at: string }): Promise<{ path: string; sha256: string }> {
  const dir = store.caseFolder(manifest.caseId);
  ensurePrivateDir(path.dirname(dir));
  ensurePrivateDir(dir);
  const recorded = store.getCase(manifest.caseId).manifests;
  const n = recorded.length + 1;
  const file = path.join(dir, `manifest-${String(n).padStart(2, '0')}-${manifest.reason}.json`);
  const text = JSON.stringify(manifest, null, 2) + '\n';
  const sha256 = sha256Hex(text);
  await writeFileAtomic(file, text, { overwrite: !recorded.some((m) => m.path === file) });
  store.recordManifest(manifest.caseId, { reason: manifest.reason, path: file, sha256 }, ctx);
  return { path: file, sha256 };
}

export interface FileProblem {
  code: 'manifest.missing' | 'manifest.changed' | 'manifest.unreadable' | 'manifest.chain' | 'file.changed' | 'file.missing';
  caseId: string;
  /** The file the problem is about. */
  file: string;
  /** What the file is: the manifest, the config, an input of a source, an output. */
  role: string;
  message: string;
}

/** Re-checks every (unpurged) manifest of a case against the files and the audit trail. */
export async function verifyManifests(store: CaseStore, caseId: string): Promise<{ checked: number; files: number; problems: FileProblem[] }> {
  const view = store.getCase(caseId);
  const problems: FileProblem[] = [];
  const seen = new Set<string>();
  let files = 0;
  let checked = 0;
  const check = async (f: ManifestFile, role: string, shown: string): Promise<void> => {
    const key = `${f.path}\u0000${f.sha256}`;
    if (seen.has(key)) return;
    seen.add(key);
    files++;
    const d = await digestIfPresent(f.path);
    if (!d) problems.push({ code: 'file.missing', caseId, file: shown, role, message: `${role} ${shown} is missing (recorded with sha256 ${f.sha256.slice(0, 12)}…)` });
    else if (d.sha256 !== f.sha256 || d.size !== f.size) {
      problems.push({ code: 'file.changed', caseId, file: shown, role, message: `${role} ${shown} has changed since the manifest recorded it (size ${f.size} → ${d.size}, sha256 ${f.sha256.slice(0, 12)}… → ${d.sha256.slice(0, 12)}…)` });
    }
  };
  for (const m of view.manifests) {
    if (m.purged || !m.path) continue;
    checked++;
    let text: string;
    try {
      text = await readFile(m.path, 'utf8');
    } catch {
      problems.push({ code: 'manifest.missing', caseId, file: m.path, role: 'the evidence manifest', message: `the evidence manifest ${m.path} is missing` });
      continue;
    }
    if (sha256Hex(text) !== m.sha256) {
      problems.push({ code: 'manifest.changed', caseId, file: m.path, role: 'the evidence manifest', message: `the evidence manifest ${m.path} was changed after it was written (its sha256 differs from the one recorded)` });
    }
    let doc: Manifest;
    try {
      doc = JSON.parse(text) as Manifest;
    } catch {
      problems.push({ code: 'manifest.unreadable', caseId, file: m.path, role: 'the evidence manifest', message: `the evidence manifest ${m.path} is not valid JSON` });
      continue;
    }
    if (doc.config) await check(doc.config, 'the config file', doc.config.path);
    for (const i of doc.inputs ?? []) await check(i, `input file of source "${i.source}"`, i.rel ?? i.path);
    for (const o of doc.outputs ?? []) await check(o, `output (${o.kind})`, o.path);
    // The manifest is an anchor outside the database: the events it lists must still be in the chain.
    const byseq = new Map(store.events(caseId).map((e) => [e.seq, e.hash]));
    for (const e of doc.events ?? []) {
      if (byseq.get(e.seq) !== e.hash) {
        problems.push({ code: 'manifest.chain', caseId, file: m.path, role: 'the evidence manifest', message: `event #${e.seq} (${e.type}) recorded in ${path.basename(m.path)} is no longer in the audit trail as it was` });
      }
    }
    if (doc.chainHead && store.eventHash(doc.chainHead.seq) !== doc.chainHead.hash) {
      problems.push({ code: 'manifest.chain', caseId, file: m.path, role: 'the evidence manifest', message: `the chain head recorded in ${path.basename(m.path)} (event #${doc.chainHead.seq}) is no longer in the audit trail as it was` });
    }
  }
  return { checked, files, problems };
}
