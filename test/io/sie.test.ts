import { mkdtempSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { crc32 as zlibCrc32 } from 'node:zlib';
import iconv from 'iconv-lite';
import { afterAll, describe, expect, it } from 'vitest';
import { SourceReadError } from '../../src/errors.ts';
import type { SourceFile } from '../../src/io/files.ts';
import {
  SIE_MAX_LINE_BYTES,
  crc32,
  readSie,
  SIE_CHUNK,
  sieChecksum,
  tokenizeSieLine,
  type SieItem,
  type SiePost,
  type SieReadOptions,
  type SieReadResult,
  type SieVoucher,
  type SieWarning,
} from '../../src/io/sie.ts';

const FIXTURES = fileURLToPath(new URL('../../fixtures/sie-io', import.meta.url));

function fixture(name: string): SourceFile {
  const abs = path.join(FIXTURES, name);
  return { abs, rel: `fixtures/sie-io/${name}`, size: statSync(abs).size };
}

const tmp = mkdtempSync(path.join(tmpdir(), 'sie-test-'));
afterAll(() => rmSync(tmp, { recursive: true, force: true }));
let tmpCount = 0;

/** A throw-away file for cases too odd (or too large) to keep as fixtures. */
function tmpFile(content: string | Buffer, encoding: 'cp437' | 'utf8' = 'cp437'): SourceFile {
  const abs = path.join(tmp, `case-${++tmpCount}.se`);
  const bytes = typeof content === 'string' ? (encoding === 'utf8' ? Buffer.from(content, 'utf8') : iconv.encode(content, 'cp437')) : content;
  writeFileSync(abs, bytes);
  return { abs, rel: `case-${tmpCount}.se`, size: bytes.length };
}

interface ReadAll {
  items: SieItem[];
  posts: SiePost[];
  vouchers: SieVoucher[];
  warnings: SieWarning[];
  result: SieReadResult;
}

async function readAll(file: SourceFile, opts: SieReadOptions = {}): Promise<ReadAll> {
  const warnings: SieWarning[] = [];
  const items: SieItem[] = [];
  const gen = readSie(file, { ...opts, onWarning: (w) => warnings.push(w) });
  for (;;) {
    const r = await gen.next();
    if (r.done) {
      return {
        items,
        posts: items.flatMap((i) => (i.type === 'post' ? [i.post] : [])),
        vouchers: items.flatMap((i) => (i.type === 'voucher' ? [i.voucher] : [])),
        warnings,
        result: r.value,
      };
    }
    items.push(r.value);
  }
}

/** Reads until the error; returns it with the items yielded before it. */
async function readError(file: SourceFile, opts: SieReadOptions = {}): Promise<{ error: SourceReadError; items: SieItem[] }> {
  const items: SieItem[] = [];
  try {
    for await (const item of readSie(file, opts)) items.push(item);
  } catch (err) {
    expect(err).toBeInstanceOf(SourceReadError);
    return { error: err as SourceReadError, items };
  }
  throw new Error('expected a SourceReadError');
}

/** Personal values used in the cases: none may appear in an error or warning message. */
const PERSONAL = ['Märta', 'Öberg', 'Åsa', 'Lindqvist', 'Örjan', 'Bäckström', '1044', '8000', 'Karin'];
function expectNoValues(message: string): void {
  for (const v of PERSONAL) expect(message).not.toContain(v);
}

describe('tokenizeSieLine', () => {
  it.each([
    ['#KONTO 1930 "Företagskonto"', '#KONTO', ['1930', 'Företagskonto']],
    ['#konto 1930 Bank', '#KONTO', ['1930', 'Bank']],
    ['\t#TRANS\t1518 {}      10000    20100630 "Text"', '#TRANS', ['1518', [], '10000', '20100630', 'Text']],
    ['#TRANS 1510 {8 "1044"} 8000.00', '#TRANS', ['1510', [{ dim: '8', obj: '1044' }], '8000.00']],
    ['#TRANS 7010 {1 "AO" 6 "P1"} 1.00', '#TRANS', ['7010', [{ dim: '1', obj: 'AO' }, { dim: '6', obj: 'P1' }], '1.00']],
    ['#TRANS 7010 {"1" "456" "7" "47"} 1', '#TRANS', ['7010', [{ dim: '1', obj: '456' }, { dim: '7', obj: '47' }], '1']],
    ['#TRANS 1910 { } -1000.00', '#TRANS', ['1910', [], '-1000.00']],
    ['#TRANS 1910 {1 "A B"} -1', '#TRANS', ['1910', [{ dim: '1', obj: 'A B' }], '-1']],
    ['#VER "" "" 20080101 "Porto"', '#VER', ['', '', '20080101', 'Porto']],
    ['#FNAMN "Bäckström \\"Konsult\\""', '#FNAMN', ['Bäckström "Konsult"']],
    ['#VER A 569 20081216 "extra \\"=citationtecken"', '#VER', ['A', '569', '20081216', 'extra "=citationtecken']],
    // A backslash before the last quote of the line is a path separator, not an escape.
    ['#FNR "C:\\Data\\OJCO\\"', '#FNR', ['C:\\Data\\OJCO\\']],
    // A quote inside a word is text (SoftOne XE writes '"' for 'ö').
    ['#KONTO 7010 "L"ner Örjan"', '#KONTO', ['7010', 'L"ner Örjan']],
    ['#FLAGGA 0   ', '#FLAGGA', ['0']],
  ])('%s', (line, label, fields) => {
    expect(tokenizeSieLine(line)).toEqual({ label, fields });
  });

  it('returns undefined for lines that are not posts', () => {
    for (const line of ['', '   ', '{', '}', 'text', '\t']) expect(tokenizeSieLine(line)).toBeUndefined();
  });

  it('rejects an unclosed quote or object list without quoting the content', () => {
    expect(() => tokenizeSieLine('#FNAMN "Märta Öberg')).toThrow(/not closed/);
    expect(() => tokenizeSieLine('#TRANS 1510 {8 "1044" 8000.00')).toThrow(/object list/);
    try {
      tokenizeSieLine('#FNAMN "Märta Öberg');
    } catch (err) {
      expectNoValues((err as Error).message);
    }
  });

  it('reads an unclosed quote to the end of the line when lenient', () => {
    expect(tokenizeSieLine('#TRANS 3010 {} -900.00 20140127 "260 Märta Öb', { lenient: true })).toEqual({
      label: '#TRANS',
      fields: ['3010', [], '-900.00', '20140127', '260 Märta Öb'],
    });
  });
});

describe('sieChecksum / crc32', () => {
  it('is the standard CRC-32 (spec §10.11-10.13)', () => {
    const bytes = Buffer.from('123456789');
    expect(crc32(bytes)).toBe(0xcbf43926);
    expect(crc32(bytes)).toBe(zlibCrc32(bytes));
    expect(crc32(Buffer.from('6789'), crc32(Buffer.from('12345')))).toBe(0xcbf43926);
  });

  it('sums labels and field contents only (spec §10.14-10.15)', () => {
    // The spec's example: whitespace, the enclosing quotes and the escaping backslashes do not count.
    expect(sieChecksum(['#KONTO 1915 "Kassa \\"special\\""'])).toBe(zlibCrc32(Buffer.from('#KONTO1915Kassa "special"')));
    // Braces of object lists and of the sub-post block do not count either.
    expect(sieChecksum(['#TRANS 7010 {1 "456"} 13200.00', '{', '}'])).toBe(zlibCrc32(Buffer.from('#TRANS7010145613200.00')));
    expect(sieChecksum(['#TRANS\t7010  { 1  456 }\t13200.00'])).toBe(sieChecksum(['#TRANS 7010 {1 "456"} 13200.00']));
  });

  it('sums CP437 bytes (spec §10.14)', () => {
    expect(sieChecksum(['#FNAMN "Märta Öberg"'])).toBe(zlibCrc32(iconv.encode('#FNAMNMärta Öberg', 'cp437')));
    expect(sieChecksum(['#FNAMN "Märta Öberg"'], 'utf8')).toBe(zlibCrc32(Buffer.from('#FNAMNMärta Öberg', 'utf8')));
  });
});

describe('readSie: fixtures', () => {
  it('decodes a CP437 file with CRLF line endings', async () => {
    const { posts, vouchers, warnings, result } = await readAll(fixture('cp437-crlf.se'));
    expect(warnings).toEqual([]);
    expect(result.encoding).toBe('cp437');
    expect(result.declaredFormat).toBe('PC8');
    expect(result.sieType).toBe('4');
    expect(result.checksum.status).toBe('absent');
    expect(posts.find((p) => p.label === '#OBJEKT')).toEqual({ label: '#OBJEKT', fields: ['8', '1044', 'Märta Öberg'], line: 14 });
    expect(posts.find((p) => p.label === '#ADRESS')?.fields[0]).toBe('Karin Ek');
    expect(posts.find((p) => p.fields[0] === '1930')?.fields[1]).toBe('Företagskonto');
    // No CR is left at the end of a field.
    expect(posts.every((p) => p.fields.every((f) => typeof f !== 'string' || !f.includes('\r')))).toBe(true);

    expect(vouchers).toHaveLength(2);
    const [f7, i3] = vouchers as [SieVoucher, SieVoucher];
    expect(f7).toMatchObject({ series: 'F', number: '7', date: '20250203', text: 'Kundfaktura 2025007 Märta Öberg', regDate: '20250203', sign: 'KE', line: 17, endLine: 22 });
    expect(f7.transactions).toHaveLength(3);
    expect(f7.transactions[0]).toEqual({
      kind: 'TRANS',
      account: '1510',
      objects: [{ dim: '8', obj: '1044' }],
      amount: '8000.00',
      date: '20250203',
      text: 'Märta Öberg',
      line: 19,
    });
    expect(i3.text).toBe('Inbetalning ref Åsa Lindqvist');
    expect(i3.transactions.map((t) => t.amount)).toEqual(['8000.00', '-8000.00']);
    expect(result).toMatchObject({ lines: 27, vouchers: 2, transactions: 5 });
  });

  it('keeps posts and vouchers in file order', async () => {
    const { items } = await readAll(fixture('cp437-crlf.se'));
    const lines = items.map((i) => (i.type === 'post' ? i.post.line : i.type === 'voucher' ? i.voucher.line : 0));
    expect(lines).toEqual([...lines].sort((a, b) => a - b));
  });

  it('reads UTF-8 content that declares #FORMAT PC8', async () => {
    const { posts, vouchers, result } = await readAll(fixture('utf8-declares-pc8.se'));
    expect(result.encoding).toBe('utf8');
    expect(result.declaredFormat).toBe('PC8');
    expect(result.replacementChars).toBe(0);
    expect(posts.find((p) => p.label === '#OBJEKT')?.fields).toEqual(['8', '1045', 'Örjan Bäckström']);
    expect(vouchers[0]).toMatchObject({ sign: 'Åsa Lindqvist', line: 8, endLine: 12 });
    expect(vouchers[0]?.transactions[1]?.text).toBe('Örjan Bäckström');
  });

  it('reads TAB-separated, space-padded and indented posts', async () => {
    const { posts, vouchers, warnings } = await readAll(fixture('tabs-padded.se'));
    expect(warnings).toEqual([]);
    expect(posts.map((p) => [p.label, p.fields])).toEqual([
      ['#FLAGGA', ['0']],
      ['#PROGRAM', ['OJCO Testexport', '1.0']],
      ['#FORMAT', ['PC8']],
      ['#SIETYP', ['4']],
      ['#OBJEKT', ['8', '1045', 'Örjan Bäckström']],
    ]);
    expect(vouchers).toHaveLength(1);
    expect(vouchers[0]).toMatchObject({ series: 'A', number: '24', date: '20250127', text: 'Konsultarvode Örjan Bäckström', regDate: '20250304', line: 6, endLine: 10 });
    expect(vouchers[0]?.transactions).toEqual([
      { kind: 'TRANS', account: '4010', objects: [], amount: '5000.00', date: '20250127', text: 'Örjan Bäckström', line: 8 },
      { kind: 'TRANS', account: '1930', objects: [], amount: '-5000.00', date: '20250127', line: 9 },
    ]);
  });

  it('keeps #RTRANS and #BTRANS and drops the #TRANS copy after an #RTRANS (spec §11)', async () => {
    const { vouchers, warnings, result } = await readAll(fixture('rtrans-btrans.se'));
    const [a12, a13] = vouchers as [SieVoucher, SieVoucher];
    expect(a12.transactions.map((t) => [t.kind, t.account, t.amount, t.line])).toEqual([
      ['TRANS', '1930', '-1000.00', 6],
      ['TRANS', '2640', '200.00', 7],
      ['BTRANS', '6110', '800.00', 8],
      ['RTRANS', '6250', '800.00', 9],
    ]);
    expect(a12.transactions[3]?.sign).toBe('KE');
    expect(a12.transactions[3]?.date).toBeUndefined();
    expect(result.skippedDuplicateTrans).toBe(1);
    // In A 13 the #RTRANS is followed by another row, not by its copy: both are kept, with a warning.
    expect(a13.transactions.map((t) => [t.kind, t.account, t.amount])).toEqual([
      ['RTRANS', '6250', '100.00'],
      ['TRANS', '1930', '-100.00'],
    ]);
    expect(a13.transactions[0]).toMatchObject({ objects: [{ dim: '6', obj: 'P1' }], text: 'Märta Öberg', quantity: '2', sign: 'KE' });
    expect(warnings.map((w) => [w.code, w.line])).toEqual([['sie.rtrans-unpaired', 14]]);
    warnings.forEach((w) => expectNoValues(w.message));
  });

  it('unescapes \\" and reads every object-list spelling', async () => {
    const { posts, vouchers, warnings } = await readAll(fixture('escaped-quotes.se'));
    expect(warnings).toEqual([]);
    expect(posts.find((p) => p.label === '#FNAMN')?.fields).toEqual(['Bäckström "Konsult"']);
    expect(posts.find((p) => p.label === '#FNR')?.fields).toEqual(['C:\\Bokföring\\OJCO\\']);
    const v = vouchers[0]!;
    expect(v).toMatchObject({ series: '', number: '', date: '20250101', text: 'Faktura "RUT" Örjan Bäckström' });
    expect(v.transactions.map((t) => t.objects)).toEqual([
      [{ dim: '1', obj: 'AO' }, { dim: '6', obj: 'P1' }],
      [{ dim: '1', obj: '456' }, { dim: '7', obj: '47' }],
      [{ dim: '8', obj: '1045' }],
      [],
    ]);
    expect(v.transactions[2]).toMatchObject({ amount: '-56800.00', text: 'Svar: "Ja"' });
    expect(v.transactions[2]?.date).toBeUndefined();
  });

  it('verifies a correct #KSUMMA', async () => {
    const file = fixture('ksumma-ok.se');
    const { posts, warnings, result } = await readAll(file);
    expect(warnings).toEqual([]);
    expect(result.checksum).toMatchObject({ status: 'ok', basis: 'cp437' });
    const closing = posts.filter((p) => p.label === '#KSUMMA');
    expect(closing.map((p) => p.fields)).toEqual([[], [result.checksum.declared]]);
    // The fixture's value was computed independently (make-fixtures.mjs, node:zlib); sieChecksum agrees.
    const lines = iconv.decode(readFileSync(file.abs), 'cp437').split('\r\n');
    const inner = lines.slice(lines.indexOf('#KSUMMA') + 1, lines.findIndex((l) => /^#KSUMMA \d/.test(l)));
    expect(String(sieChecksum(inner))).toBe(result.checksum.declared);
  });

  it('warns, and goes on reading, when #KSUMMA does not match', async () => {
    const { vouchers, warnings, result } = await readAll(fixture('ksumma-wrong.se'));
    expect(result.checksum.status).toBe('mismatch');
    expect(warnings).toHaveLength(1);
    expect(warnings[0]).toMatchObject({ code: 'sie.checksum', line: 13 });
    expectNoValues(warnings[0]!.message);
    expect(vouchers[0]?.transactions[0]?.amount).toBe('8500.00');
  });

  it('throws for a file cut off inside a voucher, after yielding what came before', async () => {
    const { error, items } = await readError(fixture('truncated.se'));
    expect(error).toMatchObject({ code: 'sie.malformed', file: 'fixtures/sie-io/truncated.se', line: 10 });
    expect(error.message).toMatch(/never closed/);
    expectNoValues(error.message);
    expect(items.filter((i) => i.type === 'voucher')).toHaveLength(1);
    expect(items[0]).toMatchObject({ type: 'post', post: { label: '#FLAGGA' } });
  });
});

describe('readSie: structure errors', () => {
  const HEAD = '#FLAGGA 0\n#FORMAT PC8\n';
  it.each([
    ['a { without #VER', `${HEAD}#OBJEKT 8 "1044" "Märta Öberg"\n{\n#TRANS 1510 {} 1\n}\n`, 4, /not preceded by a #VER/],
    ['a #TRANS outside a voucher', `${HEAD}#TRANS 1510 {8 "1044"} 8000.00 "" "Märta Öberg"\n`, 3, /outside a voucher/],
    ['a #VER inside a voucher', `${HEAD}#VER A 1 20250101\n{\n#TRANS 1510 {} 1\n#VER A 2 20250102 "Märta Öberg"\n{\n}\n`, 6, /closing \} is missing/],
    ['a nested {', `${HEAD}#VER A 1 20250101\n{\n{\n}\n`, 5, /inside the voucher/],
    ['an unclosed object list', `${HEAD}#VER A 1 20250101\n{\n#TRANS 1510 {8 "1044" 8000.00\n}\n`, 5, /object list/],
    ['an opening #KSUMMA without the closing one', `#FLAGGA 0\n#KSUMMA\n#FNAMN "Märta Öberg"\n`, 2, /closing #KSUMMA is missing/],
    ['CR-only line endings', '#FLAGGA 0\r#FNAMN "Märta Öberg"\r', 1, /CR only/],
  ])('%s', async (_name, text, line, message) => {
    const file = tmpFile(text);
    const { error } = await readError(file);
    expect(error).toMatchObject({ code: 'sie.malformed', file: file.rel, line });
    expect(error.message).toMatch(message);
    expectNoValues(error.message);
  });

  it('throws for an unclosed quote only when strict', async () => {
    const text = `${HEAD}#VER A 1 20250101 "Märta Öberg\n{\n#TRANS 1510 {} 8000.00 20250101 "Märta Ö\n#TRANS 1930 {} -8000.00\n}\n`;
    const strict = await readError(tmpFile(text), { strict: true });
    expect(strict.error).toMatchObject({ code: 'sie.malformed', line: 3 });
    expectNoValues(strict.error.message);

    // By default the field runs to the end of its line (a post cannot span lines) and one warning is given.
    const { vouchers, warnings } = await readAll(tmpFile(text));
    expect(vouchers[0]?.text).toBe('Märta Öberg');
    expect(vouchers[0]?.transactions[0]?.text).toBe('Märta Ö');
    expect(vouchers[0]?.transactions).toHaveLength(2);
    expect(warnings.map((w) => [w.code, w.line])).toEqual([['sie.quote-unclosed', 3]]);
    expectNoValues(warnings[0]!.message);
  });

  it('refuses lines over the length limit, naming the line', async () => {
    const long = `${HEAD}#PROSA "${'x'.repeat(SIE_MAX_LINE_BYTES + 10)}"\n#FNAMN x\n`;
    const { error } = await readError(tmpFile(long));
    expect(error).toMatchObject({ code: 'sie.malformed', line: 3 });
    expect(error.message).toMatch(/longer than 1 MiB/);
  });
});

describe('readSie: not SIE', () => {
  it.each([
    ['an empty file', Buffer.alloc(0), 1],
    ['text without posts', Buffer.from('Förnamn;Efternamn\nMärta;Öberg\n', 'utf8'), 1],
    ['a Markdown heading', Buffer.from('# Märta Öberg\n\ntext\n', 'utf8'), 1],
    ['binary data (NUL bytes)', Buffer.from([0x50, 0x4b, 0x03, 0x04, 0x00, 0x00, 0x0a, 0x23, 0x46]), 1],
    ['NUL bytes after a SIE start', Buffer.concat([Buffer.from('#FLAGGA 0\n#FNAMN x\n'), Buffer.from([0x23, 0x00, 0x0a])]), 3],
    ['64 KiB of text before any post', Buffer.from(`${'ingen post här\n'.repeat(5000)}#FLAGGA 0\n`), 1],
  ])('%s', async (_name, bytes, line) => {
    const file = tmpFile(bytes);
    const { error, items } = await readError(file);
    expect(error).toMatchObject({ code: 'sie.not-sie', file: file.rel, line });
    expectNoValues(error.message);
    expect(items).toEqual([]);
  });

  it('reports a file that does not exist as unreadable', async () => {
    const { error } = await readError({ abs: path.join(tmp, 'missing.se'), rel: 'missing.se', size: 0 });
    expect(error).toMatchObject({ code: 'source.unreadable', file: 'missing.se' });
  });
});

describe('readSie: tolerated quirks', () => {
  it('ignores text before the first post, blank lines and a DOS end-of-file mark', async () => {
    const { posts, result, warnings } = await readAll(tmpFile('SIE-export\r\n\r\n#FLAGGA 0\r\n\r\n#FNAMN "Märta Öberg"\r\n\x1a'));
    expect(warnings).toEqual([]);
    expect(posts.map((p) => [p.label, p.line])).toEqual([
      ['#FLAGGA', 3],
      ['#FNAMN', 5],
    ]);
    expect(result.lines).toBe(6);
  });

  it('strips a UTF-8 byte order mark', async () => {
    const { posts, result } = await readAll(tmpFile('\uFEFF#FLAGGA 0\n#FNAMN "Åsa Lindqvist"\n', 'utf8'));
    expect(posts[0]?.label).toBe('#FLAGGA');
    expect(posts[1]?.fields).toEqual(['Åsa Lindqvist']);
    expect(result.encoding).toBe('utf8');
  });

  it('reads a file saved as UTF-16 (LE or BE, with or without a BOM) instead of refusing it (issue #8)', async () => {
    const text = '#FLAGGA 0\r\n#FNAMN "Märta Öberg"\r\n#OBJEKT 8 "1044" "Örjan Bäckström"\r\n';
    const le = Buffer.from(text, 'utf16le');
    const be = Buffer.from(le).swap16();
    for (const [bytes, encoding] of [
      [Buffer.concat([Buffer.from([0xff, 0xfe]), le]), 'utf16le'],
      [le, 'utf16le'],
      [Buffer.concat([Buffer.from([0xfe, 0xff]), be]), 'utf16be'],
      [be, 'utf16be'],
    ] as const) {
      const { posts, result, warnings } = await readAll(tmpFile(bytes));
      expect(warnings).toEqual([]);
      expect(result.encoding).toBe(encoding);
      expect(posts.map((p) => [p.label, p.fields, p.line])).toEqual([
        ['#FLAGGA', ['0'], 1],
        ['#FNAMN', ['Märta Öberg'], 2],
        ['#OBJEKT', ['8', '1044', 'Örjan Bäckström'], 3],
      ]);
    }
  });

  it('warns once, at its line, about bytes that are not UTF-8 in a UTF-8 file, but not about a U+FFFD the writer wrote', async () => {
    const bytes = Buffer.concat([
      Buffer.from('#FLAGGA 0\n#FNAMN "OJCO Ö AB"\n#PROSA "\uFFFD written by the program"\n', 'utf8'),
      Buffer.from('#OBJEKT 8 "1044" "M\xe4rta \xd6berg"\n#OBJEKT 8 "1045" "\xc5sa"\n', 'latin1'),
    ]);
    const { posts, result, warnings } = await readAll(tmpFile(bytes));
    expect(result.encoding).toBe('utf8');
    expect(posts).toHaveLength(5);
    expect(warnings.map((w) => [w.code, w.line])).toEqual([['sie.encoding-mixed', 4]]);
    expectNoValues(warnings[0]!.message);
    const clean = await readAll(tmpFile(Buffer.from('#FLAGGA 0\n#FNAMN "OJCO Ö AB"\n#PROSA "\uFFFD"\n', 'utf8')));
    expect(clean.warnings).toEqual([]);
  });

  it('reads a pure ASCII file and a last line without a line break', async () => {
    const { posts, result } = await readAll(tmpFile('#FLAGGA 0\n#FNAMN "OJCO International AB"'));
    expect(result.encoding).toBe('ascii');
    expect(posts[1]).toEqual({ label: '#FNAMN', fields: ['OJCO International AB'], line: 2 });
  });

  it('warns about odd but readable posts', async () => {
    const text = [
      '#FLAGGA 0',
      'stray text',
      '#VER A 1 20250101 "Märta Öberg"',
      '#VER A 2',
      '{',
      '#TRANS 1510 8000.00 20250101 "Märta Öberg"',
      '#TRANS 1930 {8} -8000.00',
      '#NYPOST "Märta Öberg"',
      '}',
      '}',
      '#KSUMMA 42',
      '',
    ].join('\n');
    const { vouchers, warnings } = await readAll(tmpFile(text));
    expect(warnings.map((w) => [w.code, w.line])).toEqual([
      ['sie.unknown-line', 2],
      ['sie.voucher-without-rows', 3],
      ['sie.field-missing', 4],
      ['sie.objects-missing', 6],
      ['sie.objects-odd', 7],
      ['sie.stray-brace', 10],
      ['sie.checksum', 11],
    ]);
    warnings.forEach((w) => expectNoValues(w.message));
    expect(vouchers[0]).toMatchObject({ line: 3, endLine: 3, transactions: [] });
    expect(vouchers[1]?.transactions[0]).toMatchObject({ account: '1510', objects: [], amount: '8000.00', date: '20250101', text: 'Märta Öberg' });
    expect(vouchers[1]?.transactions[1]?.objects).toEqual([{ dim: '8', obj: '' }]);
    // Unknown sub-posts are kept, not dropped: they may hold names too (spec §7.1).
    expect(vouchers[1]?.others).toEqual([{ label: '#NYPOST', fields: ['Märta Öberg'], line: 8 }]);
  });

  it('accepts a #KSUMMA written as a signed 32-bit number', async () => {
    // Picks content whose CRC has the top bit set, so that signed and unsigned differ.
    let inner: string[] = [];
    let crc = 0;
    for (let k = 1000; crc <= 0x7fffffff; k++) {
      inner = ['#FNAMN "Märta Öberg"', `#KONTO ${k} "Företagskonto"`];
      crc = sieChecksum(inner);
    }
    const text = ['#FLAGGA 0', '#KSUMMA', ...inner, `#KSUMMA ${crc | 0}`, ''].join('\n');
    expect(crc | 0).toBeLessThan(0);
    const { result } = await readAll(tmpFile(text));
    expect(result.checksum.status).toBe('ok');
  });

  it('accepts a #KSUMMA taken over the UTF-8 bytes of a UTF-8 file', async () => {
    const inner = ['#FNAMN "Märta Öberg"'];
    const text = ['#FLAGGA 0', '#KSUMMA', ...inner, `#KSUMMA ${sieChecksum(inner, 'utf8')}`, ''].join('\n');
    const { result } = await readAll(tmpFile(text, 'utf8'));
    expect(result.checksum).toMatchObject({ status: 'ok', basis: 'file-bytes' });
  });

  it('decodes a character and counts lines across the edge of a read', async () => {
    // Pads with #KONTO posts so that the two UTF-8 bytes of the file's first
    // non-ASCII character straddle byte SIE_CHUNK, the end of the first read.
    const row = '#KONTO 1930 "Bank"\n';
    const target = SIE_CHUNK;
    const prefix = '#OBJEKT 8 "1044" "M';
    let text = '#FLAGGA 0\n';
    let rows = 0;
    while (text.length + row.length + prefix.length < target - 40) {
      text += row;
      rows++;
    }
    const pad = target - text.length - prefix.length - 1;
    text += `#PROSA ${'x'.repeat(pad - 8)}\n`;
    text += `${prefix}ärta Öberg"\n#FNAMN "Åsa"\n`;
    const objLine = rows + 3;
    expect(Buffer.from(text, 'utf8').indexOf(Buffer.from('ä', 'utf8'))).toBe(target - 1);
    const { posts, result } = await readAll(tmpFile(text, 'utf8'));
    expect(posts.find((p) => p.label === '#OBJEKT')).toEqual({ label: '#OBJEKT', fields: ['8', '1044', 'Märta Öberg'], line: objLine });
    expect(posts.at(-1)).toEqual({ label: '#FNAMN', fields: ['Åsa'], line: objLine + 1 });
    expect(result.encoding).toBe('utf8');
    expect(result.replacementChars).toBe(0);
  });

  it('stops reading when the consumer stops', async () => {
    const gen = readSie(fixture('cp437-crlf.se'));
    const first = await gen.next();
    expect(first.value).toMatchObject({ type: 'post', post: { label: '#FLAGGA' } });
    await gen.return(undefined as never);
    expect((await gen.next()).done).toBe(true);
  });
});
