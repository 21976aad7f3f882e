/** The terminal view of a `find` result: grouped by system, with counts, confidence and locators. */
import type { FindJson, FoundRecord } from '../report/found.ts';
import { formatLocator } from '../core/record.ts';
import { out, skippedLine, table } from './io.ts';

const CONF_COLOUR = { exact: out.green, probable: out.cyan, possible: out.yellow } as const;

function how(r: FoundRecord): string {
  const main = r.matchedOn.find((m) => m.via === 'given') ?? r.matchedOn.find((m) => m.via === 'link') ?? r.matchedOn[0];
  if (!main) return '';
  const extra = r.matchedOn.filter((m) => m !== main && (m.via === 'context' || m.via === 'address')).map((m) => m.kind);
  let s = `${main.kind} (${main.via}${main.via === 'link' && r.path.length > 0 ? ` via ${r.path.map((p) => p.kind).join(' → ')}` : ''})`;
  if (extra.length) s += ` + ${[...new Set(extra)].join(', ')}`;
  if (r.conflicts?.length) s += out.red(` conflict: ${r.conflicts.join(', ')}`);
  return s;
}

function rows(records: FoundRecord[]): string[][] {
  return records.map((r) => [
    CONF_COLOUR[r.confidence](r.confidence + (r.confirmed ? '✓' : '')),
    r.entity,
    truncate(label(r), 36),
    out.dim(formatLocator(r.locator)),
    how(r),
  ]);
}

function label(r: FoundRecord): string {
  return r.label ?? '';
}

function truncate(s: string, n: number): string {
  return s.length > n ? s.slice(0, n - 1) + '…' : s;
}

export function renderFind(doc: FindJson, titles: Map<string, string>): string {
  const lines: string[] = [];
  const given = doc.subject.identifiers.map((i) => `${i.kind} ${i.value}`).join(', ');
  lines.push(out.bold(`Searched for: ${given}`));
  const learned = doc.subject.knownBy.filter((k) => k.origin === 'link');
  if (learned.length > 0) {
    const byKind = new Map<string, number>();
    for (const k of learned) byKind.set(k.kind, (byKind.get(k.kind) ?? 0) + 1);
    lines.push(out.dim(`Also followed: ${[...byKind].map(([k, n]) => `${n} ${k}`).join(', ')} found in matched records`));
  }
  lines.push('');
  const certain = doc.records.filter((r) => r.confidence !== 'possible' || r.confirmed);
  const possible = doc.records.filter((r) => r.confidence === 'possible' && !r.confirmed);
  const bySystem = new Map<string, FoundRecord[]>();
  for (const r of certain) {
    const k = `${r.connector}\u0000${r.source}`;
    bySystem.set(k, [...(bySystem.get(k) ?? []), r]);
  }
  if (certain.length === 0) lines.push('No exact or probable matches.');
  for (const [k, recs] of bySystem) {
    const [connector, source] = k.split('\u0000') as [string, string];
    const exact = recs.filter((r) => r.confidence === 'exact').length;
    const probable = recs.length - exact;
    lines.push(
      `${out.bold(titles.get(connector) ?? connector)} ${out.dim(`— ${source} (${connector})`)}: ${recs.length} record${recs.length === 1 ? '' : 's'} (${exact} exact${probable ? `, ${probable} probable` : ''})`,
    );
    lines.push(table(rows(recs)));
    lines.push('');
  }
  if (possible.length > 0) {
    lines.push(out.yellow.bold(`Possible matches (name only or weak evidence) — not the same as the above, confirm before use: ${possible.length}`));
    lines.push(table(possible.map((r) => [out.dim(r.source), ...rows([r])[0]!.slice(1)])));
    lines.push('');
  }
  if (doc.shared.length > 0) {
    lines.push(out.bold('Shared identifiers (not followed):'));
    for (const s of doc.shared) {
      const why = s.reason === 'role-address' ? 'a role address' : s.reason === 'organisation' ? "an organisation's (switchboard or shared inbox)" : 'also used by another person';
      lines.push(`  ${s.kind} ${s.value} — ${why}${s.given ? ' (you gave it: records matched only by it are "possible")' : ''}`);
    }
    lines.push('');
  }
  for (const c of doc.subject.contextOnly) lines.push(out.dim(`Note: ${c.kind} ${c.value} is ${c.note}.`));
  if (doc.summary.namesakesExcluded > 0) {
    lines.push(out.dim(`${doc.summary.namesakesExcluded} record${doc.summary.namesakesExcluded === 1 ? '' : 's'} with the same name left out: another personnummer, or a key of a card that has one (namesakes).`));
  }
  // A file whose records were read but failed a check (a SIE file with a wrong #KSUMMA) is not one that could not be read.
  const unread = doc.skipped.filter((s) => !s.recordsRead);
  const unverified = doc.skipped.filter((s) => s.recordsRead);
  if (unread.length > 0) {
    lines.push(out.red.bold(`Could not read ${unread.length} file${unread.length === 1 ? '' : 's'}:`));
    for (const s of unread) lines.push(skippedLine(s, out.red('✖')));
    lines.push('');
  }
  if (unverified.length > 0) {
    lines.push(out.yellow.bold(`Read, but failed a check that ${unverified.length === 1 ? 'it is' : 'they are'} as exported (${unverified.length} file${unverified.length === 1 ? '' : 's'}; the records are above):`));
    for (const s of unverified) lines.push(skippedLine(s, out.yellow('!')));
    lines.push('');
  }
  const systems = new Set(certain.map((r) => r.connector)).size;
  lines.push(
    `${certain.length} record${certain.length === 1 ? '' : 's'} in ${systems} system${systems === 1 ? '' : 's'}: ${doc.summary.exact} exact, ${doc.summary.probable} probable; ${possible.length} possible to confirm.`,
  );
  return lines.join('\n');
}
