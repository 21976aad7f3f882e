/**
 * The Lime desktop/web client's list export of persons or companies, to
 * Excel (.xlsx) or CSV. Its headers are the limetype's local names
 * ("Förnamn", "E-post", "Organisationsnummer"); the layout is not public
 * (formats.md §1.5, [U]), so the reader is driven by the header: columns
 * are found by an alias table, `options.columns` names any the table does
 * not know, and title rows above the header are skipped.
 */
import type { RawIdentifier, SourceRecord } from '../../src/core/record.ts';
import { SourceReadError } from '../../src/errors.ts';
import type { SourceFile } from '../../src/io/files.ts';
import { ColumnMap, fieldsOf, readTable, type TableRow } from '../../src/io/table.ts';
import type { ReadContext } from '../../src/sources/contract.ts';
import { extraIdentifiers } from '../../src/sources/classify.ts';
import { CLIENT_COLUMNS, CLIENT_PROPERTIES, limetypeEn, limetypeSv, type ClientProperty } from './fields.ts';
import { dateOf, partyIdentifiers, type Obj, type Solution } from './records.ts';

export interface ClientExportOptions extends Solution {
  limetype?: string | undefined;
  columns?: Partial<Record<ClientProperty, string>> | undefined;
  delimiter?: string | undefined;
  encoding?: 'utf8' | 'utf16le' | 'cp1252' | undefined;
}

/** Normalised header → property, for the alias table and the source's own column names. */
export function aliasTable(columns: ClientExportOptions['columns']): Map<string, ClientProperty> {
  const out = new Map<string, ClientProperty>();
  // The source's own names win over the built-in aliases.
  for (const [p, header] of Object.entries(columns ?? {})) if (header) out.set(ColumnMap.norm(header), p as ClientProperty);
  for (const p of CLIENT_PROPERTIES) {
    for (const header of CLIENT_COLUMNS[p].headers) {
      const k = ColumnMap.norm(header);
      if (!out.has(k)) out.set(k, p);
    }
  }
  return out;
}

/** Does a row look like the export's header: at least two cells that are known column names? */
export function looksLikeHeader(values: string[], aliases: Map<string, ClientProperty>): boolean {
  let n = 0;
  for (const v of values) if (aliases.has(ColumnMap.norm(v.trim())) && ++n >= 2) return true;
  return false;
}

/**
 * Persons or companies, from the columns when options.limetype does not say:
 * a first or last name, a personnummer or a mobile phone is a person's; an
 * org.nr a company's; a list with an e-mail column but neither is persons,
 * and one with only a name is companies.
 */
export function exportLimetype(has: Set<ClientProperty>): 'person' | 'company' | undefined {
  if (has.has('firstname') || has.has('lastname') || has.has('personalnumber') || has.has('mobilephone')) return 'person';
  if (has.has('registrationno')) return 'company';
  if (has.has('email')) return 'person';
  if (has.has('name')) return 'company';
  return undefined;
}

interface Layout {
  header: string[];
  /** Property → column index (the first column with that property). */
  columns: Map<ClientProperty, number>;
  limetype: 'person' | 'company';
}

function layoutOf(header: string[], aliases: Map<string, ClientProperty>, opts: ClientExportOptions, file: SourceFile): Layout {
  const columns = new Map<ClientProperty, number>();
  header.forEach((h, i) => {
    const p = aliases.get(ColumnMap.norm(h));
    if (p && !columns.has(p)) columns.set(p, i);
  });
  const given = opts.limetype;
  if (given !== undefined && given !== 'person' && given !== 'company') {
    throw new SourceReadError(`options.limetype is "${given}", but the client export lists persons or companies`, { file: file.rel, code: 'lime.export-limetype' });
  }
  const limetype = given ?? exportLimetype(new Set(columns.keys()));
  if (!limetype) {
    throw new SourceReadError('cannot tell whether the export lists persons or companies from its columns; set options.limetype', {
      file: file.rel,
      line: 1,
      code: 'lime.export-limetype',
    });
  }
  return { header, columns, limetype };
}

function rowRecord(row: TableRow, layout: Layout, opts: ClientExportOptions): SourceRecord {
  const fields: Record<string, unknown> = fieldsOf(row.header, row.values);
  const props: Obj = {};
  for (const [p, i] of layout.columns) props[p] = (row.values[i] ?? '').trim();
  const headerOf = (p: string): string => {
    const i = layout.columns.get(p as ClientProperty);
    return i === undefined ? p : (layout.header[i] ?? p);
  };
  const { limetype } = layout;
  const party = limetype === 'person' ? 'person' : 'organisation';
  // The company column of a person list is her employer's name; the id column is the object's own.
  const { company, id, ...own } = props;
  const ids: RawIdentifier[] = partyIdentifiers(own, party, 'self', headerOf);
  if (typeof company === 'string' && company) ids.push({ kind: 'company', field: headerOf('company'), value: company, holder: 'company' });
  if (typeof id === 'string' && /^\d+$/u.test(id)) ids.push({ kind: 'systemId', field: headerOf('id'), value: `lime:${limetype}:${id}` });
  ids.push(...extraIdentifiers(fields, opts.fields));
  const name = String(props.name || `${String(props.firstname ?? '')} ${String(props.lastname ?? '')}`).trim();
  const rec: SourceRecord = {
    entity: limetype,
    locator: row.locator,
    fields,
    identifiers: ids,
    holders: limetype === 'company' ? { self: { scope: 'organisation', role: 'company' } } : { company: { scope: 'organisation', role: 'employer' } },
    category: limetype === 'person' ? 'crm-person' : 'crm-company',
    label: `${limetype} ${name}`.trim(),
    labels: { sv: `${limetypeSv(limetype)} ${name}`.trim(), en: `${limetypeEn(limetype)} ${name}`.trim() },
  };
  const d = dateOf([props.timestamp, props.createdtime]);
  if (d) rec.date = d;
  return rec;
}

/**
 * `seen`: told the names of fields the rows a prefilter skipped would have
 * had (a row with more values than the header has `column N` fields), so
 * that the report of unclassified fields is the same with or without one.
 */
export async function* readClientExport(
  file: SourceFile,
  ctx: ReadContext,
  opts: ClientExportOptions,
  seen?: (entity: string, fields: string[]) => void,
): AsyncGenerator<SourceRecord> {
  const aliases = aliasTable(opts.columns);
  let layout: Layout | undefined;
  const rows = readTable(file, {
    delimiter: opts.delimiter,
    encoding: opts.encoding,
    isHeader: (values) => looksLikeHeader(values, aliases),
    prefilter: ctx.prefilter,
    validate: ctx.validate,
    later: ctx.later,
    // Every row's fields as if it had been read (the first data row always is, so the layout is known by then).
    onShape: (maxFields) => {
      if (layout && seen) seen(layout.limetype, Object.keys(fieldsOf(layout.header, new Array<string>(maxFields).fill(''))));
    },
    warnRagged: (count, line) =>
      ctx.warn({ code: 'csv.ragged', message: `${count} row(s) have another number of fields than the header (first at line ${line})`, file: file.rel, line }),
  });
  for await (const row of rows) {
    // Each sheet of a workbook has its own header.
    if (layout?.header !== row.header) layout = layoutOf(row.header, aliases, opts, file);
    yield rowRecord(row, layout, opts);
  }
}
