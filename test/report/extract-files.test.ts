import { describe, expect, it } from 'vitest';
import { csvFileNames, extractBaseName, SHEET_NAME_MAX, sheetNames, slug } from '../../src/report/extract-files.ts';

describe('file and sheet names of the extract', () => {
  it('names the files by language and date', () => {
    expect(extractBaseName('sv', '2025-05-16')).toBe('registerutdrag-2025-05-16');
    expect(extractBaseName('en', '2025-05-16')).toBe('register-extract-2025-05-16');
  });

  it('slugs system names to lower-case ASCII', () => {
    expect(slug('Bokföringen (SIE-export från Visma)')).toBe('bokforingen-sie-export-fran-visma');
    expect(slug('Office 365 (loggar över e-posttrafik)')).toBe('office-365-loggar-over-e-posttrafik');
    expect(slug('Ærø Straße')).toBe('aero-strasse');
    expect(slug('../../etc/passwd')).toBe('etc-passwd');
    expect(slug('???')).toBe('system');
  });

  it('keeps CSV names unique when two systems share a slug', () => {
    expect([...csvFileNames(['Lime CRM', 'Lime-CRM', 'lime crm'], 'r').values()]).toEqual(['r-lime-crm.csv', 'r-lime-crm-2.csv', 'r-lime-crm-3.csv']);
  });

  it("follows Excel's rules for sheet names", () => {
    const names = sheetNames(['Bokföringen (SIE-export från Visma)', 'Bokföringen (SIE-export från Visma) 2', 'a/b:c?[d]*', "'quoted'", 'Summary'], ['Summary', 'History']);
    const v = [...names.values()];
    for (const n of v) {
      expect(n.length).toBeLessThanOrEqual(SHEET_NAME_MAX);
      expect(n).not.toMatch(/[:\\/?*[\]]|^'|'$/u);
    }
    expect(new Set(v.map((n) => n.toLowerCase())).size).toBe(v.length);
    expect(v[0]).toBe('Bokföringen (SIE-export från Vi');
    expect(v[1]).toBe('Bokföringen (SIE-export frå (2)');
    expect(v[4]).toBe('Summary (2)');
  });
});
