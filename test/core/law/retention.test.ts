import { describe, expect, it } from 'vitest';
import { bookkeepingRetention, fiscalYearEnd, latestRetention, withOwnYears } from '../../../src/core/law/retention.ts';
import { formatIsoDate, parseIsoDate } from '../../../src/core/law/dates.ts';
import { recordRetention, type SystemRecord } from '../../../src/core/law/record-retention.ts';
import type { SourceRecord } from '../../../src/core/record.ts';
import { sieBalance, vismaCustomer, vismaInvoice, vismaLedgerItem, type Customer } from '../plan/helpers.ts';

// legal-rules.md §12.1, worked examples R1-R6 (BF-1, BFL 7 kap. 2 §).
describe('BF-1 retention: the worked examples of legal-rules.md §12.1', () => {
  const cases = [
    { id: 'R1', fy: { start: '01-01' }, dates: ['2019-03-15'], fyEnd: '2019-12-31', until: '2026-12-31', from: '2027-01-01' },
    { id: 'R2', fy: { start: '07-01' }, dates: ['2019-03-15'], fyEnd: '2019-06-30', until: '2026-12-31', from: '2027-01-01' },
    { id: 'R3', fy: { start: '07-01' }, dates: ['2019-08-01'], fyEnd: '2020-06-30', until: '2027-12-31', from: '2028-01-01' },
    {
      id: 'R4',
      fy: { start: '09-01', periods: [{ start: '2019-03-01', end: '2020-08-31' }] },
      dates: ['2019-03-15'],
      fyEnd: '2020-08-31',
      until: '2027-12-31',
      from: '2028-01-01',
    },
    { id: 'R5', fy: { start: '01-01' }, dates: ['2024-05-10'], fyEnd: '2024-12-31', until: '2031-12-31', from: '2032-01-01' },
    { id: 'R6', fy: { start: '01-01' }, dates: ['2019-12-20', '2020-01-15'], fyEnd: '2020-12-31', until: '2027-12-31', from: '2028-01-01' },
  ];
  for (const c of cases) {
    it(`${c.id}: ${c.dates.join(' + ')} is kept through ${c.until}`, () => {
      expect(bookkeepingRetention(c.dates, c.fy)).toEqual({ rule: 'BF-1', fiscalYearEnd: c.fyEnd, retainUntil: c.until, deletableFrom: c.from });
    });
  }

  it('the issue acceptance example: a July-June year ending 2020-06-30 keeps until 2027-12-31', () => {
    expect(bookkeepingRetention(['2020-06-30'], { start: '07-01' }).retainUntil).toBe('2027-12-31');
    expect(bookkeepingRetention(['2020-07-01'], { start: '07-01' }).retainUntil).toBe('2028-12-31');
  });

  it('places dates on the first and last day of a financial year correctly', () => {
    const end = (d: string, start: string): string => formatIsoDate(fiscalYearEnd(parseIsoDate(d)!, { start }));
    expect(end('2025-01-01', '01-01')).toBe('2025-12-31');
    expect(end('2025-12-31', '01-01')).toBe('2025-12-31');
    expect(end('2025-04-30', '05-01')).toBe('2025-04-30');
    expect(end('2025-05-01', '05-01')).toBe('2026-04-30');
  });

  it('refuses what it cannot compute', () => {
    expect(() => bookkeepingRetention([])).toThrow(RangeError);
    expect(() => bookkeepingRetention(['2025-02-30'])).toThrow(RangeError);
  });
});

describe("BF-1 from the books' own financial years (an SIE file's #RAR)", () => {
  it('counts from the year the file states, over the config\'s fiscalYearStart', () => {
    const config = { start: '07-01' };
    // The config says July-June; the SIE file says its 2019 was a calendar year.
    expect(bookkeepingRetention(['2019-12-31'], config).retainUntil).toBe('2027-12-31');
    const own = withOwnYears(config, [{ start: '2019-01-01', end: '2019-12-31' }]);
    expect(bookkeepingRetention(['2019-12-31'], own).retainUntil).toBe('2026-12-31');
    expect(bookkeepingRetention(['2019-03-15'], own).retainUntil).toBe('2026-12-31');
    // Dates outside the file's years follow the config's rule; no years, the config alone.
    expect(bookkeepingRetention(['2020-08-01'], own).retainUntil).toBe('2028-12-31');
    expect(withOwnYears(config, undefined)).toBe(config);
    expect(withOwnYears(undefined, [])).toEqual({ start: '01-01' });
  });
});

describe('BF-1a across sets of books: the latest financial year that references the document decides', () => {
  it('R6 with the invoice and the payment in different books gives R6', () => {
    const invoice = bookkeepingRetention(['2019-12-20']);
    const payment = bookkeepingRetention(['2020-01-15'], withOwnYears(undefined, [{ start: '2020-01-01', end: '2020-12-31' }]));
    expect(latestRetention([invoice, payment])).toEqual({ rule: 'BF-1', fiscalYearEnd: '2020-12-31', retainUntil: '2027-12-31', deletableFrom: '2028-01-01' });
    expect(latestRetention([payment, invoice])).toEqual(latestRetention([invoice, payment]));
  });

  it('an invoice of FY 2024 (R5) still open in the 2025 books is kept as the 2025 books are', () => {
    const invoice = bookkeepingRetention(['2024-12-15']);
    expect(invoice.retainUntil).toBe('2031-12-31');
    const carried = bookkeepingRetention(['2025-12-31'], withOwnYears(undefined, [{ start: '2025-01-01', end: '2025-12-31' }]));
    expect(latestRetention([invoice, carried])).toMatchObject({ fiscalYearEnd: '2025-12-31', retainUntil: '2032-12-31', deletableFrom: '2033-01-01' });
  });

  it('refuses an empty list', () => {
    expect(() => latestRetention([])).toThrow(RangeError);
  });
});

describe('recordRetention: the one BF-1/BF-1a date the erasure plan keeps a record to and the extract states', () => {
  const orjan: Customer = { guid: 'c-1043', no: '1043', name: 'Örjan Bäckström', email: 'orjan@backstromkonsult.example' };
  const sys = (record: SourceRecord): SystemRecord => ({ record, system: 'visma' });
  const day = { fiscalYear: { start: '01-01' }, asOf: '2025-05-16' };

  it('R6: an invoice paid in a later year is kept from the year of its payment (BF-1a)', () => {
    const inv = sys(vismaInvoice(orjan, '2019100', '2019-12-20', 1, { paymentDate: '2020-01-15' }));
    expect(recordRetention(inv, [inv], day)).toEqual({ rule: 'BF-1', fiscalYearEnd: '2020-12-31', retainUntil: '2027-12-31', deletableFrom: '2028-01-01', open: false });
  });

  it('an open receivable is kept as the latest books that carry it: asOf, today and the customer’s carried balances', () => {
    const inv = sys(vismaInvoice(orjan, '2024312', '2024-12-15', 1, { remaining: 4375 }));
    const ledger = sys(vismaLedgerItem(orjan, '2024312', '2024-12-15', 2, 4375));
    const card = sys(vismaCustomer(orjan, 1));
    const oub = sys(sieBalance(orjan, 27, '#OUB', '4375.00', '2026-12-31'));
    expect(recordRetention(inv, [inv], day)).toMatchObject({ retainUntil: '2032-12-31', open: true, carriedTo: '2025-05-16' });
    expect(recordRetention(inv, [inv], { ...day, today: '2026-11-26' })).toMatchObject({ retainUntil: '2033-12-31', open: true, carriedTo: '2026-11-26' });
    // The ledger item has only the customer id: the card ties it to the balance of customer 1043.
    expect(recordRetention(ledger, [ledger, card, oub], day)).toMatchObject({ retainUntil: '2033-12-31', open: true });
    expect(recordRetention(ledger, [ledger, oub], day)).toMatchObject({ retainUntil: '2032-12-31' });
    // Another system's balance is other books.
    expect(recordRetention(inv, [inv, { ...oub, system: 'other' }], day)).toMatchObject({ retainUntil: '2032-12-31' });
    expect(recordRetention(inv, [inv, oub], day)).toMatchObject({ retainUntil: '2033-12-31' });
  });

  it('a record without a booking date has none', () => {
    const inv = vismaInvoice(orjan, '1', '2024-12-15', 1);
    const undated: SourceRecord = { ...inv, date: undefined, fields: { ...inv.fields } };
    delete (undated as { date?: string }).date;
    expect(recordRetention(sys(undated), [], day)).toBeUndefined();
  });
});
