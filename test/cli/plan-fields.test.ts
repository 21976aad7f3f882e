/**
 * Which fields of a record a plan changes, end to end on the fixture world
 * (the built CLI, the real connectors and their field descriptions):
 *
 * - an anonymised row keeps no part of the person's name (AN-2), and a name
 *   rectification sets every name field consistently (RE-1);
 * - class S keeps what the retained invoices print, an address written on
 *   two lines of one cell included, and treats an org.nr alike in every
 *   copy of the customer list (legal-rules.md §4.2);
 * - an objection to marketing or a consent withdrawal turns off the consent
 *   flags of a customer card kept for the accounts (Art. 21(3), Art. 7(3), DM-1).
 */
import path from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { cli, ensureBuilt, ROOT, tempDir, type CliResult } from './cli-helpers.ts';

const CONFIG = path.join(ROOT, 'fixtures', 'ojco-dsar.config.yaml');
const AS_OF = '2025-05-16';
const T = 120_000;

interface Action {
  source: string;
  locator: { file: string; row?: number; line?: number; pointer?: string; sheet?: string };
  action: string;
  primary: boolean;
  rule: string;
  entity?: string;
  label?: string;
  fields?: Record<string, unknown>;
}
interface Plan {
  actions: Action[];
  unaffected: { source: string; locator: Action['locator']; label?: string }[];
  warnings: { code: string; message: string }[];
}
interface FoundRecord {
  source: string;
  locator: Action['locator'];
  fields: Record<string, unknown>;
}

const run = (args: string[]): CliResult => cli(args, { cwd: tempDir('ojco-plan-fields-') });
const plan = (args: string[]): Plan => {
  const r = run([...args, '--config', CONFIG, '--as-of', AS_OF, '--json', '--yes', '--dry-run']);
  expect(r.code, r.stderr).toBe(0);
  return r.json as Plan;
};
const at = (a: { source: string; locator: Action['locator'] }): string => `${a.source} ${a.locator.file}${a.locator.pointer ?? ''}${a.locator.sheet ? `[${a.locator.sheet}]` : ''}${a.locator.row !== undefined ? ` row ${a.locator.row}` : ''}`;
const one = (p: Plan, source: string, file: string, row?: number): Action => {
  const found = p.actions.filter((a) => a.primary && a.source === source && a.locator.file === file && (row === undefined || a.locator.row === row));
  expect(found, `${source} ${file}`).toHaveLength(1);
  return found[0]!;
};
/** Text without case and diacritics, to look for a name in a value. */
const fold = (s: string): string => s.normalize('NFD').replace(/\p{M}/gu, '').toLowerCase();

beforeAll(async () => {
  await ensureBuilt();
}, 240_000);

describe('AN-2: an anonymised row keeps no part of the name', () => {
  it(
    "erase Märta: her Lime person and the client export's row lose first name, last name and display name alike",
    () => {
      const p = plan(['erase', '--email', 'marta.oberg@mail.example']);
      for (const file of ['lime/api/person-1003.json', 'lime/api/persons-page-1.json']) {
        const a = one(p, 'lime-api', file);
        expect(a.action).toBe('anonymise');
        expect(a.fields).toMatchObject({ firstname: 'PersonX', lastname: 'X-SON', name: 'PersonX X-SON', _descriptive: 'PersonX X-SON' });
      }
      const row = one(p, 'lime-export', 'lime/client-export/personer.xlsx', 4);
      expect(row.action).toBe('anonymise');
      expect(row.fields).toMatchObject({ Förnamn: 'PersonX', Efternamn: 'X-SON' });

      // Whatever the field is called: no field of an anonymised row still holds a part of her name.
      const found = run(['find', '--config', CONFIG, '--email', 'marta.oberg@mail.example', '--json']).json.records as FoundRecord[];
      const anonymised = p.actions.filter((a) => a.action === 'anonymise' && a.entity === 'person');
      expect(anonymised.length).toBeGreaterThanOrEqual(3);
      for (const a of anonymised) {
        const rec = found.find((r) => at(r) === at(a))!;
        for (const [k, v] of Object.entries(rec.fields)) {
          if (typeof v !== 'string' || !/\b(marta|oberg)\b/u.test(fold(v))) continue;
          if (/e-?post|email/iu.test(k)) continue; // the e-mail address has its own replacement
          expect(a.fields, `${at(a)} keeps ${k}`).toHaveProperty([k]);
        }
      }
    },
    T,
  );
});

describe('RE-1: a rectified name is set in every name field, consistently', () => {
  it(
    'rectify --set name: the last name changes wherever it stands on its own, and the client export is no longer "unaffected"',
    () => {
      const p = plan(['rectify', '--pnr', '19920728-9969', '--set', 'name=Märta Nyström']);
      for (const file of ['lime/api/person-1003.json', 'lime/api/persons-page-1.json']) {
        expect(one(p, 'lime-api', file).fields).toEqual({
          _descriptive: { from: 'Märta Öberg', to: 'Märta Nyström' },
          name: { from: 'Märta Öberg', to: 'Märta Nyström' },
          lastname: { from: 'Öberg', to: 'Nyström' },
        });
      }
      expect(one(p, 'lime-export', 'lime/client-export/personer.xlsx', 4).fields).toEqual({ Efternamn: { from: 'Öberg', to: 'Nyström' } });
      expect(p.unaffected.map(at)).not.toContain('lime-export lime/client-export/personer.xlsx[Personer] row 4');
      // Every rectified record: no field that holds her last name alone is left with it.
      for (const a of p.actions.filter((x) => x.action === 'rectify')) {
        for (const [k, d] of Object.entries(a.fields!) as [string, { from: string | null; to: string }][]) {
          if (d.from === 'Öberg') expect(d.to, `${at(a)} ${k}`).toBe('Nyström');
          if (d.from === 'Märta') throw new Error(`${at(a)} changes the unchanged first name in ${k}`);
        }
      }
      // Two words split plainly: nothing to warn about.
      expect(p.warnings.map((w) => w.code)).not.toContain('rectify.name-split');
    },
    T,
  );

  it(
    'a name whose split is a guess is split the same way everywhere, and the plan says so',
    () => {
      const p = plan(['rectify', '--pnr', '19920728-9969', '--set', 'name=Märta Eva Nyström']);
      expect(p.warnings.map((w) => w.code)).toContain('rectify.name-split');
      expect(one(p, 'lime-api', 'lime/api/person-1003.json').fields).toMatchObject({ firstname: { to: 'Märta Eva' }, lastname: { to: 'Nyström' } });
      expect(one(p, 'lime-export', 'lime/client-export/personer.xlsx', 4).fields).toEqual({ Förnamn: { from: 'Märta', to: 'Märta Eva' }, Efternamn: { from: 'Öberg', to: 'Nyström' } });
      const outlook = one(p, 'outlook-classic', 'office365/outlook/classic/Kontakter.CSV');
      expect(outlook.fields).toMatchObject({ 'First Name': { to: 'Märta Eva' }, 'Last Name': { to: 'Nyström' }, Initials: { from: 'M.Ö.', to: 'M.E.N.' } });
    },
    T,
  );
});

describe('§4.2 class S: the customer card keeps what the retained invoices print', () => {
  it(
    "erase Örjan: the list's two-line invoice address (and its postcode and city) stay, and every copy of the card clears its org.nr",
    () => {
      const p = plan(['erase', '--orgnr', '761105-9978']);
      const csv = one(p, 'kundlista', 'visma/customer-list/kunder.csv');
      const xlsx = one(p, 'kundlista', 'visma/customer-list/kunder.xlsx');
      const spiris = one(p, 'spiris-api', 'visma/api/customers-page1.json');
      const dbf = one(p, 'visma-administration', 'visma/administration/KUND.DBF');
      for (const a of [csv, xlsx, spiris, dbf]) expect(a.action, at(a)).toBe('retain');
      // Ängelholmsvägen 3 / c/o Bäckström / 254 40 Helsingborg is on invoices 2024312 and 2019021.
      for (const f of ['Fakturaadress', 'Postnummer', 'Ort']) expect(csv.fields, f).not.toHaveProperty([f]);
      for (const f of ['Fakturaadress', 'Postnummer', 'Ort']) expect(xlsx.fields, f).not.toHaveProperty([f]);
      expect(spiris.fields).not.toHaveProperty('InvoiceAddress1');
      expect(dbf.fields).not.toHaveProperty('POSTADR');
      // His personnummer as the firm's org.nr is on no retained document: cleared in every copy alike.
      expect(csv.fields).toHaveProperty(['Organisationsnummer/Personnummer'], null);
      expect(xlsx.fields).toHaveProperty(['Organisationsnummer'], null);
      expect(spiris.fields).toHaveProperty(['CorporateIdentityNumber'], null);
      expect(dbf.fields).toHaveProperty(['ORGNR'], null);
    },
    T,
  );
});

describe('DM-1: marketing stops in the customer register too', () => {
  for (const [what, args] of [
    ['object --marketing', ['object', '--orgnr', '761105-9978', '--marketing']],
    ['withdraw-consent', ['withdraw-consent', '--orgnr', '761105-9978']],
  ] as const) {
    it(
      `${what}: Visma Administration's "accepts marketing by e-mail" flag is turned off; the card and the invoices are otherwise kept`,
      () => {
        const p = plan([...args]);
        const dbf = one(p, 'visma-administration', 'visma/administration/KUND.DBF', 2);
        expect(dbf).toMatchObject({ action: 'unsubscribe', rule: 'DM-1', fields: { REKL_EPOST: { from: 'T', to: 'F' } } });
        expect(Object.keys(dbf.fields!)).toEqual(['REKL_EPOST']);
        expect(p.unaffected.map(at)).not.toContain('visma-administration visma/administration/KUND.DBF row 2');
        // Invoices, and the cards without a marketing flag, are untouched.
        expect(p.unaffected.map((u) => u.label)).toEqual(expect.arrayContaining(['Faktura 2024312', 'Faktura 2019021', 'Kund 1043 Bäckström Konsult']));
        expect(p.actions.filter((a) => a.label?.startsWith('Faktura'))).toEqual([]);
      },
      T,
    );
  }
});

describe("rectify --set address on a B2B contact: her company's address stays", () => {
  it(
    "Åsa Lindqvist's Outlook and Graph cards keep Lindqvist Bygg AB's business address, and the plan says why",
    () => {
      const p = plan(['rectify', '--email', 'asa.lindqvist@lindqvistbygg.example', '--set', 'address=Nygatan 1, 211 22 Malmö']);
      // No field of a business address is changed anywhere (Outlook's Business Street/Postal Code/City, Graph's businessAddress/*).
      for (const a of p.actions.filter((x) => x.action === 'rectify')) {
        for (const f of Object.keys(a.fields ?? {})) expect(f, at(a)).not.toMatch(/^business|^Business /u);
      }
      // The cards are listed as unaffected with the reason, and the plan warns once.
      const cards = p.unaffected.filter((u) => ['outlook-classic', 'outlook-com', 'graph-contacts'].includes(u.source)).map((u) => (u as { reason?: string }).reason);
      expect(cards.length).toBeGreaterThanOrEqual(3);
      for (const reason of cards) expect(reason).toMatch(/business address of the company/u);
      expect(p.warnings.filter((w) => w.code === 'rectify.company-address')).toHaveLength(1);
    },
    T,
  );
});
