#!/usr/bin/env node
// Seeded, deterministic bench corpus in the connectors' real export formats
// (issue #7 point 1). Usage:
//   node bench/generate.js [--size 100MB|1GB|…] [--seed N] [--subjects N] [--out DIR] [--force]
// Writes bench/corpus/<size>/ (gitignored): the export files, the config for
// the tool, the DuckDB-readable subset config, the batch request files and
// manifest.json (planted subjects and, per file, the ids of their records).
import { createRequire } from 'node:module';
import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import {
  rng, hash32, scramble, FIRST_NAMES, NOISE_SURNAMES, plantedSurnames, COMPANY_WORDS, COMPANY_FORMS, CITIES, STREETS, TITLES,
  MAIL_DOMAINS, localPart, emailNotation, phoneNotation, makePnr, pnrNotation, randomDate, foldAscii, hasDiacritics, luhnDigit,
} from './lib/world.js';

const here = path.dirname(fileURLToPath(import.meta.url));
const root = path.resolve(here, '..');
// exceljs and iconv-lite are the tool's own dependencies (installed by `npm ci` at the root).
const requireRoot = createRequire(path.join(root, 'package.json'));
const ExcelJS = requireRoot('exceljs');
const iconv = requireRoot('iconv-lite');

export const GENERATOR_VERSION = 3;

// Byte shares of the corpus (issue #7 / bench brief). The XLSX takes the rest.
const SHARES = { ga: 0.4, lime: 0.2, mailchimp: 0.15, graph: 0.15, sie: 0.05 };

export function parseSize(s) {
  const m = /^(\d+(?:\.\d+)?)\s*(KB|MB|GB)?$/i.exec(String(s).trim());
  if (!m) throw new Error(`--size: expected a size such as 100MB or 1GB, got "${s}"`);
  const mult = { KB: 1e3, MB: 1e6, GB: 1e9 }[(m[2] ?? 'MB').toUpperCase()];
  return { bytes: Math.round(Number(m[1]) * mult), label: `${m[1]}${(m[2] ?? 'MB').toUpperCase()}` };
}

// ---------------------------------------------------------------- output

/** Buffered file writer with an encoding; counts bytes. */
class Out {
  constructor(file, encoding = 'utf8', bom = false) {
    fs.mkdirSync(path.dirname(file), { recursive: true });
    this.fd = fs.openSync(file, 'w');
    this.encoding = encoding;
    this.parts = [];
    this.len = 0;
    this.bytes = 0;
    if (bom) this.raw(Buffer.from([0xef, 0xbb, 0xbf]));
  }
  raw(buf) {
    fs.writeSync(this.fd, buf);
    this.bytes += buf.length;
  }
  push(s) {
    this.parts.push(s);
    this.len += s.length;
    if (this.len > 1 << 20) this.flush();
  }
  flush() {
    if (!this.parts.length) return;
    const s = this.parts.join('');
    this.parts = [];
    this.len = 0;
    this.raw(this.encoding === 'utf8' ? Buffer.from(s, 'utf8') : iconv.encode(s, this.encoding));
  }
  close() {
    this.flush();
    fs.closeSync(this.fd);
    return this.bytes;
  }
}

const csvCell = (v, delim) => {
  const s = v == null ? '' : String(v);
  return s.includes(delim) || s.includes('"') || s.includes('\n') || s.includes('\r') ? `"${s.replace(/"/g, '""')}"` : s;
};
const csvLine = (cells, delim) => cells.map((c) => csvCell(c, delim)).join(delim) + '\r\n';

/** Interleave planted items into a stream of n noise items at seeded random positions. */
function positions(r, planted, n) {
  return planted.map((p) => ({ p, at: r.int(n + 1) })).sort((a, b) => a.at - b.at);
}

// ---------------------------------------------------------------- the world

function noisePhone(r) {
  const x = r.next();
  if (x < 0.75) {
    const pre = r.pick(['072', '073', '076', '079']);
    const nat = pre + String(r.int(1e7)).padStart(7, '0');
    return phoneNotation(r, nat);
  }
  if (x < 0.88) return `040-${r.range(100, 999)} ${String(r.int(100)).padStart(2, '0')} ${String(r.int(100)).padStart(2, '0')}`;
  return `08-${r.range(100, 999)} ${r.range(100, 999)} ${String(r.int(100)).padStart(2, '0')}`;
}

function noisePnr(r) {
  const d = randomDate(r, 1940, 2004);
  return makePnr(d.y, d.m, d.d, r.int(980)); // birth numbers 000-979; planted subjects use 980-999
}

function noisePerson(r, i) {
  const first = r.pick(FIRST_NAMES);
  const last = r.pick(NOISE_SURNAMES);
  const email = `${localPart(first, last)}${i % 997}@${r.pick(MAIL_DOMAINS)}`;
  return { first, last, name: `${first} ${last}`, email, phone: noisePhone(r), pnr: noisePnr(r) };
}

function companyName(r) {
  return `${r.pick(NOISE_SURNAMES)} ${r.pick(COMPANY_WORDS)} ${r.pick(COMPANY_FORMS)}`;
}

const STAFF = [
  { name: 'Karin Ek', address: 'karin.ek@ojco.example' },
  { name: 'Per Sälj', address: 'per.salj@ojco.example' },
  { name: 'OJCO Info', address: 'info@ojco.example' },
];

/** The planted subjects: unique names, e-mails, phones, personnummer; the features each has. */
function makeSubjects(seed, count) {
  const r = rng(seed ^ hash32('subjects'));
  const surnames = plantedSurnames();
  const names = new Set();
  const pnrs = new Set();
  const subjects = [];
  // Phones: the block 070-174 00 00 – 070-174 99 99 (which holds PTS's fiction range 070-174 06 00–99); noise never uses 070-174.
  const phoneSlots = r.shuffle(Array.from({ length: 10000 }, (_, i) => i));
  for (let i = 0; i < count; i++) {
    let first, last, key;
    do {
      first = r.pick(FIRST_NAMES);
      last = r.pick(surnames);
      key = foldAscii(`${first} ${last}`).toLowerCase();
    } while (names.has(key));
    names.add(key);
    let pnr;
    do {
      const d = randomDate(r, 1945, 2003);
      const coord = r.chance(0.03); // samordningsnummer: day + 60
      pnr = makePnr(d.y, d.m, coord ? d.d + 60 : d.d, r.range(980, 999));
    } while (pnrs.has(pnr));
    pnrs.add(pnr);
    const rich = i === 0;
    const phone = '070174' + String(phoneSlots[i]).padStart(4, '0');
    const domain = r.chance(0.25) ? `${foldAscii(last).toLowerCase()}${r.pick(['bygg', 'konsult', 'data'])}.example` : r.pick(MAIL_DOMAINS);
    const email = `${localPart(first, last)}@${domain}`;
    const sid = `S${String(i).padStart(4, '0')}`;
    const s = {
      sid,
      name: `${first} ${last}`,
      first,
      last,
      email,
      phone,
      pnr,
      customerNo: rich || r.chance(0.7) ? String(500000 + i) : null,
      gaClientId: rich || r.chance(0.6) ? `${String(1000000000 + (scramble(i ^ seed) % 900000000))}.${1740000000 + i}` : null,
      features: {
        limeRows: rich ? 2 : r.chance(0.1) ? 2 : 1,
        mailchimp: rich || r.chance(0.8),
        messages: rich ? 4 : r.int(5),
        gaEvents: rich ? 25 : r.range(3, 25),
        emailLeak: rich || r.chance(0.1),
        vouchers: rich ? 4 : r.range(1, 4),
        namesake: rich || r.chance(0.03),
      },
      // What a requester gives (find flags and the batch requests): mixed notations.
      given: {
        email: rich ? email.toUpperCase() : emailNotation(r, email).trim(),
        phone: rich ? phoneNotation(r, phone, 2) : phoneNotation(r, phone),
        pnr: rich ? pnrNotation(r, pnr, 1) : pnrNotation(r, pnr),
        name: `${first} ${last}`,
      },
      records: [],
      namesakes: [],
    };
    subjects.push(s);
  }
  // The bench's single-subject lookups use S0000: make sure its name carries diacritics.
  if (!hasDiacritics(subjects[0].name)) {
    subjects[0].first = 'Märta';
    subjects[0].name = `Märta ${subjects[0].last}`;
    subjects[0].given.name = subjects[0].name;
    subjects[0].email = `${localPart('Märta', subjects[0].last)}@${subjects[0].email.split('@')[1]}`;
    subjects[0].given.email = subjects[0].email.toUpperCase();
  }
  return subjects;
}

/** A name as one record writes it: usually as registered, sometimes without diacritics. */
function nameIn(r, s, pBase) {
  if (hasDiacritics(s.name) && r.chance(pBase)) return { first: foldAscii(s.first), last: foldAscii(s.last), tag: 'nameBase' };
  return { first: s.first, last: s.last, tag: 'name' };
}

// ---------------------------------------------------------------- Lime client export (CSV, Windows-1252, ;)

const LIME_HEADER = ['Id', 'Förnamn', 'Efternamn', 'E-post', 'Telefon', 'Mobiltelefon', 'Personnummer', 'Befattning', 'Företag', 'Kundnummer', 'Skapad', 'Ändrad'];

function genLime(ctx) {
  const { dir, seed, subjects, budget } = ctx;
  const file = 'lime/personer.csv';
  const r = rng(seed ^ hash32(file));
  const out = new Out(path.join(dir, file), 'win1252');
  out.push(csvLine(LIME_HEADER, ';'));
  let id = 100000;
  const switchboards = Array.from({ length: 400 }, (_, i) => `040-628 ${String(10 + (i % 90)).padStart(2, '0')} ${String(i % 100).padStart(2, '0')}`);
  const noiseRow = (rr, i) => {
    const p = noisePerson(rr, i);
    const b2b = rr.chance(0.5);
    const d1 = randomDate(rr, 2015, 2023);
    const d2 = randomDate(rr, 2024, 2025);
    return [
      p.first, p.last, rr.chance(0.92) ? emailNotation(rr, p.email) : '', b2b && rr.chance(0.6) ? rr.pick(switchboards) : '',
      rr.chance(0.7) ? p.phone : '', !b2b && rr.chance(0.35) ? pnrNotation(rr, p.pnr) : '', b2b ? rr.pick(TITLES) : '',
      b2b ? companyName(rr) : '', rr.chance(0.2) ? String(100000 + rr.int(ctx.noiseCustomers)) : '', d1.iso, d2.iso,
    ];
  };
  const planted = [];
  for (const s of subjects) {
    for (let k = 0; k < s.features.limeRows; k++) {
      planted.push({ s, k });
    }
    if (s.features.namesake) planted.push({ s, namesake: true });
  }
  const sampleR = rng(seed ^ 0x5eed);
  let sample = 0;
  for (let i = 0; i < 300; i++) sample += Buffer.byteLength(csvLine(['100000', ...noiseRow(sampleR, i)], ';'));
  const n = Math.max(0, Math.round(budget / (sample / 300)) - planted.length);
  const plan = positions(r, planted, n);
  let pi = 0;
  for (let i = 0; i <= n; i++) {
    while (pi < plan.length && plan[pi].at === i) {
      const { s, k, namesake } = plan[pi++].p;
      const rid = ++id;
      if (namesake) {
        // Another person with the same name: other e-mail, phone and personnummer.
        const o = noisePerson(r, rid);
        out.push(csvLine([rid, s.first, s.last, o.email, '', o.phone, pnrNotation(r, o.pnr), '', '', '', '2019-04-01', '2024-02-02'], ';'));
        s.namesakes.push({ f: 'lime', rid: `lime:${rid}`, t: { name: 'field' } });
        continue;
      }
      const nm = nameIn(r, s, k === 1 ? 0.5 : 0.1);
      const t = { email: 'field', [nm.tag]: 'field' };
      const withPhone = k === 0 || r.chance(0.5);
      const withPnr = s.sid === 'S0000' ? k === 0 : r.chance(0.6);
      if (withPhone) t.phone = 'field';
      if (withPnr) t.pnr = 'field';
      const via = s.customerNo ? ['customerNo'] : [];
      out.push(csvLine([
        rid, nm.first, nm.last, emailNotation(r, s.email), '', withPhone ? phoneNotation(r, s.phone) : '', withPnr ? pnrNotation(r, s.pnr) : '',
        r.pick(TITLES), '', s.customerNo ?? '', k === 1 ? '2016-02-11' : '2021-09-01', k === 1 ? '2019-12-01' : '2025-01-15',
      ], ';'));
      s.records.push({ f: 'lime', rid: `lime:${rid}`, t, via });
    }
    if (i < n) out.push(csvLine([++id, ...noiseRow(r, i)], ';'));
  }
  return { file, source: 'lime', bytes: out.close(), records: id - 100000, encoding: 'windows-1252', format: 'Lime client export, persons (CSV ;)' };
}

// ---------------------------------------------------------------- Mailchimp audience CSV (UTF-8 with BOM)

const MC_HEADER = ['Email Address', 'First Name', 'Last Name', 'Phone Number', 'MEMBER_RATING', 'OPTIN_TIME', 'OPTIN_IP', 'CONFIRM_TIME', 'CONFIRM_IP', 'LATITUDE', 'LONGITUDE', 'GMTOFF', 'DSTOFF', 'TIMEZONE', 'CC', 'REGION', 'LAST_CHANGED', 'LEID', 'EUID', 'NOTES', 'TAGS'];

function genMailchimp(ctx) {
  const { dir, seed, subjects, budget } = ctx;
  const hash = (hash32(`mc${seed}`) >>> 0).toString(16).padStart(8, '0') + 'c1';
  const file = `newsletter/subscribed_members_export_${hash}.csv`;
  const r = rng(seed ^ hash32('mailchimp'));
  const out = new Out(path.join(dir, file), 'utf8', true);
  out.push(csvLine(MC_HEADER, ','));
  let seq = 0;
  const ts = (rr) => `${randomDate(rr, 2019, 2025).iso} ${String(rr.int(24)).padStart(2, '0')}:${String(rr.int(60)).padStart(2, '0')}:${String(rr.int(60)).padStart(2, '0')}`;
  const row = (rr, email, first, last, phone, withIp) => {
    seq++;
    const ip = withIp ? `${rr.pick(['198.51.100', '203.0.113'])}.${rr.int(256)}` : '';
    const t = ts(rr);
    const city = rr.pick([['56.0465000', '12.6945000'], ['55.6050000', '13.0038000'], ['59.3293000', '18.0686000'], ['', '']]);
    return csvLine([
      email, first, last, phone, rr.range(1, 5), t, ip, t, ip, city[0], city[1], city[0] ? 1 : '', city[0] ? 2 : '', city[0] ? 'Europe/Stockholm' : '',
      city[0] ? 'SE' : '', city[0] ? 'M' : '', ts(rr), 400000000 + seq, scramble(seq ^ 0x5bd1e995).toString(16).padStart(8, '0') + (seq % 256).toString(16).padStart(2, '0'),
      rr.chance(0.05) ? 'Via mässa Malmö\nVill ha inbjudan till höstens kurs' : '', rr.pick(['"Kunder"', '"Kunder","Helsingborg"', '"Mässa 2024"', '']),
    ], ',');
  };
  const noise = (rr, i) => {
    const p = noisePerson(rr, i + 7);
    return row(rr, emailNotation(rr, p.email), p.first, p.last, rr.chance(0.4) ? p.phone : '', rr.chance(0.6));
  };
  const planted = [];
  for (const s of subjects) {
    if (s.features.mailchimp) planted.push({ s });
    if (s.features.namesake) planted.push({ s, namesake: true });
  }
  const sampleR = rng(seed ^ 0x5eed);
  let sample = 0;
  for (let i = 0; i < 300; i++) sample += Buffer.byteLength(noise(sampleR, i));
  seq = 0;
  const n = Math.max(0, Math.round(budget / (sample / 300)) - planted.length);
  const plan = positions(r, planted, n);
  let pi = 0;
  for (let i = 0; i <= n; i++) {
    while (pi < plan.length && plan[pi].at === i) {
      const { s, namesake } = plan[pi++].p;
      if (namesake) {
        const o = noisePerson(r, seq + 3);
        const nm = nameIn(r, s, 0.5);
        out.push(row(r, o.email, nm.first, nm.last, '', false));
        s.namesakes.push({ f: 'mailchimp', rid: `mc:${400000000 + seq}`, t: { [nm.tag]: 'field' } });
        continue;
      }
      const nm = nameIn(r, s, 0.3);
      const withPhone = s.sid === 'S0000' || r.chance(0.5);
      // Mailchimp trims nothing: stray spaces around names are common.
      const pad = r.chance(0.1) ? ' ' : '';
      out.push(row(r, emailNotation(r, s.email), pad + nm.first + pad, pad + nm.last + pad, withPhone ? phoneNotation(r, s.phone) : '', false));
      const t = { email: 'field', [nm.tag]: 'field' };
      if (withPhone) t.phone = 'field';
      s.records.push({ f: 'mailchimp', rid: `mc:${400000000 + seq}`, t, via: [] });
    }
    if (i < n) out.push(noise(r, i));
  }
  return { file, source: 'mailchimp', bytes: out.close(), records: seq, encoding: 'utf-8 (BOM)', format: 'Mailchimp audience export, subscribed (CSV ,)' };
}

// ---------------------------------------------------------------- Microsoft Graph messages (JSON pages)

const SUBJECTS_NOISE = ['Offert', 'SV: Offert', 'Leverans vecka 12', 'Fråga om faktura', 'Möte nästa vecka', 'Orderbekräftelse', 'Kursanmälan', 'Tack för senast', 'Prisförfrågan', 'Avtal 2025', 'Reklamation', 'Adressändring'];
const BODIES = [
  'Hej! Tack för ert snabba svar. Vi återkommer om leveransen så snart vi vet mer om tidplanen.',
  'Hej, bifogar underlaget vi pratade om. Hör av er om något är oklart.',
  'Vi skulle vilja ha en offert på 40 pall med leverans till lagret i Helsingborg under maj.',
  'Kan ni bekräfta att beställningen är mottagen? Vi behöver varorna senast på fredag.',
  'Jag har flyttat och vill ändra min adress i era register.',
  'Tack för trevligt möte i dag. Som utlovat skickar jag en sammanfattning nedan.',
];

function graphMessage(r, seq, when, from, to, cc, subject, bodyText) {
  const id = `AAMkAGI2${scramble(seq).toString(36).padStart(7, '0')}${seq.toString(36)}AAA=`;
  const iso = when.toISOString().replace(/\.\d{3}Z$/, 'Z');
  const addr = (p) => ({ emailAddress: { name: p.name, address: p.address } });
  const ck = `CQAAABYAAAD${(seq % 46656).toString(36).toUpperCase().padStart(3, 'A')}`;
  return {
    '@odata.etag': `W/"${ck}"`,
    id,
    createdDateTime: iso,
    lastModifiedDateTime: iso,
    changeKey: ck,
    categories: [],
    receivedDateTime: iso,
    sentDateTime: iso,
    hasAttachments: r.chance(0.15),
    internetMessageId: `<${seq.toString(16)}.${scramble(seq).toString(16)}@mail.example>`,
    subject,
    bodyPreview: bodyText.replace(/\s+/g, ' ').slice(0, 255),
    importance: 'normal',
    parentFolderId: 'AAMkAGUAAAEMAAA=',
    conversationId: `AAQkAGI2${scramble(seq >>> 1).toString(36)}=`,
    isDeliveryReceiptRequested: false,
    isReadReceiptRequested: false,
    isRead: true,
    isDraft: false,
    webLink: `https://outlook.office365.com/owa/?ItemID=${encodeURIComponent(id)}&exvsurl=1&viewmodel=ReadMessageItem`,
    inferenceClassification: 'focused',
    body: { contentType: 'text', content: bodyText },
    sender: addr(from),
    from: addr(from),
    toRecipients: to.map(addr),
    ccRecipients: cc.map(addr),
    bccRecipients: [],
    replyTo: [],
    flag: { flagStatus: 'notFlagged' },
  };
}

function genGraph(ctx) {
  const { dir, seed, subjects, budget } = ctx;
  const folder = 'office365/graph/messages';
  const r = rng(seed ^ hash32(folder));
  const PAGE = 1000;
  let seq = 0;
  const start = Date.UTC(2024, 0, 1);
  const when = (rr) => new Date(start + rr.int(540 * 86400) * 1000);
  const noise = (rr, i) => {
    const p = noisePerson(rr, i + 11);
    const person = { name: p.name, address: p.email };
    const staff = rr.pick(STAFF);
    const inbound = rr.chance(0.6);
    const cc = rr.chance(0.2) ? [{ name: noisePerson(rr, i + 13).name, address: noisePerson(rr, i + 17).email }] : [];
    const sig = rr.chance(0.5) ? `\r\n${p.name}\r\n${p.phone}` : `\r\n${p.name}`;
    const text = `Hej!\r\n\r\n${rr.pick(BODIES)}\r\n\r\nVänliga hälsningar,${inbound ? sig : '\r\n' + staff.name + ', OJCO International AB'}`;
    return graphMessage(rr, ++seq, when(rr), inbound ? person : staff, [inbound ? staff : person], cc, rr.pick(SUBJECTS_NOISE), text);
  };
  const planted = [];
  for (const s of subjects) for (let k = 0; k < s.features.messages; k++) planted.push({ s, k });
  const sampleR = rng(seed ^ 0x5eed);
  let sample = 0;
  for (let i = 0; i < 200; i++) sample += Buffer.byteLength(JSON.stringify(noise(sampleR, i))) + 1;
  seq = 0;
  const n = Math.max(0, Math.round(budget / (sample / 200)) - planted.length);
  const plan = positions(r, planted, n);
  const files = [];
  let page = [];
  let bytes = 0;
  const flush = (last) => {
    const no = files.length + 1;
    const name = `${folder}/messages-page-${String(no).padStart(4, '0')}.json`;
    const doc = { '@odata.context': "https://graph.microsoft.com/v1.0/$metadata#users('karin.ek%40ojco.example')/messages", value: page };
    if (!last) doc['@odata.nextLink'] = `https://graph.microsoft.com/v1.0/users/karin.ek@ojco.example/messages?%24skip=${no * PAGE}`;
    const text = JSON.stringify(doc);
    fs.mkdirSync(path.join(dir, folder), { recursive: true });
    fs.writeFileSync(path.join(dir, name), text);
    bytes += Buffer.byteLength(text);
    files.push(name);
    page = [];
  };
  let pi = 0;
  const total = n + planted.length;
  let emitted = 0;
  const emit = (m) => {
    page.push(m);
    emitted++;
    if (page.length === PAGE && emitted < total) flush(false);
  };
  for (let i = 0; i <= n; i++) {
    while (pi < plan.length && plan[pi].at === i) {
      const { s, k } = plan[pi++].p;
      const nm = nameIn(r, s, 0.2);
      const display = `${nm.first} ${nm.last}`;
      const me = { name: display, address: emailNotation(r, s.email).trim() };
      const staff = STAFF[k % 2];
      const inbound = k % 3 !== 1;
      const t = { email: 'field', [nm.tag]: 'field' };
      let sig = '';
      // Mentions in the body: the signature's phone, a personnummer quoted in a request.
      const withPhone = s.sid === 'S0000' ? k === 0 : r.chance(0.4);
      const withPnr = s.sid === 'S0000' ? k === 2 : r.chance(0.15);
      if (inbound) {
        sig = `\r\n\r\nVänliga hälsningar,\r\n${display}`;
        if (withPhone) {
          sig += `\r\nMobil: ${phoneNotation(r, s.phone)}`;
          t.phone = 'text';
        }
      } else sig = `\r\n\r\nVänliga hälsningar,\r\n${staff.name}, OJCO International AB`;
      let body = r.pick(BODIES);
      if (withPnr && inbound) {
        body += ` Mitt personnummer är ${pnrNotation(r, s.pnr)}.`;
        t.pnr = 'text';
      }
      const m = graphMessage(r, ++seq, when(r), inbound ? me : staff, [inbound ? staff : me], [], inbound && withPnr ? 'Begäran om registerutdrag' : r.pick(SUBJECTS_NOISE), `Hej!\r\n\r\n${body}${sig}`);
      s.records.push({ f: 'graph', rid: `graph:${m.id}`, t, via: [] });
      emit(m);
    }
    if (i < n) emit(noise(r, i));
  }
  flush(true);
  return { file: folder, files, source: 'graph', bytes, records: seq, encoding: 'utf-8', format: `Graph /messages pages ({@odata.context, value[], @odata.nextLink}), ${PAGE} per page` };
}

// ---------------------------------------------------------------- GA4 BigQuery export (NDJSON per day)

const PAGES = [
  ['/', 'OJCO International – logistik i Helsingborg'], ['/kontakt', 'Kontakta oss – OJCO'], ['/tjanster/lager', 'Lager och logistik – OJCO'],
  ['/tjanster/transport', 'Transporter – OJCO'], ['/om-oss', 'Om oss – OJCO'], ['/nyheter/2025/maj', 'Nyheter maj 2025 – OJCO'],
  ['/kurser/truckkort', 'Truckkort – kurser – OJCO'], ['/intresseanmalan', 'Intresseanmälan – OJCO'], ['/jobb', 'Lediga jobb – OJCO'],
];
const PORTAL = [['/kundportal', 'Mina sidor – OJCO'], ['/kundportal/fakturor', 'Fakturor – Mina sidor'], ['/kundportal/order', 'Order – Mina sidor']];
const DEVICES = [
  { category: 'desktop', operating_system: 'Windows', operating_system_version: 'Windows 10', language: 'sv-se', is_limited_ad_tracking: 'No', web_info: { browser: 'Chrome', browser_version: '136.0.0.0', hostname: 'www.ojco.example' } },
  { category: 'mobile', operating_system: 'iOS', operating_system_version: 'iOS 18.4', language: 'sv-se', is_limited_ad_tracking: 'No', web_info: { browser: 'Safari', browser_version: '18.4', hostname: 'www.ojco.example' } },
  { category: 'mobile', operating_system: 'Android', operating_system_version: 'Android 14', language: 'sv-se', is_limited_ad_tracking: 'No', web_info: { browser: 'Chrome', browser_version: '135.0.0.0', hostname: 'www.ojco.example' } },
];
const GEOS = [['Helsingborg', 'Skåne County'], ['Malmö', 'Skåne County'], ['Lund', 'Skåne County'], ['Stockholm', 'Stockholm County'], ['Göteborg', 'Västra Götaland County']];
const TRAFFIC = [{ name: '(direct)', medium: '(none)', source: '(direct)' }, { name: 'nyhetsbrev_maj', medium: 'email', source: 'nyhetsbrev' }, { name: '(organic)', medium: 'organic', source: 'google' }];

function gaEvent(r, day, ts, clientId, userId, page, extra) {
  const name = extra?.name ?? r.pick(['page_view', 'page_view', 'page_view', 'scroll', 'user_engagement', 'click']);
  const loc = extra?.location ?? `https://www.ojco.example${page[0]}${r.chance(0.2) ? '?utm_source=nyhetsbrev&utm_medium=email' : ''}`;
  const sess = String(Math.floor(Number(ts) / 1e6) - r.int(600));
  const params = [
    { key: 'page_location', value: { string_value: loc } },
    ...(r.chance(0.4) ? [{ key: 'page_referrer', value: { string_value: r.pick(['https://www.google.com/', 'https://mail.example/', 'https://www.ojco.example/']) } }] : []),
    { key: 'page_title', value: { string_value: page[1] } },
    { key: 'ga_session_id', value: { int_value: sess } },
    { key: 'ga_session_number', value: { int_value: String(r.range(1, 30)) } },
    ...(name === 'user_engagement' ? [{ key: 'engagement_time_msec', value: { int_value: String(r.range(100, 90000)) } }] : []),
  ];
  const geo = r.pick(GEOS);
  const ev = {
    event_date: day,
    event_timestamp: ts,
    event_name: name,
    event_params: params,
    event_bundle_sequence_id: String(r.range(1, 40)),
    event_server_timestamp_offset: String(r.range(100, 900)),
  };
  if (userId) ev.user_id = userId;
  Object.assign(ev, {
    user_pseudo_id: clientId,
    privacy_info: { analytics_storage: 'Yes', ads_storage: 'No', uses_transient_token: 'No' },
    user_properties: [],
    user_first_touch_timestamp: String(Number(clientId.split('.')[1]) * 1e6 + r.int(1e6)),
    device: r.pick(DEVICES),
    geo: { continent: 'Europe', sub_continent: 'Northern Europe', country: 'Sweden', region: geo[1], city: geo[0], metro: '(not set)' },
    traffic_source: r.pick(TRAFFIC),
    stream_id: '4567890123',
    platform: 'WEB',
    items: [],
    is_active_user: true,
    batch_event_index: String(r.int(4)),
    batch_page_id: String(r.range(1, 9)),
    batch_ordering_id: String(r.range(1, 9)),
  });
  return JSON.stringify(ev) + '\n';
}

function genGa(ctx) {
  const { dir, seed, subjects, budget } = ctx;
  const folder = 'google-analytics/bigquery';
  const r = rng(seed ^ hash32(folder));
  let gaVisitors = 1000;
  const visitors = (i) => {
    const v = i % gaVisitors;
    return { clientId: `${String(100000000 + (scramble(v) % 899999999))}.${1700000000 + v}`, userId: v % 10 === 0 ? String(100000 + (v % ctx.noiseCustomers)) : undefined };
  };
  const sampleR = rng(seed ^ 0x5eed);
  let sample = 0;
  for (let i = 0; i < 300; i++) sample += Buffer.byteLength(gaEvent(sampleR, '20250501', '1746057600000000', visitors(i).clientId, visitors(i).userId, sampleR.pick(PAGES)));
  const avg = sample / 300;
  const planted = [];
  for (const s of subjects) {
    if (s.gaClientId) for (let k = 0; k < s.features.gaEvents; k++) planted.push({ s, k });
    if (s.features.emailLeak) planted.push({ s, leak: true });
  }
  const totalEvents = Math.max(1, Math.round(budget / avg));
  const n = Math.max(0, totalEvents - planted.length);
  gaVisitors = Math.max(50, Math.floor(n / 8));
  const nFiles = Math.max(1, Math.round(budget / 40e6));
  const perFile = Math.ceil((n + planted.length) / nFiles);
  const plan = positions(r, planted, n);
  const files = [];
  let bytes = 0;
  let out;
  let inFile = 0;
  let day;
  let dayStart;
  let step;
  let emitted = 0;
  const open = () => {
    const d = new Date(Date.UTC(2025, 4, 1) + files.length * 86400e3);
    day = d.toISOString().slice(0, 10).replace(/-/g, '');
    dayStart = BigInt(d.getTime()) * 1000n;
    step = Math.floor(86400e6 / perFile);
    const name = `${folder}/events_${day}.json`;
    files.push(name);
    out = new Out(path.join(dir, name), 'utf8');
    inFile = 0;
  };
  const nextTs = () => {
    if (!out || inFile === perFile) {
      if (out) bytes += out.close();
      open();
    }
    const ts = String(dayStart + BigInt(inFile * step + r.int(Math.max(1, step - 1))));
    inFile++;
    emitted++;
    return ts;
  };
  let pi = 0;
  for (let i = 0; i <= n; i++) {
    while (pi < plan.length && plan[pi].at === i) {
      const { s, k, leak } = plan[pi++].p;
      const ts = nextTs();
      if (leak) {
        // A newsletter sign-up page that put the address in its URL: the e-mail leaks into GA.
        const cid = s.gaClientId ?? `${String(1900000000 + Number(s.sid.slice(1)))}.${1745000000 + Number(s.sid.slice(1))}`;
        const loc = `https://www.ojco.example/nyhetsbrev/tack?email=${encodeURIComponent(emailNotation(r, s.email).trim())}&utm_source=nyhetsbrev`;
        out.push(gaEvent(r, day, ts, cid, undefined, ['/nyhetsbrev/tack', 'Tack för din anmälan – OJCO'], { name: 'page_view', location: loc }));
        s.records.push({ f: 'ga', rid: `ga:${ts}`, t: { email: 'text' }, via: s.gaClientId ? ['gaClientId'] : [] });
        continue;
      }
      const loggedIn = s.customerNo && (k % 3 === 0);
      out.push(gaEvent(r, day, ts, s.gaClientId, loggedIn ? s.customerNo : undefined, loggedIn ? r.pick(PORTAL) : r.pick(PAGES)));
      s.records.push({ f: 'ga', rid: `ga:${ts}`, t: {}, via: loggedIn ? ['gaClientId', 'customerNo'] : ['gaClientId'] });
    }
    if (i < n) {
      const ts = nextTs();
      const v = visitors(r.int(gaVisitors));
      out.push(gaEvent(r, day, ts, v.clientId, v.userId, r.pick(PAGES)));
    }
  }
  bytes += out.close();
  return { file: folder, files, source: 'ga', bytes, records: emitted, encoding: 'utf-8', format: 'GA4 BigQuery export, NDJSON (events_YYYYMMDD.json)' };
}

// ---------------------------------------------------------------- SIE 4 (CP437)

function genSie(ctx) {
  const { dir, seed, subjects, budget, customers } = ctx;
  const file = 'visma/sie/ojco-2024.se';
  const r = rng(seed ^ hash32(file));
  const out = new Out(path.join(dir, file), 'cp437');
  const head = [
    '#FLAGGA 0', '#PROGRAM "Visma eEkonomi" 2025.1', '#FORMAT PC8', '#GEN 20250110 "Karin Ek"', '#SIETYP 4', '#FNAMN "OJCO International AB"',
    '#ORGNR 559312-3457', '#ADRESS "Karin Ek" "Box 123" "252 25 HELSINGBORG" "040-628 04 00"', '#RAR 0 20240101 20241231', '#RAR -1 20230101 20231231',
    '#KPTYP BAS2024', '#KONTO 1510 "Kundfordringar"', '#KONTO 1930 "Företagskonto"', '#KONTO 2611 "Utgående moms 25%"', '#KONTO 3041 "Försäljning tjänst 25% sv"',
    '#KTYP 1510 T', '#DIM 8 "Kund"',
  ];
  for (const l of head) out.push(l + '\r\n');
  const q = (s) => `"${s.replace(/"/g, '\\"')}"`;
  const planted = new Map(subjects.filter((s) => s.customerNo).map((s) => [s.customerNo, s]));
  for (const c of customers) {
    out.push(`#OBJEKT 8 ${q(c.no)} ${q(c.name)}\r\n`);
    const s = planted.get(c.no);
    if (s) s.records.push({ f: 'sie', rid: `sie:obj:${c.no}`, t: { [c.nameTag]: 'field' }, via: ['customerNo'] });
  }
  let f = 0;
  let iser = 0;
  const voucher = (rr, c) => {
    const no = ++f;
    const d = randomDate(rr, 2024, 2024);
    const date = d.iso.replace(/-/g, '');
    const net = rr.range(4, 400) * 250;
    const vat = net / 4;
    const inv = 2024000 + no;
    let s = `#VER "F" ${no} ${date} ${q(`Kundfaktura ${inv} ${c.name}`)} ${date} "KE"\r\n{\r\n`;
    s += `#TRANS 1510 {8 ${q(c.no)}} ${(net + vat).toFixed(2)} ${date} ${q(c.name)}\r\n`;
    s += `#TRANS 2611 {} ${(-vat).toFixed(2)} ${date} ${q(c.name)}\r\n`;
    s += `#TRANS 3041 {} ${(-net).toFixed(2)} ${date} ${q(c.name)}\r\n}\r\n`;
    const rids = [`sie:F ${no}`];
    if (rr.chance(0.7)) {
      const pn = ++iser;
      const pd = date.slice(0, 4) + String(Math.min(12, d.m + 1)).padStart(2, '0') + date.slice(6);
      s += `#VER "I" ${pn} ${pd} ${q(`Inbetalning faktura ${inv}`)} ${pd} "KE"\r\n{\r\n`;
      s += `#TRANS 1930 {} ${(net + vat).toFixed(2)} ${pd} ${q(`[${c.no}] ${c.name}`)}\r\n`;
      s += `#TRANS 1510 {8 ${q(c.no)}} ${(-(net + vat)).toFixed(2)} ${pd} ${q(`[${c.no}] ${c.name}`)}\r\n}\r\n`;
      rids.push(`sie:I ${pn}`);
    }
    return { s, rids };
  };
  const noiseCust = customers.filter((c) => !planted.has(c.no));
  const plantedV = [];
  for (const c of customers) {
    const s = planted.get(c.no);
    if (s) for (let k = 0; k < s.features.vouchers; k++) plantedV.push({ s, c });
  }
  const sampleR = rng(seed ^ 0x5eed);
  let sample = 0;
  for (let i = 0; i < 200; i++) sample += voucher(sampleR, noiseCust[i % noiseCust.length]).s.length;
  f = 0;
  iser = 0;
  const objBytes = customers.length * 40;
  const n = Math.max(0, Math.round((budget - objBytes) / (sample / 200)) - plantedV.length);
  const plan = positions(r, plantedV, n);
  let pi = 0;
  for (let i = 0; i <= n; i++) {
    while (pi < plan.length && plan[pi].at === i) {
      const { s, c } = plan[pi++].p;
      const v = voucher(r, c);
      out.push(v.s);
      for (const rid of v.rids) s.records.push({ f: 'sie', rid, t: { [c.nameTag]: 'text' }, via: ['customerNo'] });
    }
    if (i < n) out.push(voucher(r, noiseCust[r.int(noiseCust.length)]).s);
  }
  return { file, source: 'sie', bytes: out.close(), records: f + iser, encoding: 'cp437 (#FORMAT PC8)', format: 'SIE 4E (one #VER per invoice/payment, #OBJEKT 8 per customer)' };
}

// ---------------------------------------------------------------- Visma customer list (XLSX, streaming writer)

async function genXlsx(ctx) {
  const { dir, seed, customers } = ctx;
  const file = 'visma/customer-list/kunder.xlsx';
  const r = rng(seed ^ hash32(file));
  fs.mkdirSync(path.dirname(path.join(dir, file)), { recursive: true });
  const wb = new ExcelJS.stream.xlsx.WorkbookWriter({ filename: path.join(dir, file), useSharedStrings: false, useStyles: false });
  wb.creator = 'OJCO';
  wb.created = new Date('2025-05-12T08:00:00Z');
  wb.modified = new Date('2025-05-12T08:00:00Z');
  const ws = wb.addWorksheet('Kunder');
  ws.addRow(['Kundnummer', 'Namn', 'Kundtyp', 'Organisationsnummer/Personnummer', 'Fakturaadress', 'Postnummer', 'Ort', 'Telefon', 'Mobiltelefon', 'E-post', 'Kontaktperson', 'Kontaktperson e-post']).commit();
  for (const c of customers) {
    const city = r.pick(CITIES);
    const street = `${r.pick(STREETS)} ${r.range(1, 60)}`;
    const post = `${city[1]} ${String(r.range(10, 99))}`;
    if (c.subject) {
      const s = c.subject;
      ws.addRow([Number(c.no), c.name, 'Privatperson', pnrNotation(r, s.pnr), street, post, city[0], '', phoneNotation(r, s.phone), emailNotation(r, s.email), '', '']).commit();
      s.records.push({ f: 'xlsx', rid: `xlsx:${c.no}`, t: { email: 'field', phone: 'field', pnr: 'field', [c.nameTag]: 'field' }, via: ['customerNo'] });
    } else if (c.company) {
      const contact = noisePerson(r, Number(c.no));
      ws.addRow([Number(c.no), c.name, 'Företag', c.orgnr, street, post, city[0], c.phone, '', `faktura@${c.domain}`, contact.name, contact.email]).commit();
    } else {
      ws.addRow([Number(c.no), c.name, 'Privatperson', pnrNotation(r, c.pnr), street, post, city[0], '', c.phone, c.email, '', '']).commit();
    }
  }
  await ws.commit();
  await wb.commit();
  fixZipTimes(path.join(dir, file));
  return { file, source: 'xlsx', bytes: fs.statSync(path.join(dir, file)).size, records: customers.length, encoding: 'xlsx (inline strings)', format: 'Visma/Spiris customer list saved as XLSX (exceljs streaming writer)' };
}

/** exceljs stamps every ZIP entry with the current time: set them to a fixed one, so the XLSX is byte-for-byte deterministic too. */
function fixZipTimes(file) {
  const buf = fs.readFileSync(file);
  const eocd = buf.lastIndexOf(Buffer.from([0x50, 0x4b, 0x05, 0x06]));
  if (eocd < 0) return;
  const count = buf.readUInt16LE(eocd + 10);
  let at = buf.readUInt32LE(eocd + 16);
  const TIME = (8 << 11) | (0 << 5); // 08:00:00
  const DATE = ((2025 - 1980) << 9) | (5 << 5) | 12; // 2025-05-12
  for (let i = 0; i < count && buf.readUInt32LE(at) === 0x02014b50; i++) {
    buf.writeUInt16LE(TIME, at + 12);
    buf.writeUInt16LE(DATE, at + 14);
    const local = buf.readUInt32LE(at + 42);
    if (buf.readUInt32LE(local) === 0x04034b50) {
      buf.writeUInt16LE(TIME, local + 10);
      buf.writeUInt16LE(DATE, local + 12);
    }
    at += 46 + buf.readUInt16LE(at + 28) + buf.readUInt16LE(at + 30) + buf.readUInt16LE(at + 32);
  }
  fs.writeFileSync(file, buf);
}

/** The customer register shared by SIE, the XLSX list, Lime's Kundnummer and GA's user_id. */
function makeCustomers(seed, subjects, count) {
  const r = rng(seed ^ hash32('customers'));
  const out = [];
  for (let i = 0; i < count; i++) {
    const no = String(100000 + i);
    if (r.chance(0.4)) {
      const name = companyName(r);
      const nine = String(5560000 + r.int(400000)).slice(0, 6) + String(r.int(1000)).padStart(3, '0');
      out.push({ no, name, company: true, orgnr: `${nine.slice(0, 6)}-${nine.slice(6)}${luhnDigit(nine)}`, phone: `040-${r.range(100, 999)} ${r.range(10, 99)} ${r.range(10, 99)}`, domain: `${foldAscii(name.split(' ')[0]).toLowerCase()}${i}.example` });
    } else {
      const p = noisePerson(r, i);
      out.push({ no, name: p.name, pnr: p.pnr, phone: p.phone, email: p.email });
    }
  }
  for (const s of subjects) {
    if (!s.customerNo) continue;
    // The register writes the name as registered; a few old entries lack the diacritics.
    const base = hasDiacritics(s.name) && s.sid !== 'S0000' && r.chance(0.1);
    out.push({ no: s.customerNo, name: base ? foldAscii(s.name) : s.name, nameTag: base ? 'nameBase' : 'name', subject: s });
  }
  return out;
}

// ---------------------------------------------------------------- configs and requests

function configYaml(files, subset) {
  const mc = files.find((f) => f.source === 'mailchimp').file;
  const all = [
    ['lime', '  - name: lime-personer\n    connector: lime\n    path: lime/personer.csv\n'],
    ['mailchimp', `  - name: mailchimp\n    connector: newsletter\n    path: ${mc}\n`],
    ['graph', '  - name: graph-messages\n    connector: office365\n    path: office365/graph/messages\n'],
    ['ga', '  - name: ga4-bigquery\n    connector: google-analytics\n    path: google-analytics/bigquery\n    options:\n      userIdKind: customerNo\n'],
    ['sie', '  - name: sie\n    connector: visma\n    path: visma/sie\n'],
    ['xlsx', '  - name: kundlista\n    connector: visma\n    path: visma/customer-list/kunder.xlsx\n    format: customer-list\n'],
  ];
  const head = subset
    ? '# Generated by bench/generate.js: the sources DuckDB can read too (no SIE in CP437, no XLSX), for the fairness row.\n'
    : '# Generated by bench/generate.js: every source of the bench corpus. OJCO\'s portal sets GA4 user_id to the customer number.\n';
  return `${head}fiscalYearStart: "01-01"\nstaffDomains: [ojco.example]\nsources:\n${all.filter(([k]) => !subset || subset.includes(k)).map(([, y]) => y).join('')}`;
}

export const REQUEST_HEADER = 'id,type,received,email,phone,pnr,orgnr,name,customer_no,ga_client_id';

function requestsCsv(subjects, seed) {
  const r = rng(seed ^ hash32('requests'));
  const lines = [REQUEST_HEADER];
  const kinds = {};
  for (const s of subjects) {
    const phone = s.sid === 'S0000' || r.chance(0.4);
    const pnr = s.sid === 'S0000' || r.chance(0.3);
    kinds[s.sid] = ['email', ...(phone ? ['phone'] : []), ...(pnr ? ['pnr'] : [])];
    lines.push([`R-${s.sid}`, 'access', '2025-05-12', s.given.email, phone ? s.given.phone : '', pnr ? s.given.pnr : '', '', '', '', ''].map((v) => (/[",\n]/.test(v) ? `"${v.replace(/"/g, '""')}"` : v)).join(','));
  }
  return { text: lines.join('\n') + '\n', kinds };
}

// ---------------------------------------------------------------- main

export async function generate({ size = '1GB', seed = 20250512, subjects: subjectCount = 1000, out, log = (m) => process.stderr.write(m + '\n') } = {}) {
  const { bytes: target, label } = parseSize(size);
  const dir = out ?? path.join(here, 'corpus', label);
  const t0 = Date.now();
  fs.rmSync(dir, { recursive: true, force: true });
  fs.mkdirSync(dir, { recursive: true });
  const subjects = makeSubjects(seed, subjectCount);
  const xlsxRows = Math.max(2000, Math.round(100000 * (target / 1e9)));
  const noiseCustomers = Math.max(500, xlsxRows - subjects.filter((s) => s.customerNo).length);
  const customers = makeCustomers(seed, subjects, noiseCustomers);
  const ctx = { dir, seed, subjects, customers, noiseCustomers };
  const files = [];
  const step = async (name, fn, share) => {
    const t = Date.now();
    const f = await fn({ ...ctx, budget: target * (share ?? 0) });
    files.push(f);
    log(`  ${name.padEnd(10)} ${(f.bytes / 1e6).toFixed(1).padStart(8)} MB  ${String(f.records).padStart(9)} records  ${((Date.now() - t) / 1000).toFixed(1)} s`);
  };
  log(`Generating the ${label} bench corpus in ${path.relative(process.cwd(), dir) || '.'} (seed ${seed}, ${subjects.length} planted subjects)`);
  await step('ga4', genGa, SHARES.ga);
  await step('lime', genLime, SHARES.lime);
  await step('mailchimp', genMailchimp, SHARES.mailchimp);
  await step('graph', genGraph, SHARES.graph);
  await step('sie', genSie, SHARES.sie);
  await step('xlsx', genXlsx);
  const totalBytes = files.reduce((a, f) => a + f.bytes, 0);
  fs.writeFileSync(path.join(dir, 'ojco-dsar.config.yaml'), configYaml(files));
  fs.writeFileSync(path.join(dir, 'ojco-dsar.duckdb-files.config.yaml'), configYaml(files, ['lime', 'mailchimp', 'graph', 'ga']));
  const req10 = requestsCsv(subjects.slice(1, 11), seed);
  const req1000 = requestsCsv(subjects.slice(0, 1000), seed);
  fs.writeFileSync(path.join(dir, 'requests-10.csv'), req10.text);
  fs.writeFileSync(path.join(dir, 'requests-1000.csv'), req1000.text);
  const manifest = {
    generator: GENERATOR_VERSION,
    seed,
    size: label,
    targetBytes: target,
    totalBytes,
    files: files.map((f) => ({ source: f.source, path: f.file, files: f.files?.length ?? 1, bytes: f.bytes, records: f.records, encoding: f.encoding, format: f.format })),
    config: 'ojco-dsar.config.yaml',
    duckdbConfig: 'ojco-dsar.duckdb-files.config.yaml',
    benchSubject: 'S0000',
    requests: {
      10: { file: 'requests-10.csv', subjects: subjects.slice(1, 11).map((s) => s.sid), kinds: req10.kinds },
      1000: { file: 'requests-1000.csv', subjects: subjects.slice(0, 1000).map((s) => s.sid), kinds: req1000.kinds },
    },
    subjects: subjects.map((s) => ({
      sid: s.sid, name: s.name, email: s.email, phone: s.phone, pnr: s.pnr, customerNo: s.customerNo, gaClientId: s.gaClientId, given: s.given,
      records: s.records, namesakes: s.namesakes,
    })),
    notes: [
      'Record ids (rid): lime:<Id>, mc:<LEID>, graph:<message id>, ga:<event_timestamp>, sie:<series> <number> for #VER and sie:obj:<no> for #OBJEKT 8, xlsx:<Kundnummer>.',
      't: where the subject\'s identifier of each kind is in the record: field (a column/property of that kind) or text (a mention in free text). name vs nameBase: written with or without the diacritics of a name that has them.',
      'via: identifiers through which the tool can reach the record by following links (customerNo, gaClientId).',
    ],
  };
  fs.writeFileSync(path.join(dir, 'manifest.json'), JSON.stringify(manifest));
  log(`  total      ${(totalBytes / 1e6).toFixed(1).padStart(8)} MB in ${((Date.now() - t0) / 1000).toFixed(1)} s`);
  return manifest;
}

if (process.argv[1] && path.resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  const args = process.argv.slice(2);
  const opt = (name, dflt) => {
    const i = args.indexOf(`--${name}`);
    return i >= 0 ? args[i + 1] : dflt;
  };
  if (args.includes('--help') || args.includes('-h')) {
    process.stdout.write('node bench/generate.js [--size 100MB|1GB] [--seed N] [--subjects N] [--out DIR]\n');
    process.exit(0);
  }
  await generate({ size: opt('size', '1GB'), seed: Number(opt('seed', 20250512)), subjects: Number(opt('subjects', 1000)), out: opt('out') });
}
