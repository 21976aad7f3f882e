/**
 * A file whose records were read but that failed a check of being as
 * exported (a SIE file whose #KSUMMA does not match) is not a file that
 * could not be read: find and export say it as a warning of its own, and
 * count among the files not read only those whose records are missing.
 */
import { copyFileSync, readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { writeFileSync } from 'node:fs';
import { beforeAll, describe, expect, it } from 'vitest';
import { cli, ensureBuilt, ROOT, tempDir } from './cli-helpers.ts';

const AS_OF = '2025-05-16';
const BROKEN_SIE = path.join(ROOT, 'fixtures/visma/broken/sie');

beforeAll(async () => {
  await ensureBuilt();
}, 240_000);

/** A folder with the SIE file whose #KSUMMA is wrong and, with `cut`, the one cut off inside a voucher. */
function world(cut: boolean): string {
  const dir = tempDir('ojco-dsar-unverified-');
  copyFileSync(path.join(BROKEN_SIE, 'ksumma-fel.se'), path.join(dir, 'ksumma-fel.se'));
  let sources = 'sources:\n  - {name: sie-ksumma, connector: visma, path: ksumma-fel.se}\n';
  if (cut) {
    copyFileSync(path.join(BROKEN_SIE, 'kapad.se'), path.join(dir, 'kapad.se'));
    sources += '  - {name: sie-kapad, connector: visma, path: kapad.se}\n';
  }
  writeFileSync(path.join(dir, 'ojco-dsar.config.yaml'), sources);
  return dir;
}

describe('a file read in full whose #KSUMMA does not match', () => {
  it('find: a warning that names it, not "could not be read"; still exit 3, and the JSON marks it recordsRead', () => {
    const dir = world(false);
    // Her customer number: the SIE file holds it, not her e-mail.
    const r = cli(['find', '--customer-no', '1044', '--json'], { cwd: dir });
    expect(r.code, r.stderr).toBe(3);
    expect(r.json.skipped).toEqual([expect.objectContaining({ source: 'sie-ksumma', file: 'ksumma-fel.se', code: 'sie.checksum', recordsRead: true })]);
    // Its records are in the result.
    expect(r.json.records.some((x: { source: string }) => x.source === 'sie-ksumma')).toBe(true);
    expect(r.stderr).not.toMatch(/could not be read/u);
    expect(r.stderr).toMatch(/1 file\(s\) were read and their records are in the result, but failed a check/u);
    expect(r.stderr).toMatch(/sie-ksumma: ksumma-fel\.se:\d+ — #KSUMMA does not match/u);
    expect(r.stderr).not.toMatch(/Märta|marta\.oberg/u);

    // The terminal report says the same on stdout.
    const text = cli(['find', '--customer-no', '1044'], { cwd: dir });
    expect(text.code).toBe(3);
    expect(text.stdout).not.toMatch(/Could not read/u);
    expect(text.stdout).toMatch(/Read, but failed a check that it is as exported/u);
    expect(text.stderr).not.toMatch(/could not be read/u);
  });

  it('a plan names it as read but unverified (source.unverified), not as a file it does not cover; a cut file stays source.not-read', () => {
    for (const cut of [false, true]) {
      const dir = world(cut);
      const r = cli(['erase', '--customer-no', '1044', '--as-of', AS_OF, '--dry-run', '--yes', '--json'], { cwd: dir, env: { OJCO_DSAR_TODAY: AS_OF } });
      expect(r.code, r.stderr).toBe(3);
      const codes = (r.json.warnings as { code: string; message: string }[]).filter((w) => w.code.startsWith('source.'));
      expect(codes.filter((w) => w.code === 'source.unverified').map((w) => w.message)).toEqual([expect.stringMatching(/^ksumma-fel\.se:\d+ \(source sie-ksumma\) was read and its records are planned/u)]);
      expect(codes.filter((w) => w.code === 'source.not-read').map((w) => w.message)).toEqual(cut ? [expect.stringMatching(/^kapad\.se:\d+ \(source sie-kapad\) could not be read/u)] : []);
    }
  });

  it('find and export: beside a file cut off, only the cut one is counted as not read', () => {
    const dir = world(true);
    const r = cli(['find', '--email', 'marta.oberg@mail.example', '--json'], { cwd: dir });
    expect(r.code, r.stderr).toBe(3);
    expect(r.stderr).toContain('1 file(s) could not be read; the other sources were searched (exit code 3):');
    expect(r.stderr).toMatch(/sie-kapad: kapad\.se:\d+/u);
    expect(r.stderr).toMatch(/1 file\(s\) were read and their records are in the result/u);

    const out = path.join(dir, 'out');
    const x = cli(['export', '--email', 'marta.oberg@mail.example', '--out', out, '--format', 'json', '--as-of', AS_OF, '--json'], { cwd: dir });
    expect(x.code, x.stderr).toBe(3);
    expect(x.stderr).toContain('1 file(s) could not be read; the extract names their sources, and the other sources were searched (exit code 3):');
    expect(x.stderr).toMatch(/1 file\(s\) were read and their records are in the result/u);
    // The extract and export --json: only the cut file is not read; the other is unverified.
    expect(x.json.notRead).toEqual([expect.objectContaining({ source: 'sie-kapad', code: 'sie.malformed' })]);
    expect(x.json.unverified).toEqual([expect.objectContaining({ source: 'sie-ksumma', file: 'ksumma-fel.se', code: 'sie.checksum' })]);
    const extract = JSON.parse(readFileSync(path.join(out, readdirSync(out).find((f) => f.endsWith('.json'))!), 'utf8'));
    expect(extract.notRead.map((n: { source: string }) => n.source)).toEqual(['sie-kapad']);
    expect(extract.unverified).toEqual([{ source: 'sie-ksumma', reason: expect.stringMatching(/#KSUMMA does not match/u) }]);
  });

  it('export: the extract does not call it unread, nor promise to come back for it; it says the checksum did not match', () => {
    const dir = world(false);
    const out = path.join(dir, 'out');
    const x = cli(['export', '--customer-no', '1044', '--out', out, '--format', 'html,json', '--as-of', AS_OF, '--json'], { cwd: dir });
    expect(x.code, x.stderr).toBe(3);
    // export --json: not in notRead; named in unverified, with find's names.
    expect(x.json.notRead).toEqual([]);
    expect(x.json.unverified).toEqual([expect.objectContaining({ source: 'sie-ksumma', file: 'ksumma-fel.se', code: 'sie.checksum', reason: expect.stringMatching(/#KSUMMA/u) })]);
    const files = readdirSync(out);
    const extract = JSON.parse(readFileSync(path.join(out, files.find((f) => f.endsWith('.json'))!), 'utf8'));
    expect(extract.notRead).toEqual([]);
    expect(extract.unverified).toEqual([{ source: 'sie-ksumma', reason: expect.stringMatching(/#KSUMMA does not match/u) }]);
    // Its records are in the letter.
    expect(extract.records.some((r: { source: string }) => r.source === 'sie-ksumma')).toBe(true);
    const html = readFileSync(path.join(out, files.find((f) => f.endsWith('.html'))!), 'utf8');
    expect(html).not.toContain('kunde inte läsas');
    expect(html).not.toContain('vi återkommer');
    expect(html).toContain('Alla filer kunde läsas.');
    expect(html).toContain('men en kontrollsumma i filen stämde inte');
    expect(html).toContain('<td>sie-ksumma</td>');
    expect(html).not.toContain('ksumma-fel.se');
  });
});
