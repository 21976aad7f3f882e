/**
 * The HTML extract: a letter to the person, self-contained and
 * print-friendly (docs/extract.md "HTML letter").
 *
 * - One file: inline CSS only, no scripts, no images, no fonts or other
 *   external resources; a Content-Security-Policy forbids them too, so
 *   even a value that escaped escaping could not load or run anything.
 *   The only links are mailto: the controller and the supervisory
 *   authority's web address (Art. 15(1)(f)).
 * - Dated and addressed: the controller's letterhead, "Till"/"To" with the
 *   identifiers the person was searched by, the extract's date.
 * - In the order of Art. 15: confirmation (15(1)), then (a)-(h), then
 *   15(2) transfers, each answered for THIS person's records (AC-1, AC-2:
 *   per record group, with concrete retention dates where the rule gives
 *   one), then a copy of the data system by system (15(3)), one page per
 *   system in print, then the systems searched, the files that could not
 *   be read, and the redaction note (15(4), AC-9).
 * - Every value is HTML-escaped: the data comes from exports anyone could
 *   have typed into.
 * - A field the system names by a code (`KUNDNR`, vCard's `FN`) is named by
 *   its connector's label, with the code beside it to find it in the data
 *   files; a date in a system's own notation (`19800131`, seconds since
 *   1970) is written as the letter writes dates, and any value that is an
 *   ISO 8601 date and time (Graph's `receivedDateTime`) as a time in
 *   Swedish time in the letter's language (`14 mars 2025 kl. 10:12`), a
 *   nested field's parts are named by their labels with list items
 *   numbered (`rad 1`), and an HTML e-mail body is shown as its text,
 *   escaped like any value (letter-fields.ts). The data files keep all of
 *   it as exported.
 */
import type { Extract, ExtractLang, ExtractRecord } from './extract-schema.ts';
import { groupBySystem, redactionPath, type Cell } from './extract-table.ts';
import { confidenceText, confirmationKey, confirmationKeys, identifierKindText, locatorText, longDate, longDateTime, tr } from './extract-text.ts';
import { letterLeaves, type FieldLookup } from './letter-fields.ts';
import { BACKUP_TEXT, backupSentence, heldBySentence } from './extract-backups.ts';

const ESC: Record<string, string> = { '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' };

/** Escapes text for HTML content and attribute values. */
export function esc(s: string): string {
  return s.replace(/[&<>"']/gu, (c) => ESC[c]!);
}

const CSS = `
*{box-sizing:border-box}
body{font-family:"Segoe UI",Roboto,"Helvetica Neue",Arial,sans-serif;font-size:10.5pt;line-height:1.45;color:#111;max-width:60rem;margin:2rem auto;padding:0 1.5rem}
header.letterhead{display:flex;justify-content:space-between;gap:2rem;border-bottom:2px solid #1f3b5a;padding-bottom:.8rem;margin-bottom:1.2rem}
header.letterhead .controller strong{font-size:1.2em;color:#1f3b5a}
dl.meta{display:grid;grid-template-columns:auto auto;gap:.1rem .8rem;margin:0}
dl.meta dt{font-weight:600}
dl.meta dd{margin:0}
.address{margin:0 0 1.2rem}
h1{font-size:1.5em;color:#1f3b5a;margin:.6rem 0 1rem}
h2{font-size:1.2em;color:#1f3b5a;border-bottom:1px solid #c8d3df;padding-bottom:.15rem;margin-top:1.6rem}
h3{font-size:1.05em;margin:1.1rem 0 .3rem}
table{border-collapse:collapse;width:100%;margin:.4rem 0 .8rem}
th,td{border:1px solid #c8d3df;padding:.2rem .45rem;text-align:left;vertical-align:top}
th{background:#eef2f7;font-weight:600}
td.value{white-space:pre-wrap;overflow-wrap:anywhere}
td.key{width:32%;overflow-wrap:anywhere;color:#333}
td.key .field-key{color:#666;font-size:.85em}
td ul{margin:0;padding-left:1.1rem}
.record-meta{color:#444;font-size:.92em;margin:.1rem 0 .3rem}
.note{background:#f6f6f6;border-left:3px solid #999;padding:.4rem .7rem}
.warning{background:#fff4e5;border-left:3px solid #d9822b;padding:.4rem .7rem}
.redacted{font-style:italic;color:#555}
footer{margin-top:2rem;border-top:1px solid #c8d3df;padding-top:.6rem;font-size:.9em;color:#333}
@page{size:A4;margin:18mm 16mm}
@media print{
  body{margin:0;max-width:none;padding:0;font-size:10pt}
  a{color:inherit;text-decoration:none}
  section.system{break-before:page;page-break-before:always}
  h2,h3{break-after:avoid;page-break-after:avoid}
  tr,.record-meta{break-inside:avoid;page-break-inside:avoid}
  thead{display:table-header-group}
}
`;

/** A group of the person's records under one register entry (system and kind of record). */
interface Group {
  key: string;
  title: string;
  records: ExtractRecord[];
  first: ExtractRecord;
}

function groupsOf(records: ExtractRecord[]): Group[] {
  const m = new Map<string, Group>();
  for (const r of records) {
    const key = `${r.system}\u0000${r.category}`;
    const g = m.get(key);
    if (g) g.records.push(r);
    else m.set(key, { key, title: `${r.system} – ${r.categoryText}`, records: [r], first: r });
  }
  return [...m.values()];
}

/** Nothing to show: an empty value, list or object (no cc recipients, no categories). */
function isEmptyLeaf(v: Cell): boolean {
  return v === null || (typeof v === 'string' && (v.trim() === '' || v === '[]' || v === '{}'));
}

/**
 * The rows of a record's field table: each leaf by its connector's labels
 * (the system's path beside it, as the data files name the column), a
 * date in the letter's notation and HTML as its text (letterLeaves); a
 * field without either as exported.
 */
function fieldRows(lang: ExtractLang, r: ExtractRecord, fields: Record<string, unknown>, lookup: FieldLookup | undefined): string {
  const rows: string[] = [];
  for (const [key, value] of Object.entries(fields)) {
    for (const leaf of letterLeaves(lookup?.(r, key), key, value, lang)) {
      if (isEmptyLeaf(leaf.value)) continue;
      const name = leaf.label && leaf.label !== leaf.path ? `${esc(leaf.label)} <span class="field-key">${esc(leaf.path)}</span>` : esc(leaf.path);
      rows.push(`<tr><td class="key">${name}</td><td class="value">${esc(leaf.shown)}</td></tr>`);
    }
  }
  return rows.join('');
}

function list(items: string[]): string {
  return items.length === 0 ? '' : `<ul>${items.map((i) => `<li>${i}</li>`).join('')}</ul>`;
}

function count(lang: ExtractLang, n: number): string {
  return `${n} ${n === 1 ? (lang === 'sv' ? 'post' : 'record') : tr(lang, 'records')}`;
}

function recordName(lang: ExtractLang, r: ExtractRecord): string {
  const name = r.label ?? r.categoryText;
  return r.date ? `${name} (${r.date})` : name;
}

function section(id: string, title: string, body: string, cls = 'art15'): string {
  return `<section id="${id}" class="${cls}">\n<h2>${esc(title)}</h2>\n${body}\n</section>\n`;
}

function headerRow(cells: string[]): string {
  return `<thead><tr>${cells.map((c) => `<th scope="col">${esc(c)}</th>`).join('')}</tr></thead>`;
}

/**
 * The sources that could not be read, and why. An extract written before
 * file names were left out of it (docs/extract.md) also has its files, in
 * a column of their own.
 */
function notReadTable(x: Extract): string {
  const lang = x.language;
  const withFile = x.notRead.some((f) => f.file);
  // The reason is the officer's (an English technical message, with config advice: the JSON keeps it);
  // the person is told which system may be incomplete.
  const systemOf = new Map(x.searched.map((s) => [s.source, s.system]));
  const head = [tr(lang, 'colSystem'), tr(lang, 'colSource'), ...(withFile ? [tr(lang, 'colFile')] : [])];
  const rows = [...new Map(x.notRead.map((f) => [`${f.source}\u0000${withFile ? `${f.file ?? ''}:${f.line ?? ''}` : ''}`, f])).values()].map((f) => {
    const file = withFile ? `<td>${esc(f.file ?? '')}${f.line ? `:${f.line}` : ''}</td>` : '';
    return `<tr><td>${esc(systemOf.get(f.source) ?? '')}</td><td>${esc(f.source)}</td>${file}</tr>`;
  });
  return `<p class="warning">${esc(tr(lang, 'notReadIntro'))}</p><table>${headerRow(head)}<tbody>${rows.join('')}</tbody></table>`;
}

/**
 * The sources with a file that was read, its records in the extract, but that failed a check of being as
 * exported (a SIE file whose #KSUMMA does not match): said as that, never as a file that could not be read.
 */
function unverifiedTable(x: Extract): string {
  if (!x.unverified || x.unverified.length === 0) return '';
  const lang = x.language;
  const systemOf = new Map(x.searched.map((s) => [s.source, s.system]));
  const rows = [...new Set(x.unverified.map((f) => f.source))].map((source) => `<tr><td>${esc(systemOf.get(source) ?? '')}</td><td>${esc(source)}</td></tr>`);
  return `<p class="warning">${esc(tr(lang, 'unverifiedIntro'))}</p><table>${headerRow([tr(lang, 'colSystem'), tr(lang, 'colSource')])}<tbody>${rows.join('')}</tbody></table>`;
}

/**
 * Section (d)'s backups (AC-8): per system the person has records in, the
 * register's text, who holds the copies and, where the register gives a
 * period, the day copies are gone by; then that erased data is not brought
 * back into use. Nothing for an extract without `backups` (made before 1.2.0).
 */
function backupsHtml(x: Extract): string {
  const lang = x.language;
  const backups = x.processing.backups ?? [];
  if (backups.length === 0) return '';
  const items = backups.map((b) => {
    const held = b.heldBy ? ` ${esc(heldBySentence(lang, b.heldBy))}` : '';
    const kept = b.keptDays !== undefined && b.expiresBy ? ` ${esc(backupSentence(lang, 'kept', { days: b.keptDays, date: longDate(lang, b.expiresBy) }))}` : '';
    return `<p><strong>${esc(b.system)}:</strong> ${esc(b.text)}${held}${kept}</p>`;
  });
  return `\n<h3 id="backups">${esc(BACKUP_TEXT.heading[lang])}</h3>\n<p>${esc(BACKUP_TEXT.intro[lang])}</p>\n${items.join('\n')}\n<p class="note">${esc(BACKUP_TEXT.notRestored[lang])}</p>`;
}

/**
 * `fields` looks up how the connectors describe each record's fields (their
 * labels and date formats); without it the letter names every field as
 * exported, and shows its value so too, but for what it can tell from the
 * value alone (an ISO 8601 date and time).
 */
export function extractHtml(x: Extract, fields?: FieldLookup): Buffer {
  const lang = x.language;
  const t = (k: Parameters<typeof tr>[1]): string => esc(tr(lang, k));
  const c = x.controller;
  const p = x.processing;
  const groups = groupsOf(x.records);
  const gTitle = (g: Group): string => `${esc(g.title)} <span class="count">(${esc(count(lang, g.records.length))})</span>`;
  const parts: string[] = [];

  parts.push(`<header class="letterhead">
<div class="controller"><strong>${esc(c.name)}</strong><br>${esc(c.address)}<br>${t('orgnr')} ${esc(c.orgnr)}<br><a href="mailto:${esc(c.email)}">${esc(c.email)}</a>${c.phone ? ` · ${esc(c.phone)}` : ''}</div>
<dl class="meta"><dt>${t('date')}</dt><dd><time datetime="${esc(x.asOf)}">${esc(longDate(lang, x.asOf))}</time></dd>${x.subject.caseId ? `<dt>${t('caseId')}</dt><dd>${esc(x.subject.caseId)}</dd>` : ''}</dl>
</header>
<section class="address" id="to"><p><strong>${t('to')}:</strong> ${x.subject.identifiers.map((i) => `${esc(identifierKindText(lang, i.kind))} ${esc(i.value)}`).join(', ')}</p>
<p class="record-meta">${t('subject')} ${t('subjectHow')}.</p></section>
<h1>${t('title')}</h1>`);

  // Art. 15(1): confirmation, and what the letter holds (AC-1, AC-7: the first layer says what the others contain).
  parts.push(
    section(
      'confirmation',
      tr(lang, 'confirmationHeading'),
      `${confirmationKeys(x).map((k) => `<p>${t(k)}</p>\n`).join('')}<p>${t('free')} ${t('contents')}</p>`,
      'intro',
    ),
  );

  // (a) purposes and legal basis, per group of this person's records.
  parts.push(
    section(
      'art15-1-a',
      tr(lang, 'sectionA'),
      groups.length === 0
        ? `<p>${t(confirmationKey(x))}</p>`
        : `<table>${headerRow([tr(lang, 'appliesTo'), tr(lang, 'purposes'), tr(lang, 'legalBasis')])}<tbody>${groups
            .map((g) => `<tr><td>${gTitle(g)}</td><td>${list(g.first.purposes.map((q) => esc(q.text)))}</td><td>${list(g.first.legalBasis.map((b) => `${esc(b.text)} (${esc(b.article)})`))}</td></tr>`)
            .join('')}</tbody></table>`,
    ),
  );

  // (b) categories of data: per group, from the fields the records hold.
  parts.push(
    section(
      'art15-1-b',
      tr(lang, 'sectionB'),
      groups.length === 0
        ? `<p>${t(confirmationKey(x))}</p>`
        : `<table>${headerRow([tr(lang, 'appliesTo'), tr(lang, 'dataCategories')])}<tbody>${groups
            .map((g) => {
              const cats = new Map<string, string>();
              for (const r of g.records) for (const d of r.dataCategories) cats.set(d.id, d.text);
              return `<tr><td>${gTitle(g)}</td><td>${list([...cats.values()].map(esc))}</td></tr>`;
            })
            .join('')}</tbody></table>`,
    ),
  );

  // (c) recipients by identity (AC-3, C-154/21), with the records each receives.
  parts.push(
    section(
      'art15-1-c',
      tr(lang, 'sectionC'),
      p.recipients.length === 0
        ? `<p>${t(confirmationKey(x))}</p>`
        : `<table>${headerRow([tr(lang, 'recipient'), tr(lang, 'recipientRole'), tr(lang, 'appliesTo')])}<tbody>${p.recipients
            .map((rc) => {
              const gs = groups.filter((g) => g.first.recipients.some((x2) => x2.id === rc.id)).map((g) => esc(g.title));
              return `<tr><td><strong>${esc(rc.name)}</strong><br>${esc(rc.country)}</td><td>${esc(rc.text)}</td><td>${list(gs)}</td></tr>`;
            })
            .join('')}</tbody></table>`,
    ),
  );

  // (d) retention: the rule per group and, per record, the concrete date where the rule gives one (AC-2, BF-1).
  const retention = groups
    .map((g) => {
      const dated = g.records.filter((r) => r.retention.retainUntil);
      const rows = dated.length
        ? `<table>${headerRow([tr(lang, 'record'), tr(lang, 'retainUntil'), tr(lang, 'deletableFrom')])}<tbody>${dated
            .map((r) => `<tr><td>${esc(recordName(lang, r))}</td><td>${esc(r.retention.retainUntil ?? '')}${r.retention.overdue ? ` (${esc(tr(lang, 'overdue'))})` : ''}${r.retention.provisional ? ` (${esc(tr(lang, 'provisional'))})` : ''}</td><td>${esc(r.retention.deletableFrom ?? '')}</td></tr>`)
            .join('')}</tbody></table>`
        : '';
      return `<h3>${gTitle(g)}</h3>\n<p>${esc(g.first.retention.text)}</p>${rows}`;
    })
    .join('\n');
  parts.push(section('art15-1-d', tr(lang, 'sectionD'), groups.length === 0 ? `<p>${t(confirmationKey(x))}</p>` : `<p>${t('retentionPerRecord')}</p>\n${retention}${backupsHtml(x)}`));

  // (e) rights (the complaint is (f)).
  parts.push(
    section(
      'art15-1-e',
      tr(lang, 'sectionE'),
      `<table><tbody>${p.rights
        .filter((r) => r.id !== 'complaint')
        .map((r) => `<tr><td class="key">${esc(r.article)}</td><td>${esc(r.text)}</td></tr>`)
        .join('')}</tbody></table>
<p>${t('questions')}: <a href="mailto:${esc(c.email)}">${esc(c.email)}</a>${c.phone ? `, ${esc(c.phone)}` : ''}, ${esc(c.address)}.</p>`,
    ),
  );

  // (f) complaint to the supervisory authority.
  const web = p.complaint.web;
  const webLink = /^https:\/\/[^\s"'<>]+$/u.test(web) ? `<a href="${esc(web)}">${esc(web.replace(/^https:\/\//u, ''))}</a>` : esc(web);
  parts.push(
    section(
      'art15-1-f',
      tr(lang, 'sectionF'),
      `<p>${esc(p.complaint.text)}</p>\n<p><strong>${esc(p.complaint.authority)}</strong><br>${esc(p.complaint.address)}<br>${esc(p.complaint.email)}<br>${webLink}</p>`,
    ),
  );

  // (g) source of the data, per group.
  parts.push(
    section(
      'art15-1-g',
      tr(lang, 'sectionG'),
      groups.length === 0
        ? `<p>${t(confirmationKey(x))}</p>`
        : `<table><tbody>${groups.map((g) => `<tr><td class="key">${gTitle(g)}</td><td>${esc(g.first.origin.text)}</td></tr>`).join('')}</tbody></table>`,
    ),
  );

  // (h) profiling and automated decisions (Art. 22: none).
  const profiled = groups.filter((g) => g.first.profiling);
  parts.push(
    section(
      'art15-1-h',
      tr(lang, 'sectionH'),
      p.profiling.applies
        ? `<p>${t('profilingYes')}</p>\n<p>${esc(p.profiling.text)}</p>\n${list(profiled.map((g) => esc(g.title)))}\n<p class="note">${esc(p.profiling.objection)}</p>`
        : `<p>${t('profilingNo')}</p>`,
    ),
  );

  // Art. 15(2): safeguards for transfers outside the EU/EEA.
  parts.push(
    section(
      'art15-2',
      tr(lang, 'sectionTransfers'),
      p.transfers.length === 0
        ? `<p>${t('noTransfers')}</p>`
        : p.transfers
            .map((tf) => {
              const who = p.recipients.filter((r) => r.transfer === tf.id).map((r) => esc(r.name));
              return `<h3>${esc(tf.country)}</h3>\n<p>${esc(tf.text)}</p>\n${list(who)}`;
            })
            .join('\n'),
    ),
  );

  // Art. 15(3): the copy of the data, one page per system in print.
  if (x.records.length > 0) {
    parts.push(`<h2 id="data">${t('sectionData')}</h2>\n<p class="record-meta">${t('timesSwedish')}</p>`);
    let n = 0;
    for (const [system, recs] of groupBySystem(x.records)) {
      n++;
      const body = recs
        .map((r) => {
          // The letter shows what is held (the JSON, CSV and XLSX keep every field): not a system's plumbing
          // (technicalFields), nor an empty value, list or object.
          const technical = new Set(r.technicalFields ?? []);
          const shown = Object.fromEntries(Object.entries(r.fields).filter(([k]) => !technical.has(k)));
          const redacted = r.redactions.length
            ? `<p class="redacted">${t('redacted')}: ${esc(r.redactions.map((d) => redactionPath(d.field)).join(', '))}</p>`
            : '';
          const retain = r.retention.retainUntil ? ` · ${t('retainUntil')} ${esc(r.retention.retainUntil)}${r.retention.overdue ? ` (${t('overdue')})` : ''}${r.retention.provisional ? ` (${t('provisional')})` : ''}` : '';
          return `<article class="record">
<h3>${esc(recordName(lang, r))}</h3>
<p class="record-meta">${esc([r.categoryText, confidenceText(lang, r.confidence), locatorText(lang, r.locator, false)].filter(Boolean).join(' · '))}${retain}</p>
<table class="fields">${headerRow([tr(lang, 'field'), tr(lang, 'value')])}<tbody>${fieldRows(lang, r, shown, fields)}</tbody></table>${redacted}
</article>`;
        })
        .join('\n');
      parts.push(`<section class="system" id="system-${n}">\n<h2>${esc(system)} <span class="count">(${esc(count(lang, recs.length))})</span></h2>\n${body}\n</section>`);
    }
  }

  // What was searched and what could not be read (AC-8: the whole organisation; honest about gaps).
  parts.push(
    section(
      'searched',
      tr(lang, 'sectionSearched'),
      `<table>${headerRow([tr(lang, 'colSystem'), tr(lang, 'colSource'), tr(lang, 'colRecords')])}<tbody>${x.searched
        .map((s) => `<tr><td>${esc(s.system)}</td><td>${esc(s.source)}</td><td>${s.records}</td></tr>`)
        .join('')}</tbody></table>`,
      'sources',
    ),
  );
  parts.push(
    section(
      'not-read',
      tr(lang, 'sectionNotRead'),
      (x.notRead.length === 0 ? `<p>${t('allRead')}</p>` : notReadTable(x)) + unverifiedTable(x),
      'sources',
    ),
  );
  parts.push(section('redaction', tr(lang, 'sectionRedaction'), `<p>${esc(x.redactionPolicy)}</p>`, 'sources'));

  parts.push(`<footer><p>${esc(c.name)} · ${esc(c.address)} · <a href="mailto:${esc(c.email)}">${esc(c.email)}</a>${c.phone ? ` · ${esc(c.phone)}` : ''}</p>
<p>${t('generatedAt')}: <time datetime="${esc(x.generatedAt)}">${esc(longDateTime(lang, x.generatedAt))}</time></p></footer>`);

  const html = `<!DOCTYPE html>
<html lang="${lang}">
<head>
<meta charset="utf-8">
<meta http-equiv="Content-Security-Policy" content="default-src 'none'; style-src 'unsafe-inline'; base-uri 'none'; form-action 'none'">
<meta name="referrer" content="no-referrer">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>${t('title')} – ${esc(x.asOf)}</title>
<style>${CSS}</style>
</head>
<body>
${parts.join('\n')}
</body>
</html>
`;
  return Buffer.from(html, 'utf8');
}

