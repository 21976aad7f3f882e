/**
 * `ojco-dsar init [DIR]`: a wizard that finds export files in a folder,
 * detects each one's connector and format from its content, asks what it
 * cannot detect, and writes a valid config. `--yes` takes the detected
 * answers and first guesses without asking; every guess is marked in the
 * written file for a person to review.
 */
import path from 'node:path';
import { stat } from 'node:fs/promises';
import { isBeehiivHeader } from '../../../connectors/newsletter/index.ts';
import { ExitCode, UsageError } from '../../errors.ts';
import { loadAllBuiltins } from '../../sources/registry.ts';
import { detectFile, findFiles, groupSources, trySource, type DetectedExport, type ProposedSource } from '../../pipeline/discover.ts';
import { assertWritable, writeFileAtomic } from '../../io/output.ts';
import { extOf, readHead, relPath, type SourceFile } from '../../io/files.ts';
import { decodeBuffer } from '../../io/encoding.ts';
import { sniffDelimiter } from '../../io/csv.ts';
import { DATA_CATEGORIES } from '../../register/categories.ts';
import type { AnyConnector } from '../../sources/contract.ts';
import { canPrompt, log, out, spinner, table, writeJson, writeOut } from '../io.ts';

const CONFIG_NAME = 'ojco-dsar.config.yaml';

/** Column names for a newsletter tool's CSV, read from its header. */
async function newsletterHeader(file: string): Promise<string[]> {
  const { text } = decodeBuffer(await readHead(file, 16384), 'cp1252');
  const first = text.split(/\r?\n/u)[0] ?? '';
  return first.split(sniffDelimiter(first)).map((h) => h.replace(/^"|"$/gu, '').trim());
}

function newsletterColumns(header: string[]): Record<string, string> {
  const find = (re: RegExp): string | undefined => header.find((h) => re.test(h));
  const cols: Record<string, string> = {};
  const set = (k: string, re: RegExp): void => {
    const h = find(re);
    if (h) cols[k] = h;
  };
  set('email', /^(e-?post(adress)?|e-?mail( address)?|email)$/iu);
  set('phone', /^(mobil(e|nummer|telefon)?|phone( number)?|telefon|phone_number)$/iu);
  set('firstName', /^(förnamn|first ?name|fname)$/iu);
  set('lastName', /^(efternamn|last ?name|lname)$/iu);
  set('id', /^(profile key|id|kontakt-?id)$/iu);
  return cols;
}

function yamlString(s: string): string {
  return /^[A-Za-z0-9_./-]+$/u.test(s) && !/^(true|false|null|yes|no|on|off|\d.*)$/iu.test(s) ? s : JSON.stringify(s);
}

function renderConfig(sources: ProposedSource[], skipped: { rel: string; why: string }[], configDir: string, dir: string): string {
  const lines: string[] = [
    `# Written by \`ojco-dsar init\` for the exports in ${relPath(configDir, dir) || 'this folder'}.`,
    '# Paths are relative to this file. Review every line marked "guess" and run `ojco-dsar check`.',
    '# The connectors and their options: `ojco-dsar connectors` and connectors/<id>/README.md.',
    'sources:',
  ];
  for (const s of sources.filter((x) => !x.problem)) {
    lines.push(`  - name: ${yamlString(s.name)}`);
    lines.push(`    connector: ${s.connector}`);
    // The folder the config is written into is `.`, not an empty path (which the config refuses).
    lines.push(`    path: ${yamlString(relPath(configDir, s.abs) || '.')}`);
    if (s.format) lines.push(`    format: ${s.format}  # detected with low confidence`);
    for (const n of s.notes) lines.push(`    # ${n}`);
    const opts = { ...s.options };
    delete opts.fields;
    const hasFields = s.unclassified.length > 0;
    if (Object.keys(opts).length > 0 || hasFields) {
      lines.push('    options:');
      for (const [k, v] of Object.entries(opts)) {
        if (v && typeof v === 'object') {
          lines.push(`      ${k}:`);
          for (const [k2, v2] of Object.entries(v as Record<string, unknown>)) {
            if (v2 && typeof v2 === 'object') {
              const inner = Object.entries(v2 as Record<string, unknown>).map(([a, b]) => `${a}: ${yamlString(String(b))}`).join(', ');
              lines.push(`        ${yamlString(k2)}: { ${inner} }`);
            } else lines.push(`        ${yamlString(k2)}: ${yamlString(String(v2))}`);
          }
        } else lines.push(`      ${k}: ${yamlString(String(v))}`);
      }
      if (hasFields) {
        lines.push("      # The export's own columns, which the connector does not know: their data category.");
        lines.push('      fields:');
        for (const u of s.unclassified) {
          const v = u.guess.identifier ? `{ category: ${u.guess.category}, identifier: ${u.guess.identifier} }` : u.guess.category;
          lines.push(`        ${JSON.stringify(u.field)}: ${v}  # guess, review`);
        }
      }
    }
  }
  const left = [...sources.filter((x) => x.problem).map((x) => ({ rel: relPath(configDir, x.abs), why: `${x.connector}: ${x.problem}` })), ...skipped];
  if (left.length > 0) {
    lines.push('', '# Left out:');
    for (const l of left) lines.push(`#   ${l.rel}: ${l.why}`);
  }
  return lines.join('\n') + '\n';
}

export async function run(opts: Record<string, unknown>): Promise<number> {
  const cwd = process.cwd();
  const dir = path.resolve(cwd, (opts.args as string[] | undefined)?.[0] ?? '.');
  const st = await stat(dir).catch(() => undefined);
  if (!st?.isDirectory()) throw new UsageError('not a folder', [{ code: 'usage.not-a-folder', message: `${relPath(cwd, dir)} is not a folder to look for exports in` }]);
  const outFile = path.resolve(cwd, (opts.out as string | undefined) ?? path.join(relPath(cwd, dir), CONFIG_NAME));
  await assertWritable([outFile], !!opts.force, cwd);
  const configDir = path.dirname(outFile);
  const interactive = canPrompt(opts);
  const connectors = await loadAllBuiltins();
  const byId = new Map<string, AnyConnector>(connectors.map((c) => [c.id, c]));

  const spin = await spinner('Looking for export files…', true);
  const passedOver: SourceFile[] = [];
  const broken: SourceFile[] = [];
  const files = await findFiles(dir, configDir, passedOver, broken);
  const detected: DetectedExport[] = [];
  for (const f of files) {
    spin.update(`Detecting ${detected.length + 1}/${files.length}…`);
    detected.push(await detectFile(f, connectors));
  }
  spin.stop();

  const skipped: { rel: string; why: string }[] = [];
  for (const d of detected.filter((x) => !x.connector)) {
    if (interactive) {
      const { select } = await import('@inquirer/prompts');
      const choice = await select({
        message: `Which system is ${d.file.rel} from?`,
        choices: [{ name: 'skip it', value: '' }, ...connectors.map((c) => ({ name: c.title, value: c.id }))],
        output: process.stderr,
      } as Parameters<typeof select>[0]);
      if (choice) {
        const c = byId.get(String(choice))!;
        d.connector = c.id;
        d.format = c.formats[0]!.id;
        d.confidence = 0.1;
        continue;
      }
    }
    skipped.push({ rel: relPath(configDir, d.file.abs), why: 'no connector recognises it' });
  }

  for (const f of broken) skipped.push({ rel: relPath(configDir, f.abs), why: `not read: ${f.broken!.message}` });
  for (const f of passedOver) {
    skipped.push({ rel: relPath(configDir, f.abs), why: `not read: a .${extOf(f.abs)} file is a script, a config or a recording, not an export; export the data as CSV, XLSX, JSON or SIE` });
  }

  let proposals = groupSources(detected, configDir, dir);
  // Options a connector needs that only the content can tell.
  for (const p of proposals) {
    const detectedFormat = p.format ?? p.files[0]?.format;
    if (p.connector === 'newsletter' && detectedFormat === 'mapped-csv') {
      const header = await newsletterHeader(p.files[0]!.file.abs);
      const cols = newsletterColumns(header);
      if (isBeehiivHeader(header)) {
        p.options.preset = 'beehiiv';
        p.notes.push('a beehiiv subscriber export, by its columns');
      } else {
        if (cols.id === 'Profile key') p.options.preset = 'apsis';
        else p.options.columns = cols;
        p.notes.push('column mapping read from the header: check it against the tool');
      }
    }
    if (p.connector === 'google-analytics') {
      let kind = 'userId';
      if (interactive) {
        const { select } = await import('@inquirer/prompts');
        kind = String(
          await select({
            message: `What does your website put in GA4's user_id (${p.name})?`,
            choices: [
              { name: 'a login id of its own', value: 'userId' },
              { name: 'the customer number', value: 'customerNo' },
              { name: 'the e-mail address', value: 'email' },
            ],
            output: process.stderr,
          } as Parameters<typeof select>[0]),
        );
      } else {
        p.notes.push('user_id is read as a site login id; set options.userIdKind if the site stores a customer number or e-mail there');
      }
      if (kind !== 'userId') p.options.userIdKind = kind;
    }
  }

  // Read each source once: a folder with a broken file is split so that the good files stay.
  const tried: ProposedSource[] = [];
  const queue = [...proposals];
  const spin2 = await spinner('Reading the sources…', true);
  while (queue.length > 0) {
    const p = queue.shift()!;
    spin2.update(`Reading ${p.name}…`);
    await trySource(p, byId.get(p.connector)!, configDir);
    if (!p.problem && p.connector === 'lime' && p.unknownEntities?.length) {
      // A Lime solution's own limetypes: declared as CRM history until a person says what they are.
      p.options.limetypes = Object.fromEntries(p.unknownEntities.map((e) => [e, { category: 'crm-history', title: e }]));
      p.notes.push(`limetypes ${p.unknownEntities.join(', ')} are this solution's own: their register category is a guess (crm-history), review it`);
      await trySource(p, byId.get(p.connector)!, configDir);
    }
    if (p.problem && p.files.length > 1) {
      for (const f of p.files) {
        // A vCard file's name is often its contact's (sourceNameOf in discover.ts): numbered instead.
        const part = f.format === 'vcard' ? `vcard-${p.files.indexOf(f) + 1}` : path.basename(f.file.abs).replace(/\.[^.]+$/u, '').toLowerCase().replace(/[^a-z0-9]+/gu, '-');
        queue.push({ name: `${p.name}-${part}`, connector: p.connector, abs: f.file.abs, ...(p.format ? { format: p.format } : {}), files: [f], options: { ...p.options }, unclassified: [], notes: [...p.notes] });
      }
      continue;
    }
    tried.push(p);
  }
  spin2.stop();
  proposals = tried.sort((a, b) => (a.abs < b.abs ? -1 : a.abs > b.abs ? 1 : 0));
  const names = new Set<string>();
  for (const p of proposals) {
    let n = p.name;
    for (let i = 2; names.has(n); i++) n = `${p.name}-${i}`;
    names.add(n);
    p.name = n;
  }

  if (interactive) {
    const { checkbox, select } = await import('@inquirer/prompts');
    const good = proposals.filter((p) => !p.problem);
    const keep = (await checkbox({
      message: 'Sources to put in the config',
      choices: good.map((p) => ({ name: `${p.name} (${p.connector}) ${relPath(cwd, p.abs)}`, value: p.name, checked: true })),
      output: process.stderr,
    } as Parameters<typeof checkbox>[0])) as string[];
    for (const p of good) if (!keep.includes(p.name)) p.problem = 'left out by you';
    for (const p of good.filter((x) => !x.problem)) {
      for (const u of p.unclassified) {
        u.guess = {
          ...u.guess,
          category: String(
          await select({
            message: `${p.name}: what kind of data is the column "${u.field}"?`,
            default: u.guess.category,
            choices: Object.entries(DATA_CATEGORIES).map(([id, t]) => ({ name: `${id} — ${t.en}`, value: id })),
            output: process.stderr,
          } as Parameters<typeof select>[0]),
          ),
        };
      }
    }
  }
  for (const p of proposals) if (p.unclassified.length) p.options.fields = Object.fromEntries(p.unclassified.map((u) => [u.field, u.guess.identifier ? u.guess : u.guess.category]));

  // A config without a source is one every command refuses: nothing is written, and the officer learns why.
  if (!proposals.some((p) => !p.problem)) {
    // Named from where the officer stands, not from the config that was not written.
    const left = [...proposals.map((p) => ({ file: relPath(cwd, p.abs), why: `${p.connector}: ${p.problem}` })), ...skipped.map((x) => ({ file: relPath(cwd, path.resolve(configDir, x.rel)), why: x.why }))];
    throw new UsageError(`no export the tool can read was found in ${relPath(cwd, dir) || '.'}; no config was written`, [
      ...(left.length === 0 ? [{ code: 'init.no-exports', message: 'the folder holds no files that could be exports' }] : left.map((l) => ({ code: 'init.no-exports', message: l.why, file: l.file }))),
    ]);
  }
  const text = renderConfig(proposals, skipped, configDir, dir);
  const written = await writeFileAtomic(outFile, text, { force: !!opts.force });
  const included = proposals.filter((p) => !p.problem);
  const summary = {
    config: relPath(cwd, outFile),
    sha256: written.sha256,
    sources: included.map((p) => ({ name: p.name, connector: p.connector, path: relPath(configDir, p.abs) || '.', ...(p.format ? { format: p.format } : {}), guessedFields: p.unclassified.map((u) => u.field) })),
    leftOut: [...proposals.filter((p) => p.problem).map((p) => ({ path: relPath(configDir, p.abs), reason: `${p.connector}: ${p.problem}` })), ...skipped.map((s) => ({ path: s.rel, reason: s.why }))],
  };
  if (opts.json) writeJson(summary);
  else {
    writeOut(out.bold(`Wrote ${summary.config} with ${included.length} source${included.length === 1 ? '' : 's'}:`));
    writeOut(table(summary.sources.map((s) => [s.name, s.connector, s.path, s.guessedFields.length ? out.yellow(`${s.guessedFields.length} field(s) guessed`) : ''])));
    if (summary.leftOut.length) {
      writeOut(out.bold(`\nLeft out ${summary.leftOut.length} file(s) (listed at the end of the config):`));
      writeOut(table(summary.leftOut.map((l) => [l.path, out.dim(l.reason)])));
    }
    writeOut(`\nNext: review the guesses, then run ${out.bold(`ojco-dsar check --config ${summary.config}`)}`);
  }
  return ExitCode.Ok;
}
