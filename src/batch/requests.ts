/**
 * The requests file of `batch` (issue #6 interface contract): CSV, or the
 * first sheet of an XLSX, with exactly the header
 * `id,type,received,email,phone,pnr,orgnr,name,customer_no,ga_client_id`.
 * Several identifiers of one kind are separated by `;`. Every bad row is
 * reported with its line (all at once, exit 2); values are never echoed.
 */
import { z } from 'zod';
import { UsageError, SourceReadError, type Problem } from '../errors.ts';
import { readTable } from '../io/table.ts';
import { openCsv } from '../io/csv.ts';
import type { SourceFile } from '../io/files.ts';
import { canonical, looksLikePersonalId, normaliseOrgnr, normalisePnr } from '../core/identity/normalise.ts';
import type { IdentifierKind } from '../core/identity/kinds.ts';
import { parseIsoDate } from '../core/law/dates.ts';
import { FIRST_MODELLED_YEAR, isModelledYear, LAST_MODELLED_YEAR } from '../core/law/holidays.ts';
import { formatLocator } from '../core/record.ts';

export const REQUEST_COLUMNS = ['id', 'type', 'received', 'email', 'phone', 'pnr', 'orgnr', 'name', 'customer_no', 'ga_client_id'] as const;
export const REQUEST_TYPES = ['access', 'erasure', 'rectification', 'restriction', 'objection'] as const;
export type RequestType = (typeof REQUEST_TYPES)[number];

const COLUMN_KIND: Record<string, IdentifierKind> = {
  email: 'email',
  phone: 'phone',
  pnr: 'pnr',
  orgnr: 'orgnr',
  name: 'name',
  customer_no: 'customerNo',
  ga_client_id: 'gaClientId',
};

export interface BatchRequest {
  id: string;
  type: RequestType;
  received: string;
  identifiers: { kind: IdentifierKind; value: string }[];
  /** Where the row is, for messages: `requests.csv:4`. */
  where: string;
}

/** An id becomes a folder name: letters, digits, dot, dash and underscore. */
const RowSchema = z.object({
  id: z
    .string()
    .regex(/^[A-Za-z0-9][A-Za-z0-9._-]{0,63}$/u, 'id must be 1-64 letters, digits, ".", "-" or "_" (it names the output folder)')
    // The id becomes the case's reference, kept after the purge, and a folder name: never the person's own number.
    .refine((s) => !looksLikePersonalId(s), 'id looks like or holds a phone number or personnummer: give the request\'s ticket or letter number instead (the id names the case after it is purged)'),
  type: z.enum(REQUEST_TYPES, { message: `type must be one of ${REQUEST_TYPES.join(', ')}` }),
  received: z
    .string()
    .refine((s) => /^\d{4}-\d{2}-\d{2}$/u.test(s) && !!parseIsoDate(s), 'received must be a date YYYY-MM-DD')
    // The deadline law is modelled for these years (holidays.ts); a typo such as 20266 stops here.
    .refine((s) => {
      // A date that is not one is the refinement above's to report.
      const d = parseIsoDate(s);
      return d === undefined || isModelledYear(d.year);
    }, `received must be a date in the years ${FIRST_MODELLED_YEAR}-${LAST_MODELLED_YEAR}`),
});

function valid(kind: IdentifierKind, v: string): boolean {
  if (kind === 'pnr') return !!normalisePnr(v);
  if (kind === 'orgnr') return !!normaliseOrgnr(v);
  return canonical(kind, v) !== undefined;
}

export async function readRequests(file: SourceFile): Promise<BatchRequest[]> {
  const problems: Problem[] = [];
  const out: BatchRequest[] = [];
  const ids = new Set<string>();
  let headerChecked = false;
  const xlsx = file.rel.toLowerCase().endsWith('.xlsx');
  try {
    for await (const row of readTable(file, { sheets: (() => {
      let first: string | undefined;
      return (name: string) => (first ??= name) === name;
    })() })) {
      if (!headerChecked) {
        headerChecked = true;
        const header = row.header.map((h) => h.trim());
        const extra = header.filter((h) => !(REQUEST_COLUMNS as readonly string[]).includes(h));
        const missing = REQUEST_COLUMNS.filter((c) => !header.includes(c));
        if (extra.length || missing.length) {
          throw new UsageError('the requests file does not have the documented header', [
            {
              code: 'batch.header',
              message: `the header must be exactly ${REQUEST_COLUMNS.join(',')}${extra.length ? `; unknown column(s): ${extra.join(', ')}` : ''}${missing.length ? `; missing: ${missing.join(', ')}` : ''}`,
              file: file.rel,
              line: 1,
            },
          ]);
        }
      }
      const where = formatLocator(row.locator);
      const line = row.locator.line ?? row.locator.row;
      const cell = (c: string): string => (row.values[row.header.findIndex((h) => h.trim() === c)] ?? '').trim();
      const rowProblems: string[] = [];
      // A shifted or cut row would put values under the wrong column. (A spreadsheet leaves empty trailing cells out.)
      const surplus = row.values.slice(row.header.length).some((v) => String(v ?? '').trim() !== '');
      if (surplus || (!xlsx && row.values.length !== row.header.length)) rowProblems.push(`the row has ${row.values.length} fields and the header ${row.header.length}`);
      const parsed = RowSchema.safeParse({ id: cell('id'), type: cell('type'), received: cell('received') });
      if (!parsed.success) for (const i of parsed.error.issues) rowProblems.push(i.message);
      const identifiers: BatchRequest['identifiers'] = [];
      for (const [col, kind] of Object.entries(COLUMN_KIND)) {
        const raw = cell(col);
        if (!raw) continue;
        for (const [n, v] of raw.split(';').map((x) => x.trim()).filter(Boolean).entries()) {
          if (valid(kind, v)) identifiers.push({ kind, value: v });
          else rowProblems.push(`${col}${raw.includes(';') ? ` (value ${n + 1})` : ''} is not a valid ${col.replace('_', ' ')}`);
        }
      }
      if (identifiers.length === 0 && !rowProblems.some((p) => p.includes('valid'))) rowProblems.push('no identifier: fill in at least one of email, phone, pnr, orgnr, name, customer_no, ga_client_id');
      if (parsed.success && ids.has(parsed.data.id)) rowProblems.push(`id ${parsed.data.id} is used by an earlier row`);
      // The file and line go with the problem; only a sheet's row says where in the message.
      for (const m of rowProblems) problems.push({ code: 'batch.row', message: line && !row.locator.sheet ? m : `${where}: ${m}`, file: file.rel, ...(line ? { line } : {}) });
      if (parsed.success && rowProblems.length === 0) {
        ids.add(parsed.data.id);
        out.push({ ...parsed.data, identifiers, where });
      }
    }
  } catch (e) {
    if (e instanceof SourceReadError) {
      throw new UsageError('the requests file cannot be read', [{ code: e.code, message: e.message, file: file.rel, ...(e.line ? { line: e.line } : {}) }]);
    }
    throw e;
  }
  if (!headerChecked) {
    // A header without rows is an empty batch, but the header must still be the documented one.
    const header = xlsx ? [] : await openCsv(file).then((c) => (void c.rows.return(undefined), c.header)).catch(() => [] as string[]);
    if (header.join(',') !== REQUEST_COLUMNS.join(',')) {
      throw new UsageError('the requests file has no requests', [{ code: 'batch.empty', message: `no header ${REQUEST_COLUMNS.join(',')} and no requests`, file: file.rel }]);
    }
  }
  if (problems.length > 0) throw new UsageError(`${problems.length} problem(s) in the requests file`, problems);
  return out;
}
