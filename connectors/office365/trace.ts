/**
 * Exchange Online message trace (formats.md §3.4): the CSV of a downloaded
 * historical search report, UTF-16 LE as Exchange writes it (with or
 * without BOM). The summary report has one row per message with
 * `recipient_status` = `addr##Status;addr2##Status`; the extended report
 * has one row per event with `recipient_address`; `Get-MessageTrace |
 * Export-Csv` writes `SenderAddress`/`RecipientAddress` ([U]).
 */
import { bilingualLabel, type HolderInfo, type RawIdentifier, type SourceRecord } from '../../src/core/record.ts';
import { SourceReadError } from '../../src/errors.ts';
import type { SourceFile } from '../../src/io/files.ts';
import { ColumnMap, fieldsOf } from '../../src/io/table.ts';
import type { ReadContext } from '../../src/sources/contract.ts';
import { extraIdentifiers } from '../../src/sources/classify.ts';
import { isoDate, short } from './common.ts';
import { closeCsv, misdelimitedAs, openCsvFor, type CsvOptions } from './outlook-csv.ts';

const RECIPIENT_COLUMNS = ['recipient_status', 'recipient_address', 'related_recipient_address', 'RecipientAddress'];

export async function* readMessageTrace(file: SourceFile, ctx: ReadContext, opts: CsvOptions): AsyncGenerator<SourceRecord> {
  const csv = await openCsvFor(file, ctx, opts);
  const c = new ColumnMap(csv.header);
  const senderCol = c.find('sender_address', 'SenderAddress');
  const recipientCols = RECIPIENT_COLUMNS.map((n) => c.find(n)).filter((i) => i >= 0);
  if (senderCol < 0 || recipientCols.length === 0) {
    await closeCsv(csv);
    throw new SourceReadError(
      misdelimitedAs(csv.header)
        ? 'the header is one column that holds several message-trace column names: the file was saved or read with another delimiter than it uses; set options.delimiter'
        : 'the header has no sender_address and recipient_status (or recipient_address) columns: not a message-trace report',
      { file: file.rel, line: 1, code: misdelimitedAs(csv.header) ? 'office365.wrong-delimiter' : 'office365.unknown-header' },
    );
  }
  const ipCol = c.find('original_client_ip', 'FromIP');
  for await (const r of csv.rows) {
    if (r.values.every((v) => v.trim() === '')) continue;
    const val = (i: number): string => (i >= 0 ? (r.values[i] ?? '').trim() : '');
    const ids: RawIdentifier[] = [];
    const holders: Record<string, HolderInfo> = {};
    const sender = val(senderCol);
    if (sender) {
      holders.sender = { scope: 'person', role: 'sender' };
      ids.push({ kind: 'email', field: csv.header[senderCol]!, value: sender, holder: 'sender' });
      // The client that submitted the message: the sender's network, weak evidence.
      if (val(ipCol)) ids.push({ kind: 'ip', field: csv.header[ipCol]!, value: val(ipCol), holder: 'sender' });
    }
    // AC-9: each recipient is its own party.
    const seen = new Set<string>();
    for (const i of recipientCols) {
      for (const part of val(i).split(';')) {
        const address = (part.includes('##') ? part.slice(0, part.indexOf('##')) : part).trim();
        if (!address.includes('@') || seen.has(address.toLowerCase())) continue;
        seen.add(address.toLowerCase());
        const holder = `recipient${seen.size - 1}`;
        holders[holder] = { scope: 'person', role: 'recipient' };
        ids.push({ kind: 'email', field: csv.header[i]!, value: address, holder });
      }
    }
    const fields: Record<string, unknown> = fieldsOf(csv.header, r.values);
    ids.push(...extraIdentifiers(fields, opts.fields));
    const subject = val(c.find('message_subject', 'Subject'));
    const rec: SourceRecord = {
      entity: 'trace',
      locator: { file: file.rel, line: r.line, row: r.row },
      fields,
      identifiers: ids,
      holders,
      category: 'mail-trace',
      ...(subject ? bilingualLabel(`Spårning av e-post: ${short(subject)}`, `Message trace: ${short(subject)}`, 'en') : bilingualLabel('Spårning av e-post', 'Message trace', 'en')),
    };
    if (subject) rec.text = [{ field: csv.header[c.find('message_subject', 'Subject')]!, value: subject }];
    const date = isoDate(val(c.find('origin_timestamp_utc', 'date_time_utc', 'Received')));
    if (date) rec.date = date;
    yield rec;
  }
}
