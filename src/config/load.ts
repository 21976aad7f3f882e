/**
 * The config file: `--config PATH`, or `ojco-dsar.config.yaml`, `.yml` or
 * `.json` in the current folder. Validation collects every problem before
 * failing (wrangler's diagnostics, changesets' validateConfig), so a user
 * fixes them all in one go. Exit code 2.
 */
import { existsSync, statSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import path from 'node:path';
import { z } from 'zod';
import { ConfigError, type Problem } from '../errors.ts';
import type { AnyConnector } from '../sources/contract.ts';
import { isBuiltin, isModuleRef, loadBuiltin, loadModuleConnector, BUILTIN_IDS } from '../sources/registry.ts';

export const CONFIG_FILE_NAMES = ['ojco-dsar.config.yaml', 'ojco-dsar.config.yml', 'ojco-dsar.config.json'];

const SourceSchema = z
  .object({
    name: z.string().min(1, 'must not be empty').max(80),
    connector: z.string().min(1, 'must name a connector'),
    path: z.string().min(1, 'must not be empty'),
    format: z.string().min(1).optional(),
    options: z.record(z.string(), z.unknown()).optional(),
    /** Set to false to keep a source in the file without searching it. */
    enabled: z.boolean().optional(),
  })
  .strict();

const Count = z.union([
  z.number().int().min(0),
  z.object({ min: z.number().int().min(0).optional(), max: z.number().int().min(0).optional() }).strict(),
]);
const Values = z.array(z.string().min(1)).min(1);

/** What `check` expects a search of the sources to find (CI on fixture data). */
export const ExpectationSchema = z
  .object({
    name: z.string().min(1),
    find: z
      .object({
        email: Values,
        phone: Values,
        pnr: Values,
        orgnr: Values,
        name: Values,
        customerNo: Values,
        ip: Values,
        gaClientId: Values,
        address: Values,
        userId: Values,
      })
      .partial()
      .strict(),
    exact: Count.optional(),
    probable: Count.optional(),
    possible: Count.optional(),
    /** Sources that must hold an exact or probable record. */
    sources: z.array(z.string()).optional(),
    /** Sources that must hold none. */
    notSources: z.array(z.string()).optional(),
    /** Records that must be found exact or probable, as `source file:line`, `source file#pointer` or `source file [sheet] row N`. */
    records: z.array(z.string()).optional(),
  })
  .strict();
export type Expectation = z.infer<typeof ExpectationSchema>;

export const ConfigSchema = z
  .object({
    sources: z.array(SourceSchema).min(1, 'needs at least one source'),
    /** The processing register (YAML/JSON); the built-in OJCO register when absent. */
    register: z.string().min(1).optional(),
    /** First day of the financial year as MM-DD (BF-1); `01-01` is a calendar year. */
    fiscalYearStart: z
      .string()
      .regex(/^(0[1-9]|1[0-2])-(0[1-9]|[12]\d|3[01])$/u, 'must be MM-DD, e.g. 07-01')
      .optional(),
    /** Who runs the tool, recorded in the audit trail. */
    actor: z.string().min(1).optional(),
    /** Where cases, suppression list and ledger live; default `.ojco-dsar/` beside the config. */
    home: z.string().min(1).optional(),
    /** Case retention in months after closing, for `case purge`. */
    caseRetentionMonths: z.number().int().positive().optional(),
    /** Identifiers of the data controller's own staff are never followed as links. */
    staffDomains: z.array(z.string().min(1)).optional(),
    /** The Google Analytics property whose User Deletion requests erasure plans name (`--ga-property-id` overrides it). */
    gaPropertyId: z
      .string()
      .regex(/^(?:\d{1,20}|UA-\d+-\d+)$/u, 'must be a GA4 property id (digits) or a Universal Analytics id UA-…-…')
      .optional(),
    /** Searches `check` runs and what they must find. */
    expectations: z.array(ExpectationSchema).optional(),
  })
  .strict();

export type RawConfig = z.infer<typeof ConfigSchema>;
export type RawSource = z.infer<typeof SourceSchema>;

export interface ResolvedSource {
  name: string;
  connectorRef: string;
  connector: AnyConnector;
  /** Absolute path. */
  path: string;
  format: string | undefined;
  options: unknown;
  index: number;
}

export interface LoadedConfig {
  file: string;
  baseDir: string;
  raw: RawConfig;
  sources: ResolvedSource[];
  /** Hash of the config file's bytes, for evidence manifests. */
  bytes: Buffer;
}

/** The first of CONFIG_FILE_NAMES that is a file in `dir`. */
export function configFileIn(dir: string): string | undefined {
  for (const name of CONFIG_FILE_NAMES) {
    const abs = path.join(dir, name);
    if (existsSync(abs) && statSync(abs).isFile()) return abs;
  }
  return undefined;
}

export function findConfigFile(explicit: string | undefined, cwd: string): string {
  if (explicit) {
    const abs = path.resolve(cwd, explicit);
    if (!existsSync(abs)) {
      throw new ConfigError(`config file not found: ${explicit}`, [{ code: 'config.missing', message: `no file at ${explicit}`, file: explicit }]);
    }
    // The folder that holds the config (where `init` wrote it): its config file.
    if (statSync(abs).isDirectory()) {
      const inside = configFileIn(abs);
      if (inside) return inside;
      throw new ConfigError(`--config names a folder with no config file in it`, [
        { code: 'config.missing', message: `a folder, and none of ${CONFIG_FILE_NAMES.join(', ')} is in it`, file: explicit },
      ], 'Pass the config file itself with --config PATH, or run `ojco-dsar init` to write one.');
    }
    return abs;
  }
  const found = configFileIn(cwd);
  if (found) return found;
  throw new ConfigError('no config file', [
    {
      code: 'config.missing',
      message: `no --config given and none of ${CONFIG_FILE_NAMES.join(', ')} in the current folder`,
    },
  ], 'Run `ojco-dsar init` to write one, or pass --config PATH.');
}

function zodProblems(error: z.ZodError, file: string): Problem[] {
  return error.issues.map((i) => {
    const p = i.path.map((seg) => (typeof seg === 'number' ? `[${seg}]` : `.${String(seg)}`)).join('').replace(/^\./u, '');
    let message = i.message;
    if (i.code === 'unrecognized_keys') message = `unknown key${i.keys.length > 1 ? 's' : ''}: ${i.keys.join(', ')}`;
    return { code: 'config.invalid', message: p ? `${p}: ${message}` : message, file, ...(p ? { path: p } : {}) };
  });
}

/**
 * yaml's messages with the source text some of them quote (a tag, an escape,
 * the rest of a block scalar's header) cut off: a config may hold personal
 * data (a staff address, a path named after someone), and a problem names
 * the file, the line and column, and what is wrong, never a value.
 */
const YAML_QUOTING = [
  /^(Block scalar header includes extra characters)\b/u,
  /^(Unresolved tag)\b/u,
  /^(Invalid escape sequence)\b/u,
  /^(Unknown directive)\b/u,
  /^(Not a valid tag)\b/u,
  /^(Could not resolve tag)\b/u,
  /^(Verbatim tags aren't resolved)\b/u,
  /^(Not a YAML token)\b/u,
  /^(Unsupported YAML version)\b/u,
];

function yamlMessage(code: string, message: string): string {
  const first = message.split('\n')[0] ?? '';
  for (const re of YAML_QUOTING) {
    const m = re.exec(first);
    if (m) return m[1]!;
  }
  if (/^The .* tag has no suffix/u.test(first)) return 'A tag has no suffix';
  if (/ used for \w+ collection, but expects /u.test(first)) return 'A tag used for a collection of another kind';
  return first || `YAML syntax error (${code})`;
}

/**
 * Parses YAML or JSON, reporting syntax errors with their line (and, for
 * YAML, column). Shared by the config loader and the store's light read of
 * the config (src/store/settings.ts), so that both give the same problems.
 */
export async function parseConfigText(file: string, text: string): Promise<unknown> {
  if (file.endsWith('.json')) {
    try {
      return JSON.parse(text);
    } catch (err) {
      const m = /position (\d+)/u.exec((err as Error).message);
      const line = m?.[1] ? text.slice(0, Number(m[1])).split('\n').length : undefined;
      throw new ConfigError('the config file is not valid JSON', [
        { code: 'config.syntax', message: 'invalid JSON', file, ...(line ? { line } : {}) },
      ]);
    }
  }
  return parseYamlText(file, text, 'config.syntax', 'the config file is not valid YAML');
}

/**
 * YAML to data, every syntax problem with its line and column and without
 * the text it quotes (which may be a person's e-mail): the config's and the
 * register's (src/register/load.ts). An alias to no anchor (`*name`) is one
 * of them, found where the document is turned into data.
 */
export async function parseYamlText(file: string, text: string, code: string, what: string): Promise<unknown> {
  const { parseDocument, LineCounter, visit, isAlias } = await import('yaml');
  // prettyErrors would give the line too, but appends the offending line of the file to the message.
  const lineCounter = new LineCounter();
  const doc = parseDocument(text, { prettyErrors: false, uniqueKeys: true, lineCounter });
  const problem = (message: string, offset: number | undefined): Problem => {
    const at = offset !== undefined && offset >= 0 ? lineCounter.linePos(offset) : undefined;
    return { code, message: at ? `${message} (column ${at.col})` : message, file, ...(at ? { line: at.line } : {}) };
  };
  if (doc.errors.length > 0) throw new ConfigError(what, doc.errors.map((e) => problem(yamlMessage(e.code, e.message), e.pos[0])));
  const dangling: Problem[] = [];
  visit(doc, {
    Alias(_, node) {
      if (isAlias(node) && node.resolve(doc) === undefined) dangling.push(problem('An alias (*name) refers to no anchor (&name) before it', node.range?.[0]));
    },
  });
  if (dangling.length > 0) throw new ConfigError(what, dangling);
  try {
    return doc.toJS();
  } catch {
    // Anything else yaml refuses here (an alias that expands without end): the message could quote the file.
    throw new ConfigError(what, [{ code, message: 'YAML that cannot be turned into data (an alias or a tag it cannot resolve)', file }]);
  }
}

export async function loadConfig(explicit: string | undefined, cwd: string): Promise<LoadedConfig> {
  const file = findConfigFile(explicit, cwd);
  const rel = path.relative(cwd, file) || file;
  const bytes = await readFile(file);
  const data = await parseConfigText(rel, bytes.toString('utf8').replace(/^\uFEFF/u, ''));
  // Sources are checked one by one, so that a bad key in one source does not
  // hide a bad connector in another: every problem is reported at once.
  const problems: Problem[] = [];
  const parsed = ConfigSchema.safeParse(data);
  let raw: RawConfig;
  let validSources: { i: number; s: RawSource }[];
  if (parsed.success) {
    raw = parsed.data;
    validSources = raw.sources.map((s, i) => ({ i, s }));
  } else {
    problems.push(...zodProblems(parsed.error, rel));
    const list = (data as { sources?: unknown } | null)?.sources;
    validSources = [];
    if (Array.isArray(list)) {
      list.forEach((item, i) => {
        const one = SourceSchema.safeParse(item);
        if (one.success) validSources.push({ i, s: one.data });
      });
    }
    raw = { sources: validSources.map((v) => v.s) };
  }
  const baseDir = path.dirname(file);
  const names = new Set<string>();
  const sources: ResolvedSource[] = [];
  for (const { i, s } of validSources) {
    const at = `sources[${i}]`;
    if (names.has(s.name)) problems.push({ code: 'config.duplicate-source', message: `${at}.name: "${s.name}" is used by two sources`, file: rel, path: `${at}.name` });
    names.add(s.name);
    if (s.enabled === false) continue;
    let connector: AnyConnector | undefined;
    if (isBuiltin(s.connector)) {
      connector = await loadBuiltin(s.connector);
    } else if (isModuleRef(s.connector)) {
      const r = await loadModuleConnector(s.connector, baseDir);
      for (const m of r.problems) problems.push({ code: 'config.connector', message: `${at}.connector: ${m}`, file: rel, path: `${at}.connector`, source: s.name });
      connector = r.connector;
    } else {
      problems.push({
        code: 'config.unknown-connector',
        message: `${at}.connector: unknown connector "${s.connector}"; built-in connectors are ${BUILTIN_IDS.join(', ')}, or give a module path such as ./my-erp.js`,
        file: rel,
        path: `${at}.connector`,
        source: s.name,
      });
    }
    let options: unknown = s.options ?? {};
    if (connector) {
      if (s.format && !connector.formats.some((f) => f.id === s.format)) {
        problems.push({
          code: 'config.unknown-format',
          message: `${at}.format: connector ${connector.id} has no format "${s.format}"; it reads ${connector.formats.map((f) => f.id).join(', ')}`,
          file: rel,
          path: `${at}.format`,
          source: s.name,
        });
      }
      const o = connector.optionsSchema.safeParse(s.options ?? {});
      if (!o.success) {
        for (const p of zodProblems(o.error, rel)) {
          problems.push({ ...p, message: `${at}.options${p.path ? '.' : ': '}${p.message}`, path: `${at}.options${p.path ? '.' + p.path : ''}`, source: s.name });
        }
      } else options = o.data;
      sources.push({ name: s.name, connectorRef: s.connector, connector, path: path.resolve(baseDir, s.path), format: s.format, options, index: sources.length });
    }
  }
  if (problems.length > 0) throw new ConfigError(`the config file ${rel} has problems`, problems);
  return { file, baseDir, raw, sources, bytes };
}
