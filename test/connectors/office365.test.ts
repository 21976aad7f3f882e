import { mkdtempSync, rmSync, statSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import fc from 'fast-check';
import iconv from 'iconv-lite';
import { afterAll, describe, expect, it } from 'vitest';
import connector from '../../connectors/office365/index.ts';
import { bookkeepingPattern } from '../../connectors/office365/common.ts';
import { GERMAN_HEADERS } from '../../connectors/office365/fields.ts';
import { graphItems, itemsAlone, mayBeBookkeeping, mayHoldHtml, readGraphJson, resourceOfContext, streamedItems } from '../../connectors/office365/graph.ts';
import { prefilterFor, type AnchorKey } from '../../src/io/anchors.ts';
import type { SourceFile } from '../../src/io/files.ts';
import type { ReadContext } from '../../src/sources/contract.ts';
import { aliasCollisions, headerCells, mapOutlookHeader, readGoogleCsv, readOutlookCsv } from '../../connectors/office365/outlook-csv.ts';
import { parseContentLine, vcardCards, vcardInternals } from '../../connectors/office365/vcard.ts';
import type { Problem } from '../../src/errors.ts';
import { planRectification } from '../../src/core/plan/index.ts';
import { loadRegister } from '../../src/register/load.ts';
import type { SourceRecord } from '../../src/core/record.ts';
import { decodeBuffer } from '../../src/io/encoding.ts';
import { readHead } from '../../src/io/files.ts';
import { FIXTURES, ROOT, find, where } from '../helpers.ts';

const DIR = path.join(FIXTURES, 'office365');
const CONFIG = path.join(DIR, 'ojco-dsar.config.yaml');
const BROKEN = path.join(DIR, 'broken/ojco-dsar.config.yaml');

const CONTACTS_1 = 'graph-contacts graph/karin.ek/contacts/contacts-page1.json';
const MESSAGES_1 = 'graph-messages graph/karin.ek/messages/messages-page1.json';
const MESSAGES_2 = 'graph-messages graph/karin.ek/messages/messages-page2.json';
const TRACE = 'message-trace trace/MTSummary_Report_OJCO_2024-12-01_2025-06-30.csv';
const TRACE_EXT = 'message-trace trace/extended/MTDetail_Report_OJCO_registerutdrag.csv';

type Found = Awaited<ReturnType<typeof find>>;
/** The connector's own record behind a found one (for fields the find JSON does not carry, such as `bookkeeping`). */
function recordAt(d: Found, source: string, pointerOrLine: string | number): SourceRecord {
  const m = d.result.subjects[0]!.records.find(
    (r) => d.result.sources[r.source]!.source === source && (r.record.locator.pointer === pointerOrLine || r.record.locator.line === pointerOrLine),
  );
  expect(m, `${source} ${pointerOrLine} is found`).toBeDefined();
  return m!.record;
}

describe('office365 connector: real pipeline on its fixtures', () => {
  it('finds Åsa by e-mail in all three CSV layouts, the Graph contact, the invoice e-mail and the trace, and not the invoice mailbox', async () => {
    const d = await find(CONFIG, { email: ['asa.lindqvist@lindqvistbygg.example'] });
    expect(d.skipped).toEqual([]);
    expect(where(d, 'exact')).toEqual([
      `${CONTACTS_1}/value/0`,
      `${MESSAGES_1}/value/0`,
      `${TRACE}:2`,
      'outlook-classic outlook/classic/Kontakter.CSV:2',
      'outlook-com outlook/outlook.com/contacts.csv:2',
      'outlook-sv outlook/svenska/kontakter.csv:2',
    ]);
    // Nothing else at all: the reminder and the trace row sent only to faktura@ are not hers.
    expect(d.records).toHaveLength(6);
    expect(d.subject.knownBy.map((k) => k.value)).not.toContain('faktura@lindqvistbygg.example');

    const invoice = d.records.find((r) => r.source === 'graph-messages')!;
    expect(invoice.matchedOn).toContainEqual({ kind: 'email', field: 'toRecipients/0/emailAddress/address', via: 'given' });
    // Her display name on the same party supports it; Karin's and the invoice mailbox's parties do not.
    expect(invoice.matchedOn.map((m) => m.field)).toEqual(['toRecipients/0/emailAddress/address', 'toRecipients/0/emailAddress/name']);
    expect(invoice).toMatchObject({ entity: 'message', category: 'mail-message', date: '2025-04-30', label: 'E-mail: Faktura 2025041 från OJCO International AB' });
    const rec = recordAt(d, 'graph-messages', '/value/0');
    expect(rec.bookkeeping).toBe(true);
    // Each party is its own holder: the cc'd invoice mailbox is not Åsa's.
    expect(rec.identifiers.filter((i) => i.kind === 'email').map((i) => `${i.holder}:${i.value}`)).toEqual([
      'from:karin.ek@ojco.example',
      'to0:asa.lindqvist@lindqvistbygg.example',
      'cc0:faktura@lindqvistbygg.example',
    ]);

    const trace = d.records.find((r) => r.source === 'message-trace')!;
    expect(trace).toMatchObject({ entity: 'trace', category: 'mail-trace', date: '2025-04-30', locator: { line: 2, row: 1 } });
    expect(trace.matchedOn).toEqual([{ kind: 'email', field: 'recipient_status', via: 'given' }]);
    expect(trace.fields.recipient_status).toBe('asa.lindqvist@lindqvistbygg.example##Receive, Send;faktura@lindqvistbygg.example##Receive, Send');

    const classic = d.records.find((r) => r.source === 'outlook-classic')!;
    expect(classic.fields).toMatchObject({ 'First Name': 'Åsa', 'Job Title': 'Inköpschef', Notes: 'Träffades på mässan i Malmö\r\nVill ha offert på altan till hösten' });
    expect(classic.label).toBe('Outlook contact (classic desktop export)');
    const sv = d.records.find((r) => r.source === 'outlook-sv')!;
    expect(sv.fields).toMatchObject({ Förnamn: 'Åsa', Mobiltelefon: '0046 70 174 06 05' });
    expect(sv.label).toBe('Outlook contact (classic desktop export, Swedish headers)');
    expect(d.records.find((r) => r.source === 'outlook-com')!.fields['E-mail Address']).toBe('ASA.LINDQVIST@LINDQVISTBYGG.EXAMPLE');
    const contact = d.records.find((r) => r.source === 'graph-contacts')!;
    expect(contact).toMatchObject({ entity: 'contact', category: 'mail-contact', date: '2024-03-14' });

    // Her business phone is Lindqvist Bygg's switchboard, which Per Lindqvist answers: shared, and not followed to him.
    expect(d.shared).toEqual([expect.objectContaining({ kind: 'phone', value: '+46406280410', reason: 'other-person', given: false })]);
    expect(d.records.some((r) => JSON.stringify(r.fields).includes('per.lindqvist@'))).toBe(false);
  });

  it('finds Örjan by phone in every contact layout, and the e-mail with the phone in its body', async () => {
    const d = await find(CONFIG, { phone: ['+46 70 174 06 12'] });
    expect(where(d, 'exact')).toEqual([
      'google-contacts google/google-contacts.csv:2',
      `${CONTACTS_1}/value/1`,
      `${MESSAGES_1}/value/1`,
      `${TRACE}:3`,
      'outlook-classic outlook/classic/Kontakter.CSV:4',
      'outlook-com outlook/outlook.com/contacts.csv:3',
      'outlook-sv outlook/svenska/kontakter.csv:3',
      'vcard vcard/android/Kontakter.vcf:1',
      'vcard vcard/orjan-backstrom.vcf:1',
    ]);
    const reply = d.records.find((r) => r.source === 'graph-messages')!;
    expect(reply.matchedOn).toContainEqual({ kind: 'phone', field: 'bodyPreview', via: 'given' });
    // The classic row is located on its physical line although Åsa's row above it spans two (a quoted CRLF).
    expect(d.records.find((r) => r.source === 'outlook-classic')!.locator).toEqual({ file: 'outlook/classic/Kontakter.CSV', line: 4, row: 2 });
    expect(d.subject.knownBy).toContainEqual({ kind: 'email', value: 'orjan@backstromkonsult.example', origin: 'link' });
  });

  it('finds Märta by personnummer only in the body of her request, and learns nothing from that mention', async () => {
    const d = await find(CONFIG, { pnr: ['19920728-9969'] });
    // A personnummer in free text is a mention: the message is hers (exact), but
    // a mention is no party of the message, so its sender's address is not
    // learned and her other messages, contacts and trace rows are not reached.
    expect(where(d)).toEqual([`${MESSAGES_1}/value/2`]);
    expect(d.records[0]).toMatchObject({ confidence: 'exact', matchedOn: [{ kind: 'pnr', field: 'bodyPreview', via: 'given' }] });
    expect(d.subject.knownBy).toEqual([{ kind: 'pnr', value: '199207289969', origin: 'given' }]);
  });

  it('finds Märta by e-mail: her messages, trace rows and contacts; learns her name; the namesake is never exact', async () => {
    const d = await find(CONFIG, { email: ['marta.oberg@mail.example'] });
    expect(where(d, 'exact')).toEqual([
      `${CONTACTS_1}/value/2`,
      `${MESSAGES_1}/value/2`,
      `${MESSAGES_2}/0/value/1`,
      `${TRACE}:4`,
      `${TRACE}:5`,
      `${TRACE_EXT}:2`,
      `${TRACE_EXT}:3`,
      'outlook-classic outlook/classic/Kontakter.CSV:5',
      'outlook-com outlook/outlook.com/contacts.csv:4',
      'outlook-sv outlook/svenska/kontakter.csv:4',
    ]);
    expect(d.subject.knownBy).toContainEqual({ kind: 'name', value: 'märta öberg', origin: 'link' });
    // The namesake (marta.o@example.net) shares only the name.
    expect(where(d, 'possible')).toEqual([`${MESSAGES_2}/0/value/2`, 'outlook-classic outlook/classic/Kontakter.CSV:6']);
    expect(d.records.filter((r) => JSON.stringify(r.fields).includes('marta.o@example.net')).every((r) => r.confidence === 'possible')).toBe(true);
    // The extended report is UTF-16 LE without a BOM, one row per event.
    expect(d.records.filter((r) => r.source === 'message-trace' && r.locator.file.includes('extended')).map((r) => r.fields.event_id)).toEqual(['RECEIVE', 'DELIVER']);
  });

  it('with her personnummer too, excludes the namesake contact who has another one', async () => {
    const d = await find(CONFIG, { email: ['marta.oberg@mail.example'], pnr: ['19920728-9969'] });
    expect(d.summary.namesakesExcluded).toBe(2);
    expect(where(d)).not.toContain('outlook-classic outlook/classic/Kontakter.CSV:6');
    // Her namesake's e-mail carries no personnummer of a party (hers is a mention), but it comes from
    // the address on the namesake's card: hers too, not a match to confirm.
    expect(where(d, 'possible')).toEqual([]);
  });

  it('finds a phone written only in an HTML body (070-174&nbsp;06&nbsp;33), in a JSON array of pages', async () => {
    const d = await find(CONFIG, { phone: ['070-174 06 33'] });
    const thanks = d.records.find((r) => r.locator.pointer === '/0/value/1')!;
    expect(thanks).toMatchObject({ confidence: 'exact', source: 'graph-messages', locator: { file: 'graph/karin.ek/messages/messages-page2.json', pointer: '/0/value/1' } });
    expect(thanks.matchedOn).toContainEqual({ kind: 'phone', field: 'body/content', via: 'given' });
  });

  it('flags possible räkenskapsinformation by subject, and attachments only when they leave the organisation', async () => {
    const d = await find(CONFIG, { email: ['karin.ek@ojco.example'] });
    const flag = (pointer: string, file = 'messages-page2.json'): boolean | undefined =>
      d.result.subjects[0]!.records.find((r) => r.record.locator.file.endsWith(file) && r.record.locator.pointer === pointer)?.record.bookkeeping;
    expect(flag('/value/0', 'messages-page1.json')).toBe(true); // Faktura …, with an attachment to a customer
    expect(flag('/value/1', 'messages-page1.json')).toBeUndefined(); // SV: Offert
    expect(flag('/0/value/0')).toBe(true); // Påminnelse: faktura 2025041
    expect(flag('/0/value/3')).toBeUndefined(); // internal, with an attachment
    // Karin's own account in the directory.
    const user = d.records.find((r) => r.entity === 'user')!;
    expect(user).toMatchObject({ confidence: 'exact', category: 'directory-user', locator: { file: 'graph/users/users.json', pointer: '/value/0' } });
  });

  it('reads an Exchange (EX) contact through the address in its display name, and the user directory', async () => {
    const d = await find(CONFIG, { email: ['lars.nystrom@ojco.example'] });
    const ex = d.records.find((r) => r.source === 'outlook-classic')!;
    expect(ex.confidence).toBe('exact');
    expect(ex.matchedOn).toContainEqual({ kind: 'email', field: 'E-mail Display Name', via: 'given' });
    expect(ex.fields['E-mail Type']).toBe('EX');
    expect(d.subject.knownBy).toContainEqual({ kind: 'systemId', value: 'm365:user:7a2f4c1e-0b3d-4e5f-8a9b-0c1d2e3f4a02', origin: 'link' });
  });

  it('reads the address in a display name that differs from the contact\'s e-mail address, as the person\'s own', async () => {
    // Outlook keeps the display name it made from an earlier address when the address is changed (a real German export).
    const { readFileSync, mkdirSync } = await import('node:fs');
    const header = readFileSync(path.join(ROOT, 'fixtures/office365/outlook/classic/Kontakter.CSV'), 'utf8').split(/\r?\n/u)[0]!;
    const cols = header.split(',').map((c) => c.replace(/^\uFEFF?"|"$/gu, ''));
    const row = (v: Record<string, string>): string => cols.map((c) => `"${v[c] ?? ''}"`).join(',');
    const dir = mkdtempSync(path.join(os.tmpdir(), 'ojco-outlook-display-'));
    mkdirSync(path.join(dir, 'outlook'));
    writeFileSync(
      path.join(dir, 'outlook', 'Kontakter.CSV'),
      [
        header,
        row({ 'First Name': 'Cornelia', 'Last Name': 'Weiss', 'E-mail Address': 'cornelia.weiss@nytt.example', 'E-mail Type': 'SMTP', 'E-mail Display Name': 'Cornelia Weiss - Firma (c.weiss@gammalt.example)' }),
        row({ 'First Name': 'Per', 'Last Name': 'Holm', 'E-mail Address': 'per.holm@post.example', 'E-mail Type': 'SMTP', 'E-mail Display Name': 'Per Holm (per.holm@post.example)' }),
        '',
      ].join('\r\n'),
    );
    const config = path.join(dir, 'ojco-dsar.config.yaml');
    writeFileSync(config, ['sources:', '  - name: outlook', '    connector: office365', '    path: outlook/Kontakter.CSV', ''].join('\n'));
    try {
      const d = await find(config, { email: ['C.Weiss@gammalt.example'] });
      expect(d.records.map((r) => `${r.locator.line}:${r.confidence}`)).toEqual(['2:exact']);
      expect(d.records[0]!.matchedOn).toContainEqual({ kind: 'email', field: 'E-mail Display Name', via: 'given' });
      // The same address in both columns is one identifier, found by either.
      expect((await find(config, { email: ['per.holm@post.example'] })).records.map((r) => r.locator.line)).toEqual([3]);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it('follows a personnummer in Government ID Number to the contact, its e-mail and the delta page; skips removed delta items with a warning', async () => {
    const d = await find(CONFIG, { pnr: ['19710223-9972'] });
    expect(where(d, 'exact')).toEqual([
      'graph-contacts graph/karin.ek/contacts/contacts-delta.json/value/0',
      `${MESSAGES_2}/0/value/4`,
      'outlook-classic outlook/classic/Kontakter.CSV:8',
      // Through his e-mail, learned from the contact: the card in the Android phone book.
      'vcard vcard/android/Kontakter.vcf:12',
    ]);
    expect(d.warnings).toContainEqual(expect.objectContaining({ code: 'office365.delta-removed', source: 'graph-contacts', file: 'graph/karin.ek/contacts/contacts-delta.json' }));
  });
});

describe('office365 connector: formats and layouts', () => {
  const detect = async (rel: string): Promise<string | undefined> => {
    const head = await readHead(path.join(DIR, rel));
    return connector.detect({ name: rel, head, size: head.length })?.format;
  };
  const header = async (rel: string) => mapOutlookHeader(headerCells(decodeBuffer(await readHead(path.join(DIR, rel))).text.split(/\r?\n/u)[0]!));

  it('detects each format from the content', async () => {
    expect(await detect('outlook/classic/Kontakter.CSV')).toBe('outlook-csv');
    expect(await detect('outlook/outlook.com/contacts.csv')).toBe('outlook-csv');
    expect(await detect('outlook/svenska/kontakter.csv')).toBe('outlook-csv');
    expect(await detect('outlook/deutsch/Kontakte.CSV')).toBe('outlook-csv');
    expect(await detect('google/google-contacts.csv')).toBe('google-contacts-csv');
    expect(await detect('graph/karin.ek/contacts/contacts-page1.json')).toBe('graph-json');
    expect(await detect('graph/karin.ek/messages/messages-page2.json')).toBe('graph-json');
    expect(await detect('graph/users/users.json')).toBe('graph-json');
    expect(await detect('trace/MTSummary_Report_OJCO_2024-12-01_2025-06-30.csv')).toBe('message-trace-csv');
    expect(await detect('trace/extended/MTDetail_Report_OJCO_registerutdrag.csv')).toBe('message-trace-csv');
    expect(await detect('vcard/orjan-backstrom.vcf')).toBe('vcard');
    expect(await detect('vcard/iphone-kontakter.vcf')).toBe('vcard');
    expect(await detect('broken/contacts/kontakter-kapad.vcf')).toBe('vcard');
  });

  it('tells the Outlook layouts and header languages apart', async () => {
    expect(await header('outlook/classic/Kontakter.CSV')).toMatchObject({ layout: 'classic', language: 'en', known: 92 });
    expect(await header('outlook/outlook.com/contacts.csv')).toMatchObject({ layout: 'outlook.com', language: 'en', known: 61 });
    expect(await header('outlook/svenska/kontakter.csv')).toMatchObject({ layout: 'classic', language: 'sv', known: 92 });
    expect(await header('outlook/deutsch/Kontakte.CSV')).toMatchObject({ layout: 'classic', language: 'de', known: 92 });
    // The German names a German Outlook 2013 writes.
    const de = mapOutlookHeader(Object.keys(GERMAN_HEADERS));
    expect(de).toMatchObject({ layout: 'classic', language: 'de' });
    expect(de.index.get('E-mail Address')).toBe(Object.keys(GERMAN_HEADERS).indexOf('E-Mail-Adresse'));
    expect(de.index.get('Government ID Number')).toBe(Object.keys(GERMAN_HEADERS).indexOf('Sozialversicherungsnr.'));
    // No spelling means two different columns.
    expect(aliasCollisions()).toEqual([]);
  });

  it('maps a localised header it does not know through options.headers', async () => {
    expect(connector.optionsSchema.safeParse({ headers: { Mobilnummer: 'Mobile Phone' } }).success).toBe(true);
    expect(connector.optionsSchema.safeParse({ headers: { Mobilnummer: 'Mobil' } }).success).toBe(false);
    expect(mapOutlookHeader(['Förnamn', 'Efternamn', 'Mobilnummer'], { Mobilnummer: 'Mobile Phone' }).index.get('Mobile Phone')).toBe(2);
    const fields = connector.describe({ headers: { Mobilnummer: 'Mobile Phone' } }).entities.find((e) => e.entity === 'contact')!.fields;
    expect(fields.find((f) => f.name === 'Mobilnummer')).toMatchObject({ category: 'contact', identifier: 'phone' });
  });

  it('reads the Graph resource from @odata.context', () => {
    expect(resourceOfContext('https://graph.microsoft.com/v1.0/$metadata#users(displayName,description,mailNickname)')).toBe('user');
    expect(resourceOfContext("https://graph.microsoft.com/v1.0/$metadata#users('karin.ek%40ojco.example')/contacts")).toBe('contact');
    expect(resourceOfContext("https://graph.microsoft.com/v1.0/$metadata#users('karin.ek%40ojco.example')/messages(from,toRecipients,subject)")).toBe('message');
    expect(resourceOfContext("https://graph.microsoft.com/v1.0/$metadata#users('id')/mailFolders('Inbox')/messages/$entity")).toBe('message');
    expect(resourceOfContext('https://graph.microsoft.com/v1.0/$metadata#Collection(contact)')).toBe('contact');
    expect(resourceOfContext('https://graph.microsoft.com/v1.0/$metadata#users/$entity')).toBe('user');
    expect(resourceOfContext('odata-context')).toBeUndefined();
    expect(resourceOfContext("https://graph.microsoft.com/v1.0/$metadata#users('id')/events")).toBeUndefined();
  });

  it('streams a large saved response to the same items and pointers as the in-memory path', async () => {
    for (const rel of ['graph/karin.ek/messages/messages-page1.json', 'graph/karin.ek/messages/messages-page2.json']) {
      const abs = path.join(DIR, rel);
      const file = { abs, rel, size: (await readHead(abs, 1 << 20)).length };
      const whole = [];
      for await (const it of graphItems(file)) whole.push(it);
      const streamed = [];
      for await (const it of streamedItems(file)) streamed.push(it);
      expect(streamed.map((i) => i.pointer)).toEqual(whole.map((i) => i.pointer));
      expect(streamed.map((i) => i.context)).toEqual(whole.map((i) => i.context));
      expect(streamed.map((i) => i.value)).toEqual(whole.map((i) => i.value));
    }
  });

  it('applies the bookkeeping rule', () => {
    const words = bookkeepingPattern();
    const bk = (subject: string, attached: boolean, addresses: string[], context?: string, ownDomains?: string[]): boolean =>
      mayBeBookkeeping(subject, attached, addresses, context, { ownDomains }, words);
    expect(bk('Orderbekräftelse 4711', false, [])).toBe(true);
    expect(bk('SV: Avtal 2025', false, [])).toBe(true);
    expect(bk('Receipt for your payment', false, [])).toBe(true);
    expect(bk('Border crossing', false, [])).toBe(false);
    expect(bk('Bilder', true, ['a@ojco.example', 'b@kund.example'], undefined, ['ojco.example'])).toBe(true);
    expect(bk('Bilder', true, ['a@ojco.example', 'b@ojco.example'], undefined, ['ojco.example'])).toBe(false);
    // The mailbox in @odata.context tells the organisation's domain.
    expect(bk('Bilder', true, ['karin.ek@ojco.example', 'lars@ojco.example'], "https://graph.microsoft.com/v1.0/$metadata#users('karin.ek%40ojco.example')/messages")).toBe(false);
    // Without knowing the organisation, any attachment may be a verifikation.
    expect(bk('Bilder', true, ['karin.ek@ojco.example', 'lars@ojco.example'])).toBe(true);
    expect(bookkeepingPattern(['beställning']).test('Din beställning')).toBe(true);
  });
});

describe('office365 connector: broken inputs', () => {
  it('skips each broken file with a message that names what is wrong, and reads what came before a cut', async () => {
    const d = await find(BROKEN, { email: ['marta.oberg@mail.example'] });
    const skipped = d.skipped.map((s) => `${s.source} ${s.file}${s.line ? ':' + s.line : ''} ${s.code}`).sort();
    expect(skipped).toEqual([
      'contacts-broken contacts/kontakter-excel.csv:1 office365.wrong-delimiter',
      'contacts-broken contacts/kontakter-kapad.vcf:7 vcard.unterminated',
      'contacts-wrong-delimiter ../outlook/svenska/kontakter.csv:1 office365.wrong-delimiter',
      'graph-broken graph/contacts-error.json office365.graph-error-response',
      'graph-broken graph/messages-cut.json:73 json.malformed',
      'trace-cut trace/MTSummary_cut.csv:4 csv.malformed',
    ]);
    const byFile = (f: string) => d.skipped.find((s) => s.file === f)!.message;
    expect(byFile('trace/MTSummary_cut.csv')).toMatch(/never closed/u);
    expect(byFile('graph/messages-cut.json')).toMatch(/cut off/u);
    expect(byFile('contacts/kontakter-excel.csv')).toMatch(/one column .* another delimiter/u);
    expect(byFile('graph/contacts-error.json')).toMatch(/Graph error response/u);
    expect(byFile('contacts/kontakter-kapad.vcf')).toMatch(/ends inside the vCard that begins on line 7 .* cards before it were read/u);
    // No message repeats a value from the files.
    for (const s of d.skipped) expect(s.message).not.toMatch(/@|Märta|Öberg|070|InvalidAuthenticationToken/u);
    // The UTF-16 trace rows before the cut are still read.
    expect(where(d, 'exact')).toEqual(['trace-cut trace/MTSummary_cut.csv:2', 'trace-cut trace/MTSummary_cut.csv:3']);
  });
});

describe('a Graph page that may hold an HTML body', () => {
  it('is found in the bytes as the regular expressions over the Latin-1 text find it', () => {
    const regex = (buf: Buffer): boolean => {
      const text = buf.toString('latin1');
      return /html/iu.test(text) || /"content"\s*:\s*"(?:\s|\\[nrt])*</u.test(text);
    };
    const parts = ['"content"', '"Content"', ':', ' ', '\t', '\n', '\u00a0', '\u0085', '"', '\\n', '\\r', '\\t', '\\x', '<', 'p>', 'h', 'H', 'tm', 'TM', 'l', 'L', 'x', 'htm', '{', '}'];
    // Mostly the shape of a body's content, each piece sometimes wrong.
    const ws = fc.array(fc.constantFrom(' ', '\t', '\n', '\r', '\u000b', '\u000c', '\u00a0', '\u0085', 'x'), { maxLength: 3 }).map((a) => a.join(''));
    const body = fc
      .tuple(fc.constantFrom('"content"', '"content"', '"Content"', 'content"'), ws, fc.constantFrom(':', ':', ';'), ws, fc.constantFrom('"', '"', "'"), fc.array(fc.constantFrom(' ', '\u00a0', '\\n', '\\r', '\\t', '\\x', '\\'), { maxLength: 4 }), fc.constantFrom('<', '<', '>', 'p'))
      .map((t) => [t[0], t[1], t[2], t[3], t[4], t[5].join(''), t[6]].join(''));
    fc.assert(
      fc.property(fc.oneof(fc.array(fc.constantFrom(...parts), { maxLength: 30 }), fc.tuple(fc.constantFrom('{', '"x":1,', ''), body).map((t) => [...t])), (p) => {
        const buf = Buffer.from(p.join(''), 'latin1');
        expect(mayHoldHtml(buf)).toBe(regex(buf));
      }),
      { numRuns: 5000 },
    );
  });
});

describe('office365 connector: vCard', () => {
  const VCARD = 'vcard vcard/';
  const record = (d: Found, file: string): SourceRecord => {
    const m = d.result.subjects[0]!.records.find((r) => d.result.sources[r.source]!.source === 'vcard' && r.record.locator.file === `vcard/${file}`);
    expect(m, file).toBeDefined();
    return m!.record;
  };

  it("reads Outlook's vCard 2.1 in Windows-1252: quoted-printable names and a note with soft line breaks, the company's fax, a photo by its size", async () => {
    const d = await find(CONFIG, { email: ['orjan@backstromkonsult.example'] });
    expect(where(d, 'exact')).toContain(`${VCARD}orjan-backstrom.vcf:1`);
    const card = d.records.find((r) => r.locator.file === 'vcard/orjan-backstrom.vcf')!;
    expect(card).toMatchObject({ entity: 'contact', category: 'mail-contact', label: 'vCard contact (vCard 2.1)', locator: { file: 'vcard/orjan-backstrom.vcf', line: 1, row: 1 } });
    expect(card.fields).toMatchObject({
      N: 'Örjan Bäckström',
      FN: 'Örjan Bäckström',
      ORG: 'Bäckström Konsult',
      TITLE: 'Ägare',
      NOTE: 'Träffade på mässan i Malmö 2024.\r\nVill ha offert på ombyggnad, ring efter 16.',
      TEL: ['070-174 06 12 (cell, voice)', '042-12 34 50 (work, fax)'],
      ADR: 'Ängelholmsvägen 3, c/o Bäckström, Helsingborg, 254 40, Sverige (work, pref)',
      PHOTO: '[photo, jpeg, 304 bytes]',
    });
    const rec = record(d, 'orjan-backstrom.vcf');
    // The work fax is the company's (as Outlook's Business Fax): not followed as his.
    expect(rec.identifiers.filter((i) => i.kind === 'phone').map((i) => `${i.holder ?? 'contact'}:${i.value}`)).toEqual(['contact:070-174 06 12', 'employer:042-12 34 50']);
    expect(rec.identifiers).toContainEqual({ kind: 'address', field: 'ADR', value: 'Ängelholmsvägen 3, c/o Bäckström, 254 40 Helsingborg' });
    expect(rec.text).toEqual([{ field: 'NOTE', value: expect.stringContaining('ombyggnad') }]);
    // Each of several values has its own place, so that a plan changes his number and not the fax beside it.
    expect(rec.identifiers.filter((i) => i.kind === 'phone').map((i) => i.field)).toEqual(['TEL/0', 'TEL/1']);
    const plan = planRectification(
      { asOf: '2026-02-10', register: (await loadRegister()).register, matches: d.result.subjects[0]!.records, sources: d.result.sources.map((x) => ({ name: x.source, connector: x.connector })) },
      [{ field: 'phone', value: '070-174 06 99' }],
    );
    const change = plan.actions.find((a) => a.action === 'rectify' && a.locator.file === 'vcard/orjan-backstrom.vcf')!;
    expect(change.fields).toEqual({ 'TEL/0': { from: '070-174 06 12 (cell, voice)', to: '070-174 06 99' } });
    expect(d.subject.knownBy.some((k) => k.kind === 'phone' && k.value === '+4642123450')).toBe(false);
  });

  it("reads an iPhone's vCard 3.0: an upper-case e-mail, escapes, item labels, and an assistant's number that is another person's", async () => {
    const d = await find(CONFIG, { email: ['anna.berg@mail.example'] });
    expect(where(d, 'exact')).toContain(`${VCARD}iphone-kontakter.vcf:1`);
    const card = d.records.find((r) => r.source === 'vcard')!;
    expect(card.fields).toEqual({
      N: 'Anna Berg',
      FN: 'Anna Berg',
      ORG: 'Bergs Redovisning AB',
      EMAIL: 'ANNA.BERG@MAIL.EXAMPLE (pref, other)',
      TEL: ['08-465 004 12 (work, voice, pref)', '070-174 06 99 (assistantphone)'],
      ADR: 'Storgatan 12, Plan 3, Stockholm, 111 22, Sverige (work, pref)',
      URL: 'https://bergsredovisning.example (pref)',
      NOTE: 'Redovisningskonsult, har Karins nummer.',
      PHOTO: '[photo, jpeg, 304 bytes]',
    });
    const rec = record(d, 'iphone-kontakter.vcf');
    expect(rec.identifiers.find((i) => i.value === '070-174 06 99')).toMatchObject({ kind: 'phone', holder: 'assistant' });
    expect(rec.holders?.assistant).toEqual({ scope: 'person', role: 'assistant' });
    // Her own number is learned, the assistant's is not.
    expect(d.subject.knownBy).toContainEqual({ kind: 'phone', value: '+46846500412', origin: 'link' });
    expect(d.subject.knownBy.some((k) => k.value === '+46701740699')).toBe(false);
  });

  it('reads an Android phone book (2.1, UTF-8 quoted-printable, a soft line break, a card with only a number)', async () => {
    const sven = await find(CONFIG, { email: ['sven.svensson@mail.example'] });
    const card = sven.records.find((r) => r.source === 'vcard')!;
    expect(card.locator).toEqual({ file: 'vcard/android/Kontakter.vcf', line: 12, row: 3 });
    expect(card.fields).toEqual({
      N: 'Sven Svensson',
      NOTE: 'Grannen på Södra Storgatan, lånade stegen i maj – påminn honom om att lämna tillbaka den.',
      EMAIL: 'sven.svensson@mail.example (home)',
    });
    const holm = await find(CONFIG, { phone: ['070-174 06 90'] });
    expect(where(holm, 'exact')).toEqual(expect.arrayContaining([`${VCARD}android/Kontakter.vcf:8`, `${VCARD}iphone-kontakter.vcf:23`]));
    expect(holm.records.find((r) => r.locator.line === 8 && r.source === 'vcard')!.fields).toEqual({ TEL: '0701740690 (cell)' });
  });

  it('reads content lines as 2.1, 3.0 and 4.0 write them', () => {
    const p = (t: string) => parseContentLine(t, 1)!;
    expect(p('TEL;WORK;VOICE:+46 8 123').types).toEqual(['work', 'voice']);
    expect(p('TEL;TYPE=CELL,VOICE:1').types).toEqual(['cell', 'voice']);
    expect(p('tel;type=cell;type=pref:1')).toMatchObject({ name: 'TEL', types: ['cell', 'pref'] });
    expect(p('TEL;VALUE=uri;TYPE="voice,home":tel:+46-70-174-06-12')).toMatchObject({ types: ['voice', 'home'], value: 'tel:+46-70-174-06-12' });
    expect(p('item7.EMAIL;type=INTERNET:a@b.example')).toMatchObject({ group: 'item7', name: 'EMAIL', value: 'a@b.example' });
    // A quoted parameter value may hold ; and : (4.0's LABEL of an ADR).
    expect(p('ADR;LABEL="Box 1; Lund: Sverige":;;Box 1;Lund;;221 00;Sverige')).toMatchObject({ components: ['', '', 'Box 1', 'Lund', '', '221 00', 'Sverige'] });
    expect(p('N:O\\;Brien;Anna\\, Maria;;;').components).toEqual(['O;Brien', 'Anna, Maria', '', '', '']);
    expect(p('NOTE;QUOTED-PRINTABLE;CHARSET=ISO-8859-1:M=E4rta').value).toBe('Märta');
    expect(p('NOTE;ENCODING=QUOTED-PRINTABLE:M=C3=A4rta =3D bra').value).toBe('Märta = bra');
    // Labels people type, in Swedish too, make an entry another person's.
    const card = (label: string) => ({ line: 1, properties: [p('item1.TEL:070-174 06 99'), p(`item1.X-ABLabel:${label}`)] });
    const { otherParty } = vcardInternals;
    expect(['Chef', 'Assistent', 'Sambo', '_$!<Spouse>!$_', 'Mobil', 'Jobb'].map((l) => otherParty(card(l), card(l).properties[0]!) ?? '-')).toEqual(['manager', 'assistant', 'spouse', 'spouse', '-', '-']);
    expect(p('PHOTO:data:image/png;base64,iVBORw0KGgo=').value).toBe('[photo, image/png, 8 bytes]');
    expect(parseContentLine('no colon here', 1)).toBeUndefined();
  });

  it("reads a card of an organisation as the organisation's own: a company name, and no phone or address of a person", async () => {
    const { mkdtempSync, writeFileSync } = await import('node:fs');
    const os = await import('node:os');
    const { readVcard } = await import('../../connectors/office365/vcard.ts');
    const dir = mkdtempSync(path.join(os.tmpdir(), 'ojco-vcard-'));
    const abs = path.join(dir, 'org.vcf');
    writeFileSync(
      abs,
      [
        'BEGIN:VCARD', 'VERSION:4.0', 'KIND:org', 'FN:Bäckström Konsult', 'ORG:Bäckström Konsult', 'TEL;VALUE=uri;TYPE=work:tel:+46-42-12-34-00', 'ADR;TYPE=work:;;Ängelholmsvägen 3;Helsingborg;;254 40;Sverige', 'END:VCARD',
        'BEGIN:VCARD', 'VERSION:3.0', 'N:;;;;', 'FN:Lindqvist Bygg AB', 'ORG:Lindqvist Bygg AB;', 'X-ABShowAs:COMPANY', 'TEL;type=WORK:040-628 04 00', 'END:VCARD',
        'BEGIN:VCARD', 'VERSION:4.0', 'KIND:individual', 'FN:Örjan Bäckström', 'TEL:070-174 06 12', 'END:VCARD',
        '',
      ].join('\r\n'),
    );
    const recs: SourceRecord[] = [];
    for await (const r of readVcard({ abs, rel: 'org.vcf', size: 1 }, { warn: () => {}, fileFailed: () => {} }, {})) recs.push(r);
    expect(recs.map((r) => r.label)).toEqual(['vCard organisation (vCard 4.0)', 'vCard organisation (vCard 3.0)', 'vCard contact (vCard 4.0)']);
    for (const org of recs.slice(0, 2)) {
      expect(org.holders?.self).toEqual({ scope: 'organisation', role: 'organisation' });
      expect(org.identifiers.filter((i) => i.kind === 'name')).toEqual([]);
      expect(org.identifiers.every((i) => i.holder === undefined)).toBe(true);
    }
    expect(recs[0]!.identifiers.map((i) => `${i.kind}:${i.value}`)).toEqual(['company:Bäckström Konsult', 'company:Bäckström Konsult', 'phone:+46-42-12-34-00', 'address:Ängelholmsvägen 3, 254 40 Helsingborg']);
    // A person's card stays a person's.
    expect(recs[2]!.holders?.self).toBeUndefined();
    expect(recs[2]!.identifiers.map((i) => i.kind)).toEqual(['name', 'phone']);
  });

  it("reads a vCard 2.1 photo whose base64 lines are not indented to its blank line, by its size, without warnings", async () => {
    const { mkdtempSync, writeFileSync } = await import('node:fs');
    const os = await import('node:os');
    const { readVcard } = await import('../../connectors/office365/vcard.ts');
    const dir = mkdtempSync(path.join(os.tmpdir(), 'ojco-vcard-'));
    const photo = Buffer.alloc(300, 7).toString('base64');
    const lines = photo.match(/.{1,76}/gu)!;
    const card = (indent: string) => ['BEGIN:VCARD', 'VERSION:2.1', 'N:Berg;Anna', 'PHOTO;TYPE=JPEG;ENCODING=BASE64:', ...lines.map((l) => indent + l), '', 'EMAIL;INTERNET:anna.berg@mail.example', 'END:VCARD'];
    const read = async (indent: string): Promise<{ recs: SourceRecord[]; warnings: Problem[] }> => {
      const abs = path.join(dir, `photo${indent.length}.vcf`);
      writeFileSync(abs, card(indent).join('\r\n') + '\r\n');
      const warnings: Problem[] = [];
      const recs: SourceRecord[] = [];
      for await (const r of readVcard({ abs, rel: 'photo.vcf', size: 1 }, { warn: (w) => warnings.push(w), fileFailed: () => {} }, {})) recs.push(r);
      return { recs, warnings };
    };
    for (const indent of ['', '  ']) {
      const { recs, warnings } = await read(indent);
      expect(warnings).toEqual([]);
      expect(recs).toHaveLength(1);
      expect(recs[0]!.fields['PHOTO']).toBe('[photo, jpeg, 300 bytes]');
      expect(recs[0]!.identifiers.map((i) => `${i.kind}:${i.value}`)).toContain('email:anna.berg@mail.example');
    }
  });

  it('warns about lines it cannot read and goes on; skips a nested AGENT card; takes CR CR LF line ends', async () => {
    const warnings: Problem[] = [];
    const text = [
      'junk before',
      'BEGIN:VCARD',
      'VERSION:2.1',
      'FN:Anna Berg',
      'this line has no colon',
      'AGENT:',
      'BEGIN:VCARD',
      'FN:Karin Holm',
      'END:VCARD',
      'EMAIL:anna.berg@mail.example',
      'END:VCARD',
    ].map((t) => `${t}\r\r`);
    const lines = (async function* () {
      for (const [i, t] of text.entries()) yield { line: i + 1, text: t };
    })();
    const cards = [];
    for await (const c of vcardCards(lines, { abs: '/x.vcf', rel: 'x.vcf', size: 1 }, { warn: (p) => warnings.push(p) })) cards.push(c);
    expect(cards).toHaveLength(1);
    expect(cards[0]!.properties.map((p) => `${p.name}=${p.value}`)).toEqual(['FN=Anna Berg', 'AGENT=', 'EMAIL=anna.berg@mail.example']);
    expect(warnings.map((w) => `${w.code}:${w.line}`)).toEqual(['vcard.outside:1', 'vcard.bad-line:5']);
    for (const w of warnings) expect(w.message).not.toMatch(/junk|colon/u);
  });
});

describe('office365 connector: a plain Graph page with hits (issue #7)', () => {
  const tmp = mkdtempSync(path.join(os.tmpdir(), 'ojco-dsar-graph-items-'));
  afterAll(() => rmSync(tmp, { recursive: true, force: true }));

  const people = ['Märta Öberg', 'Åsa Lindqvist', 'José Brolund', 'Lars Högblad', 'Zoë Ågren'];
  const message = (k: number, who: string, extra: Record<string, unknown> = {}): Record<string, unknown> => ({
    id: `AAMk${k}`,
    subject: `Hej ${who.split(' ')[0]}!`,
    receivedDateTime: '2025-04-30T08:00:00Z',
    from: { emailAddress: { name: who, address: `${who.toLowerCase().normalize('NFD').replace(/\p{M}/gu, '').replace(' ', '.')}@mail.example` } },
    toRecipients: [{ emailAddress: { name: 'Karin Ek', address: 'karin.ek@ojco.example' } }],
    body: { contentType: 'text', content: `Ring mig på 070-174 06 ${10 + k}, /${who}` },
    ...extra,
  });

  async function records(file: SourceFile, keys: AnchorKey[], alone: boolean): Promise<{ records: SourceRecord[]; reports: unknown[] }> {
    const reports: unknown[] = [];
    const ctx: ReadContext = { warn: (p) => reports.push(p), fileFailed: (e) => reports.push(e.message), prefilter: prefilterFor(keys)! };
    itemsAlone.enabled = alone;
    try {
      const out: SourceRecord[] = [];
      for await (const r of readGraphJson(file, ctx, {}, true)) out.push(r);
      return { records: out, reports };
    } finally {
      itemsAlone.enabled = true;
    }
  }

  it('gives the records of the items that hold a hit exactly as parsing the page whole does, in UTF-8 and in Windows-1252', async () => {
    let n = 0;
    await fc.assert(
      fc.asyncProperty(
        fc.array(fc.nat(people.length - 1), { minLength: 1, maxLength: 12 }),
        fc.constantFrom('utf8', 'cp1252'),
        fc.constantFrom(0, 2),
        fc.boolean(),
        fc.nat(people.length - 1),
        async (who, enc, indent, nextLink, wanted) => {
          const items = who.map((w, k) => message(k, people[w]!, k % 3 === 2 ? { '@odata.type': '#microsoft.graph.eventMessage' } : {}));
          const page = {
            '@odata.context': "https://graph.microsoft.com/v1.0/$metadata#users('karin.ek%40ojco.example')/messages",
            value: items,
            // A hit outside every item: it makes no record either way.
            ...(nextLink ? { '@odata.nextLink': `https://graph.microsoft.com/v1.0/users/karin/messages?q=${people[wanted]!.split(' ')[1]}` } : {}),
          };
          const text = JSON.stringify(page, null, indent);
          const abs = path.join(tmp, `page-${n++}.json`);
          writeFileSync(abs, enc === 'utf8' ? Buffer.from(text, 'utf8') : iconv.encode(text, 'cp1252'));
          const file = { abs, rel: path.basename(abs), size: statSync(abs).size };
          const keys: AnchorKey[] = [{ kind: 'name', value: people[wanted]!.toLowerCase() }];
          const whole = await records(file, keys, false);
          const alone = await records(file, keys, true);
          expect(alone).toEqual(whole);
          expect(alone.records.length).toBe(who.filter((w) => w === wanted).length);
        },
      ),
      { numRuns: 60 },
    );
  });

  it('parses the page whole when it is not plain (a context with other letters, a removed item, an HTML body)', async () => {
    const pages = [
      // The mailbox's domain decides whether a message with attachments may be bookkeeping: read as JSON.parse reads it.
      {
        '@odata.context': "https://graph.microsoft.com/v1.0/$metadata#users('björn%40öjco.example')/messages",
        value: [
          message(0, 'Märta Öberg', {
            hasAttachments: true,
            from: { emailAddress: { name: 'Märta Öberg', address: 'marta@öjco.example' } },
            toRecipients: [{ emailAddress: { address: 'björn@öjco.example' } }],
          }),
        ],
      },
      { '@odata.context': 'https://graph.microsoft.com/v1.0/$metadata#users/delta', value: [message(0, 'Märta Öberg'), { id: 'x', '@removed': { reason: 'deleted' } }] },
      { '@odata.context': 'https://graph.microsoft.com/v1.0/$metadata#messages', value: [message(0, 'Märta Öberg', { body: { contentType: 'html', content: '<p>Hej</p>' } })] },
    ];
    for (const [i, page] of pages.entries()) {
      const abs = path.join(tmp, `odd-${i}.json`);
      writeFileSync(abs, JSON.stringify(page));
      const file = { abs, rel: path.basename(abs), size: statSync(abs).size };
      const keys: AnchorKey[] = [{ kind: 'name', value: 'marta oberg' }];
      const alone = await records(file, keys, true);
      expect(alone).toEqual(await records(file, keys, false));
      expect(alone.records.length, `page ${i}`).toBeGreaterThan(0);
      // Only the organisation's own addresses: not bookkeeping, when the mailbox is read from the context as it is written.
      if (i === 0) expect(alone.records[0]!.bookkeeping).toBeUndefined();
    }
  });
});

describe('office365 connector: each phone is read in the country of its address', () => {
  const dir = mkdtempSync(path.join(os.tmpdir(), 'ojco-dsar-phone-region-'));
  afterAll(() => rmSync(dir, { recursive: true, force: true }));
  const ctx: ReadContext = { warn: () => {}, fileFailed: () => {} };
  const fileOf = (name: string, data: string | Buffer): SourceFile => {
    const abs = path.join(dir, name);
    writeFileSync(abs, data);
    return { abs, rel: name, size: statSync(abs).size };
  };
  /** `field region` of every phone of each record (`-`: none, read as Swedish). */
  const regions = (recs: SourceRecord[]): string[][] => recs.map((r) => r.identifiers.filter((i) => i.kind === 'phone').map((i) => `${i.field} ${i.region ?? '-'}`));
  const csv = (header: string[], rows: Record<string, string>[], sep = ','): string =>
    [header, ...rows.map((v) => header.map((h) => v[h] ?? ''))].map((cells) => cells.map((c) => `"${c}"`).join(sep)).join('\r\n') + '\r\n';
  const read = async (gen: AsyncIterable<SourceRecord>): Promise<SourceRecord[]> => {
    const out: SourceRecord[] = [];
    for await (const r of gen) out.push(r);
    return out;
  };

  it('classic and Outlook.com layouts: business phones with the business country, home with home, a mobile with home, else business; one country for all', async () => {
    const header = ['First Name', 'Last Name', 'Business Country/Region', 'Home Country/Region', 'Other Country/Region', 'Business Phone', 'Home Phone', 'Mobile Phone', 'Other Phone', 'Primary Phone', 'Company Main Phone', 'E-mail Address'];
    const file = fileOf('contacts.csv', csv(header, [
      { 'First Name': 'Katrin', 'Business Country/Region': 'Deutschland', 'Home Country/Region': 'Norge', 'Business Phone': '0711 1234567', 'Home Phone': '22 33 44 55', 'Mobile Phone': '0152 28817386', 'Primary Phone': '0711 1234567', 'Company Main Phone': '0711 1234500' },
      { 'First Name': 'Jens', 'Business Country/Region': 'Germany', 'Home Phone': '030 23125123', 'Mobile Phone': '0152 28817386', 'Other Phone': '069 90009123' },
      { 'First Name': 'Åsa', 'Business Country/Region': 'Narnia', 'Business Phone': '070-174 06 05' },
      { 'First Name': 'Märta', 'Mobile Phone': '070-174 06 33' },
    ]));
    expect(regions(await read(readOutlookCsv(file, ctx, {})))).toEqual([
      ['Mobile Phone NO', 'Business Phone DE', 'Home Phone NO', 'Primary Phone -', 'Company Main Phone DE'],
      ['Mobile Phone DE', 'Home Phone DE', 'Other Phone DE'],
      ['Business Phone -'],
      ['Mobile Phone -'],
    ]);
    // Outlook before 2010: `Business Country`.
    const old = fileOf('old.csv', csv(['First Name', 'Last Name', 'Business Country', 'Home Country', 'Business Phone', 'Mobile Phone'], [{ 'First Name': 'Jens', 'Business Country': 'DE', 'Home Country': 'Norway', 'Business Phone': '0711 1234567', 'Mobile Phone': '0152 28817386' }]));
    expect(regions(await read(readOutlookCsv(old, ctx, {})))).toEqual([['Mobile Phone NO', 'Business Phone DE']]);
  });

  it('German and Swedish headers: the localised country columns, names of the country in any language', async () => {
    // As a German Outlook 2013 writes them (Mobiltelefon is a Swedish name too, so not in GERMAN_HEADERS).
    const german = [...Object.keys(GERMAN_HEADERS), 'Mobiltelefon'];
    const de = fileOf('kontakte.csv', iconv.encode(csv(german, [{ Vorname: 'Katrin', Nachname: 'Vogel', 'Land/Region geschäftlich': 'Deutschland', 'Telefon geschäftlich': '0711 1234567', 'Telefon (privat)': '0711 7654321', Mobiltelefon: '0152 28817386' }]), 'cp1252'));
    expect(regions(await read(readOutlookCsv(de, ctx, {})))).toEqual([['Mobiltelefon DE', 'Telefon geschäftlich DE', 'Telefon (privat) DE']]);
    const swedish = ['Förnamn', 'Efternamn', 'Land/region arbete', 'Land/region hem', 'Telefon arbete', 'Telefon hem', 'Mobiltelefon'];
    const sv = fileOf('kontakter.csv', iconv.encode(csv(swedish, [{ Förnamn: 'Katrin', 'Land/region arbete': 'Tyskland', 'Land/region hem': 'Sverige', 'Telefon arbete': '0711 1234567', 'Telefon hem': '070-174 06 05', Mobiltelefon: '070-174 06 33' }], ';'), 'cp1252'));
    expect(regions(await read(readOutlookCsv(sv, ctx, {})))).toEqual([['Mobiltelefon SE', 'Telefon arbete DE', 'Telefon hem SE']]);
  });

  it('Google Contacts: each phone with the country of the address of its type', async () => {
    const header = ['Name', 'Given Name', 'Family Name', 'Phone 1 - Type', 'Phone 1 - Value', 'Phone 2 - Type', 'Phone 2 - Value', 'Address 1 - Type', 'Address 1 - Street', 'Address 1 - Country', 'Address 2 - Type', 'Address 2 - Country', 'E-mail 1 - Value'];
    const file = fileOf('google.csv', csv(header, [
      { Name: 'Katrin Vogel', 'Phone 1 - Type': 'Work', 'Phone 1 - Value': '0711 1234567', 'Phone 2 - Type': 'Mobile', 'Phone 2 - Value': '070-174 06 33', 'Address 1 - Type': 'Work', 'Address 1 - Country': 'DE', 'Address 2 - Type': 'Home', 'Address 2 - Country': 'SE' },
    ]));
    expect(regions(await read(readGoogleCsv(file, ctx, {})))).toEqual([['Phone 1 - Value DE', 'Phone 2 - Value SE']]);
  });

  it('vCard: a TEL with the country of the ADR of its type (the seventh component)', async () => {
    const { readVcard } = await import('../../connectors/office365/vcard.ts');
    const file = fileOf('k.vcf', [
      'BEGIN:VCARD', 'VERSION:3.0', 'N:Vogel;Katrin;;;', 'FN:Katrin Vogel',
      'TEL;TYPE=WORK,VOICE:0711 1234567', 'TEL;TYPE=HOME:22 33 44 55', 'TEL;TYPE=CELL:0152 28817386', 'TEL:0711 1234500',
      'ADR;TYPE=WORK:;;Königstraße 1;Stuttgart;;70173;Deutschland', 'ADR;TYPE=HOME:;;Storgata 1;Oslo;;0155;Norge',
      'END:VCARD',
      'BEGIN:VCARD', 'VERSION:2.1', 'N:Vogel;Jens', 'TEL;CELL:0152 28817386', 'ADR;WORK:;;Königstraße 1;Stuttgart;;70173;Tyskland', 'END:VCARD',
      '',
    ].join('\r\n'));
    expect(regions(await read(readVcard(file, ctx, {})))).toEqual([
      ['TEL/0 DE', 'TEL/1 NO', 'TEL/2 NO', 'TEL/3 -'],
      ['TEL DE'],
    ]);
  });

  it('Graph: a contact\'s phones with the countryOrRegion of their address, a user\'s with the country or usage location', async () => {
    const contacts = fileOf('contacts.json', JSON.stringify({
      '@odata.context': "https://graph.microsoft.com/v1.0/$metadata#users('karin.ek%40ojco.example')/contacts",
      value: [
        { id: 'a', displayName: 'Katrin Vogel', mobilePhone: '0152 28817386', businessPhones: ['0711 1234567'], homePhones: ['22 33 44 55'], businessAddress: { city: 'Stuttgart', countryOrRegion: 'Germany' }, homeAddress: { city: 'Oslo', countryOrRegion: 'Norwegen' } },
        { id: 'b', displayName: 'Jens Vogel', mobilePhone: '0152 28817386', businessPhones: ['0711 1234567'], homePhones: [], businessAddress: { countryOrRegion: 'Tyskland' }, homeAddress: {} },
        { id: 'c', displayName: 'Märta Öberg', mobilePhone: '0701740633', businessPhones: [], homePhones: [] },
      ],
    }));
    expect(regions(await read(readGraphJson(contacts, ctx, {})))).toEqual([
      ['mobilePhone NO', 'businessPhones/0 DE', 'homePhones/0 NO'],
      ['mobilePhone DE', 'businessPhones/0 DE'],
      ['mobilePhone -'],
    ]);
    const users = fileOf('users.json', JSON.stringify({
      '@odata.context': 'https://graph.microsoft.com/v1.0/$metadata#users',
      value: [
        { id: '7a2f4c1e-0b3d-4e5f-8a9b-0c1d2e3f4a09', displayName: 'Katrin Vogel', mobilePhone: '0152 28817386', businessPhones: ['0711 1234567'], country: 'Deutschland', usageLocation: 'SE' },
        { id: '7a2f4c1e-0b3d-4e5f-8a9b-0c1d2e3f4a10', displayName: 'Jens Vogel', mobilePhone: '0152 28817386', usageLocation: 'DE' },
      ],
    }));
    expect(regions(await read(readGraphJson(users, ctx, {})))).toEqual([['mobilePhone DE', 'businessPhones/0 DE'], ['mobilePhone DE']]);
  });

  it('finds the customer in Germany in the fixtures by her +49 number, in the German and the English layout, and not by the Swedish reading of her digits', async () => {
    const d = await find(CONFIG, { phone: ['+49 69 90009311'] });
    expect(where(d, 'exact')).toEqual(['outlook-classic outlook/classic/Kontakter.CSV:10', 'outlook-de outlook/deutsch/Kontakte.CSV:2']);
    // Learned from her card: her e-mail, and her number as +49.
    expect(d.subject.knownBy).toContainEqual({ kind: 'email', value: 'heike.brandt@mail.example', origin: 'link' });
    expect(where(await find(CONFIG, { phone: ['069-900 093 11'] }))).toEqual([]);
  });

  it('finds the German contact of a German Outlook export by her international number, and not by the same digits as a Swedish number', async () => {
    const german = Object.keys(GERMAN_HEADERS);
    const sub = path.join(dir, 'find');
    const { mkdirSync } = await import('node:fs');
    mkdirSync(sub, { recursive: true });
    writeFileSync(path.join(sub, 'Kontakte.CSV'), iconv.encode(csv(german, [{ Vorname: 'Katrin', Nachname: 'Vogel', 'Land/Region geschäftlich': 'Deutschland', 'Telefon geschäftlich': '0711 1234567' }]), 'cp1252'));
    const config = path.join(sub, 'ojco-dsar.config.yaml');
    writeFileSync(config, ['sources:', '  - name: outlook-de', '    connector: office365', '    path: Kontakte.CSV', ''].join('\n'));
    expect((await find(config, { phone: ['+49 711 1234567'] })).records.map((r) => `${r.locator.line}:${r.confidence}`)).toEqual(['2:exact']);
    expect((await find(config, { phone: ['0711 1234567'] })).records).toEqual([]);
  });
});
