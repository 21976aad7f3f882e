/**
 * Discovery for `init`: find export files in a folder, tell each one's
 * connector and format from its content (every connector's detect()), group
 * them into sources, try reading each source, and find the fields its
 * connector does not classify.
 */
import path from 'node:path';
import { extOf, readHead, relPath, walkFiles, type SourceFile } from '../io/files.ts';
import { stat } from 'node:fs/promises';
import { repeatedColumnBase, type AnyConnector, type Detection } from '../sources/contract.ts';
import { SourceReadError } from '../errors.ts';
import { ColumnMap } from '../io/table.ts';
import type { SourceRecord } from '../core/record.ts';

/** Files that are never exports: configs, docs, scripts, our own outputs. */
const NOT_EXPORTS = new Set(['yaml', 'yml', 'md', 'txt.md', 'mjs', 'js', 'ts', 'sh', 'gitattributes', 'gitignore', 'db', 'db-wal', 'db-shm', 'lock']);
const SKIP_DIRS = new Set(['node_modules', '.git', '.ojco-dsar', 'dist']);

export interface DetectedExport {
  file: SourceFile;
  connector?: string;
  format?: string;
  confidence: number;
  /** Another connector nearly as sure of the file: which one is right decides purposes and retention. */
  alternative?: { connector: string; format: string };
}

/** Within this much of the most confident detection, another connector's is a close call. */
const CLOSE_CALL = 0.1;

/** Of NOT_EXPORTS, the kinds a system's data may come in (Lime API answers saved as `.js`, recordings as `.yml`): listed as left out, never silently passed over. */
const MAYBE_DATA = new Set(['js', 'mjs', 'yml', 'yaml']);

/**
 * The files under `root` that may be exports. Files of the kinds in
 * MAYBE_DATA go to `passedOver` (when given), so that `init` can say why
 * it did not read them; a config of the tool's own is neither.
 */
export async function findFiles(root: string, baseDir: string, passedOver?: SourceFile[], broken?: SourceFile[]): Promise<SourceFile[]> {
  const out: SourceFile[] = [];
  const all = await walkFiles(root, baseDir, { skipName: (n) => n.startsWith('.') || n.startsWith('~$'), skipDir: (n) => SKIP_DIRS.has(n) });
  for (const f of all) {
    const name = path.basename(f.abs);
    const ext = extOf(name);
    const into = !NOT_EXPORTS.has(ext) && name !== 'README' ? out : MAYBE_DATA.has(ext) && !/\.config\.ya?ml$/iu.test(name) ? passedOver : undefined;
    if (!into) continue;
    if (f.broken) broken?.push(f);
    else if (f.size > 0) into.push(f);
  }
  return out;
}

/** The connector and format whose detect() is most confident about the file. */
export async function detectFile(file: SourceFile, connectors: AnyConnector[]): Promise<DetectedExport> {
  const head = await readHead(file.abs, 65536, file.rel);
  const found: { c: AnyConnector; d: Detection }[] = [];
  for (const c of connectors) {
    let d: Detection | undefined;
    try {
      d = c.detect({ name: file.rel, head, size: file.size });
    } catch {
      d = undefined;
    }
    if (d) found.push({ c, d });
  }
  // The most confident; on a tie the first connector.
  const best = found.reduce<(typeof found)[number] | undefined>((b, x) => (!b || x.d.confidence > b.d.confidence ? x : b), undefined);
  if (!best) return { file, confidence: 0 };
  const runnerUp = found.filter((x) => x !== best && x.c.id !== best.c.id).sort((a, b) => b.d.confidence - a.d.confidence)[0];
  const close = runnerUp && runnerUp.d.confidence >= best.d.confidence - CLOSE_CALL;
  return {
    file,
    connector: best.c.id,
    format: best.d.format,
    confidence: best.d.confidence,
    ...(close ? { alternative: { connector: runnerUp.c.id, format: runnerUp.d.format } } : {}),
  };
}

export interface ProposedSource {
  name: string;
  connector: string;
  /** Absolute path: a folder when all its files belong to this connector, else a file. */
  abs: string;
  format?: string;
  files: DetectedExport[];
  options: Record<string, unknown>;
  /** Why the source is left out of the config (it could not be read). */
  problem?: string;
  /** Fields the connector does not classify, with a guessed data category. */
  unclassified: { field: string; entity: string; guess: { category: string; identifier?: string } }[];
  /** Entities the connector read but does not describe (a CRM's own object types). */
  unknownEntities?: string[];
  notes: string[];
}

/**
 * A source's name for one file. A vCard is usually named after its contact
 * (Outlook's "Save as", a phone's export of one card), and a source name is
 * shown in every output, the extract to a person included (Art. 15(4)): it
 * is named after its folder instead.
 */
function sourceNameOf(f: DetectedExport, rel: string): string {
  if (f.format === 'vcard') return slugName(`${path.posix.dirname(rel) === '.' ? '' : path.posix.dirname(rel)}/vcard`, f.connector!);
  return slugName(rel, f.connector!);
}

function slugName(rel: string, connector: string): string {
  // The last two path parts, without the ones that only repeat the system's name.
  const parts = rel
    .replace(/\.[a-z0-9]+$/iu, '')
    .split('/')
    .filter((p) => p && p !== '.' && p !== '..' && p.toLowerCase() !== connector && p.toLowerCase() !== 'fixtures');
  const tail = parts.slice(-2).join('-');
  const s = tail.normalize('NFD').replace(/\p{M}/gu, '').toLowerCase().replace(/[^a-z0-9]+/gu, '-').replace(/^-|-$/gu, '');
  return s ? `${connector}-${s}`.slice(0, 60) : connector;
}

/**
 * Groups detected files into sources: the files of one folder that one
 * connector reads become one source (the folder), so new pages dropped
 * there later are read too; a folder shared by several systems gives one
 * source per file.
 */
export function groupSources(detected: DetectedExport[], baseDir: string, namesFrom: string = baseDir): ProposedSource[] {
  const byDir = new Map<string, DetectedExport[]>();
  for (const d of detected) {
    if (!d.connector) continue;
    const dir = path.dirname(d.file.abs);
    byDir.set(dir, [...(byDir.get(dir) ?? []), d]);
  }
  // A source that names a folder reads everything below it (listSourceFiles), so a folder is one source
  // only when every file below it is of one connector; its subfolders then get no sources of their own,
  // or their records would be read twice.
  const under = (file: string, dir: string): boolean => file.startsWith(dir + path.sep);
  const covered = new Set<DetectedExport>();
  const out: ProposedSource[] = [];
  const names = new Set<string>();
  const uniqueName = (n: string): string => {
    let name = n;
    for (let i = 2; names.has(name); i++) name = `${n}-${i}`;
    names.add(name);
    return name;
  };
  // Shallow folders first, so that a folder source covers the folders below it.
  for (const dir of [...byDir.keys()].sort((x, y) => x.split(path.sep).length - y.split(path.sep).length || (x < y ? -1 : 1))) {
    const subtree = detected.filter((d) => under(d.file.abs, dir));
    const files = byDir.get(dir)!.filter((d) => !covered.has(d));
    if (files.length === 0) continue;
    const below = subtree.filter((d) => d.connector !== undefined);
    const connectors = new Set(below.map((f) => f.connector!));
    const formats = new Set(below.map((f) => f.format!));
    // Nothing below a folder is covered yet when its own files are not: a folder source above covers them all.
    if (connectors.size === 1 && below.length === subtree.length && below.length > 1) {
      for (const d of below) covered.add(d);
      const connector = [...connectors][0]!;
      out.push({
        name: uniqueName(slugName(relPath(namesFrom, dir), connector)),
        connector,
        abs: dir,
        ...(formats.size === 1 && below.every((f) => f.confidence < 0.5) ? { format: [...formats][0]! } : {}),
        files: below,
        options: {},
        unclassified: [],
        notes: closeCalls(below),
      });
    } else {
      for (const f of files) {
        covered.add(f);
        out.push({
          name: uniqueName(sourceNameOf(f, relPath(namesFrom, f.file.abs))),
          connector: f.connector!,
          abs: f.file.abs,
          // A weak detection is written out, so that the config says what was assumed.
          ...(f.confidence < 0.5 ? { format: f.format! } : {}),
          files: [f],
          options: {},
          unclassified: [],
          notes: closeCalls([f]),
        });
      }
    }
  }
  return out.sort((a, b) => (a.abs < b.abs ? -1 : a.abs > b.abs ? 1 : 0));
}

/**
 * A note for each other connector that was nearly as sure of these files:
 * the connector decides what the register says of the records (a Visma
 * customer list is kept under Bokföringslagen, a CRM list is not), so a
 * close call is a guess to review.
 */
function closeCalls(files: DetectedExport[]): string[] {
  const alternatives = new Set(files.flatMap((f) => (f.alternative ? [`${f.alternative.connector} (${f.alternative.format})`] : [])));
  return [...alternatives].map((a) => `guess, review: the files also look like ${a}; the connector decides the purposes and retention the register gives their records`);
}

/** A first guess of a column's data category (and identifier kind) from its name; `init` marks every guess for review. */
export function guessCategory(field: string): { category: string; identifier?: 'email' | 'phone' | 'pnr' | 'customerNo' } {
  // A custom property's or attribute's prefix says nothing of what it holds: vCard's `X-PERSONNUMMER`,
  // an Entra directory extension's `extension_<app id>_kundnr`.
  const f = field.toLowerCase().replace(/^(?:x-|extension_[a-z0-9]+_)/u, '');
  if (/(e-?post|e-?mail|mail)/u.test(f) && /(samtycke|consent|nyhetsbrev|newsletter|sms|opt)/u.test(f)) return { category: 'consent' };
  if (/(samtycke|consent|opt.?in|opt.?out|prenumer|subscri|avreg|unsub)/u.test(f)) return { category: 'consent' };
  if (/^(e-?post|e-?mail|email ?address|epost(adress)?)$/u.test(f)) return { category: 'contact', identifier: 'email' };
  if (/^(telefon|phone|mobil(telefon|nummer)?|mobile|tel)$/u.test(f)) return { category: 'contact', identifier: 'phone' };
  if (/^(person(nummer|nr)|pnr|ssn|personal ?number)$/u.test(f)) return { category: 'identity', identifier: 'pnr' };
  if (/^(kund(nummer|nr)|customer ?(no|number))$/u.test(f)) return { category: 'customer-account', identifier: 'customerNo' };
  if (/(e-?post|e-?mail|telefon|phone|mobil|adress|address|postnummer|zip|ort|city)/u.test(f)) return { category: 'contact' };
  if (/(namn|name|person|födelse|birth)/u.test(f)) return { category: 'identity' };
  if (/(företag|company|titel|title|befattning|roll|position)/u.test(f)) return { category: 'professional' };
  if (/(kurs|course|event|evenemang|intresse|interest|tag|segment|grupp|group)/u.test(f)) return { category: 'interest' };
  if (/(kund|customer|konto|account)/u.test(f)) return { category: 'customer-account' };
  if (/(ip|geo|lat|long|region|land|country)/u.test(f)) return { category: 'location' };
  if (/(id|nr|nummer|number|datum|date|time|skapad|created|updated)/u.test(f)) return { category: 'system-id' };
  return { category: 'interaction' };
}

/**
 * Reads a proposed source once with its connector: whether it can be read,
 * and which fields its connector does not classify.
 */
export async function trySource(p: ProposedSource, connector: AnyConnector, baseDir: string, maxRecords = 5000): Promise<void> {
  const options = connector.optionsSchema.parse(p.options);
  const entities = new Map(connector.describe(options).entities.map((e) => [e.entity, new Set(e.fields.map((f) => ColumnMap.norm(f.name)))]));
  const failures: SourceReadError[] = [];
  const seen = new Set<string>();
  p.unclassified = [];
  delete p.unknownEntities;
  delete p.problem;
  let n = 0;
  try {
    for await (const r of connector.read({ name: p.name, path: p.abs, baseDir, format: p.format, options }, { warn: () => {}, fileFailed: (e) => failures.push(e) })) {
      const rec = r as SourceRecord;
      const known = entities.get(rec.entity);
      if (!known && !(p.unknownEntities ??= []).includes(rec.entity)) p.unknownEntities.push(rec.entity);
      for (const k of Object.keys(rec.fields)) {
        const base = repeatedColumnBase(k);
        if (known?.has(ColumnMap.norm(k)) || (base !== undefined && known?.has(ColumnMap.norm(base))) || seen.has(k)) continue;
        seen.add(k);
        p.unclassified.push({ field: k, entity: rec.entity, guess: guessCategory(k) });
      }
      if (++n >= maxRecords) break;
    }
  } catch (err) {
    if (!(err instanceof SourceReadError)) throw err;
    failures.push(err);
  }
  if (failures.length > 0) {
    const f = failures[0]!;
    const where = `${f.file ?? ''}${f.line ? `:${f.line}` : ''} ${f.message}`.trim();
    // A file that gave records before it failed (an export cut off) is kept: leaving it out would hide
    // the records it does hold, and a search that reads it says the file is damaged (exit 3).
    const note = `only partly readable: ${where}; the records before that are searched, and check, find and export report the file (exit 1, 3) until it is exported again`;
    if (n > 0 && p.files.length === 1) {
      if (!p.notes.includes(note)) p.notes.push(note);
    } else {
      // The list of left-out files names the file already: its line is enough.
      const same = f.file !== undefined && path.resolve(baseDir, f.file) === path.resolve(p.abs);
      p.problem = same ? `${f.line ? `line ${f.line}: ` : ''}${f.message}` : where;
    }
  } else if (n === 0) {
    p.problem = 'no records';
  }
}
