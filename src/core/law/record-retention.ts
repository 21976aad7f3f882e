/**
 * A bookkeeping record's retention end (BF-1, BF-1a; legal-rules.md §10.1),
 * computed once for everyone who states it: the erasure plan keeps the
 * record to this date (`retain`, ER-5 after it) and the Art. 15 extract
 * tells the subject the same date as "the envisaged period" (Art. 15(1)(d),
 * AC-2). Pure: the caller passes the day (`asOf`, and `today` from the CLI's
 * clock) and the subject's other records.
 *
 * - BF-1: through 31 December of the seventh year after the end of the
 *   financial year the record belongs to, counted in its own books' years
 *   where the export states them (an SIE file's #RAR).
 * - BF-1a [I]: a record booked in several financial years (an invoice and
 *   its payment, `PaymentDate`) is kept from the latest of them.
 * - BF-1a [I], open receivables: an invoice or ledger item with an amount
 *   still to pay is part of the books of every year it is carried into: the
 *   year of `asOf` and of `today`, when later (open as the export shows, it
 *   is in those years' opening balances), and every year whose books carry
 *   the customer's open balance (SIE #OIB/#OUB in the same system). The
 *   latest decides, and the date is provisional: the payment, credit or
 *   write-off is booked in a later year still, which moves it again.
 */
import { canonical } from '../identity/normalise.ts';
import type { SourceRecord } from '../record.ts';
import { parseIsoDate } from './dates.ts';
import { bookkeepingRetention, latestRetention, withOwnYears, type FiscalYearSetup, type Retention } from './retention.ts';

/** ISO dates of a record's booking events for BF-1a: its date, and the payment that settled it. */
const BOOKING_DATE_FIELDS = ['PaymentDate'];

export function bookingDates(record: SourceRecord): string[] {
  const out = new Set<string>();
  if (record.date && parseIsoDate(record.date)) out.add(record.date);
  for (const f of BOOKING_DATE_FIELDS) {
    const v = record.fields[f];
    if (typeof v === 'string' && parseIsoDate(v.slice(0, 10))) out.add(v.slice(0, 10));
  }
  return [...out].sort();
}

/**
 * What is still to pay on an invoice or a customer-ledger item (Visma's
 * `RemainingAmount`, `RemainingAmountInvoiceCurrency`, formats.md §2.1: 0
 * when settled). A credit still to pay out is open too.
 */
const REMAINING_FIELDS = ['RemainingAmount', 'RemainingAmountInvoiceCurrency'];

function amountOf(v: unknown): number | undefined {
  if (typeof v === 'number') return Number.isFinite(v) ? v : undefined;
  if (typeof v !== 'string' || !v.trim()) return undefined;
  const n = Number(v.replace(/\s/gu, '').replace(',', '.'));
  return Number.isFinite(n) ? n : undefined;
}

/** An open receivable: the business event is not completed, its settlement is still to be booked (BF-1a). */
export function isOpenReceivable(record: SourceRecord): boolean {
  return REMAINING_FIELDS.some((f) => {
    const n = amountOf(record.fields[f]);
    return n !== undefined && n !== 0;
  });
}

/**
 * A customer's balance carried into or out of a financial year (SIE 4
 * `#OIB`/`#OUB` with a customer object, formats.md §2.3): the specification
 * of that year's open receivables (BFL 6 kap.), so an open invoice of the
 * customer is part of that year's books too.
 */
export function isCarriedBalance(record: SourceRecord): boolean {
  const label = record.fields.label;
  const n = amountOf(record.fields.amount);
  return record.entity === 'sie-balance' && (label === '#OIB' || label === '#OUB') && n !== undefined && n !== 0;
}

/** A record and the system it was read from (the connector id): carried balances are looked for in the same system. */
export interface SystemRecord {
  record: SourceRecord;
  system: string;
}

export interface RetentionDay {
  /** The config's financial years (the records' own years, an SIE file's #RAR, come first). */
  fiscalYear?: FiscalYearSetup;
  /** The day the plan or the extract is made for, YYYY-MM-DD. */
  asOf: string;
  /** Today in Sweden, YYYY-MM-DD (the CLI's clock): an open receivable is in today's books too (BF-1a). */
  today?: string;
}

export interface RecordRetention extends Retention {
  /** An open receivable (BF-1a): the date is provisional, it moves with the year its settlement is booked in. */
  open: boolean;
  /** For an open receivable: the day whose books it was counted in, the later of `asOf` and `today`. */
  carriedTo?: string;
}

function customerNos(record: SourceRecord): Set<string> {
  const out = new Set<string>();
  for (const id of record.identifiers) {
    if (id.kind !== 'customerNo') continue;
    const c = canonical('customerNo', id.value, id.region);
    if (c) out.add(c);
  }
  return out;
}

/** The record's own id in its system (a Visma customer's CustomerId). */
const ownIds = (record: SourceRecord): string[] => record.identifiers.filter((id) => id.kind === 'systemId' && (id.holder ?? 'self') === 'self').map((id) => id.value);

/**
 * The BF-1 retentions of the customer's carried balances (isCarriedBalance)
 * in the same system as an open receivable, each from its own books'
 * financial years (an SIE file's #RAR). The customer is the one the record
 * names by customer number, or through its customer id the card that holds
 * that number (a ledger item has only the id).
 */
function carriedBalances(open: SystemRecord, peers: readonly SystemRecord[], fy: FiscalYearSetup | undefined): Retention[] {
  const same = peers.filter((q) => q.system === open.system);
  const customers = customerNos(open.record);
  const ids = new Set(open.record.identifiers.filter((i) => i.kind === 'systemId').map((i) => i.value));
  for (const q of same) {
    if (ownIds(q.record).some((id) => ids.has(id))) for (const c of customerNos(q.record)) customers.add(c);
  }
  const out: Retention[] = [];
  for (const q of same) {
    if (q.record === open.record || !isCarriedBalance(q.record)) continue;
    if (![...customerNos(q.record)].some((c) => customers.has(c))) continue;
    const dates = bookingDates(q.record);
    if (dates.length > 0) out.push(bookkeepingRetention(dates, withOwnYears(fy, q.record.fiscalYears)));
  }
  return out;
}

/**
 * The retention end of a record of räkenskapsinformation (BF-1, BF-1a), or
 * undefined when it carries no booking date (its year must be found by
 * hand). `peers` are the subject's records (the record itself may be among
 * them): an open receivable is tied to its customer's carried balances in
 * the same system.
 */
export function recordRetention(target: SystemRecord, peers: readonly SystemRecord[], day: RetentionDay): RecordRetention | undefined {
  const dates = bookingDates(target.record);
  if (dates.length === 0) return undefined;
  // BF-1, and BF-1a for a record booked in several years (its date, its payment).
  const own = bookkeepingRetention(dates, withOwnYears(day.fiscalYear, target.record.fiscalYears));
  if (!isOpenReceivable(target.record)) return { ...own, open: false };
  // BF-1a [I]: an open receivable is in the books of every year it is carried into, the year of asOf and of
  // today (a plan or extract dated back must not keep it only as long as that year's books), and of every
  // year whose books carry the customer's open balance.
  const carriedTo = day.today !== undefined && day.today > day.asOf ? day.today : day.asOf;
  const ret = latestRetention([own, bookkeepingRetention([carriedTo], day.fiscalYear), ...carriedBalances(target, peers, day.fiscalYear)]);
  return { ...ret, open: true, carriedTo };
}
