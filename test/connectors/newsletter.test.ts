import path from 'node:path';
import { describe, expect, it } from 'vitest';
import connector from '../../connectors/newsletter/index.ts';
import { readHead } from '../../src/io/files.ts';
import { FIXTURES, find, where } from '../helpers.ts';

const CONFIG = path.join(FIXTURES, 'newsletter/ojco-dsar.config.yaml');

describe('newsletter connector: real pipeline on its fixtures', () => {
  it('finds P3 Märta Öberg by e-mail in both audiences, the ZIP and the campaign activity', async () => {
    const d = await find(CONFIG, { email: ['marta.oberg@mail.example'] });
    expect(d.skipped).toEqual([]);
    expect(where(d, 'exact')).toEqual([
      'mailchimp-activity campaign-activity/email-activity-42694e9e57.json/emails/0',
      'mailchimp-kurser members_export_9e8d7c6b5a/subscribed_members_export_9e8d7c6b5a.csv kurser-audience-export.zip:2',
      'mailchimp-nyhetsbrev nyhetsbrev/subscribed_members_export_4f2a9c81d0.csv:2',
    ]);
    // The namesake without diacritics and with another address is only "possible".
    expect(where(d, 'possible')).toEqual(['mailchimp-nyhetsbrev nyhetsbrev/subscribed_members_export_4f2a9c81d0.csv:7']);
    const member = d.records.find((r) => r.locator.line === 2 && r.source === 'mailchimp-nyhetsbrev')!;
    expect(member.fields).toMatchObject({ 'First Name': 'Märta', OPTIN_IP: '203.0.113.55', status: 'subscribed', TAGS: '"Kunder","Helsingborg"' });
    expect(member.date).toBe('2023-03-02');
  });

  it('reads status from the file name, an upper-case address, a BOM and a quoted newline', async () => {
    const d = await find(CONFIG, { email: ['asa.lindqvist@lindqvistbygg.example'] });
    const member = d.records.find((r) => r.source === 'mailchimp-nyhetsbrev')!;
    expect(member.confidence).toBe('exact');
    expect(member.locator).toEqual({ file: 'nyhetsbrev/subscribed_members_export_4f2a9c81d0.csv', line: 3, row: 2 });
    expect(member.fields.NOTES).toBe('Via mässa Malmö\nVill ha inbjudan till höstens kurs');
    expect(member.fields['Email Address']).toBe('ASA.LINDQVIST@LINDQVISTBYGG.EXAMPLE');
    // The soft bounce in the campaign activity is hers too.
    expect(where(d, 'exact')).toContain('mailchimp-activity campaign-activity/email-activity-42694e9e57.json/emails/2');
  });

  it('finds P2 in the unsubscribed file and gives the status', async () => {
    const d = await find(CONFIG, { phone: ['+46 70 174 06 12'], email: ['orjan@backstromkonsult.example'] });
    const r = d.records.filter((x) => x.confidence === 'exact');
    expect(r).toHaveLength(1);
    expect(r[0]!.fields).toMatchObject({ status: 'unsubscribed', UNSUB_REASON: 'I no longer want to receive these emails' });
    // Dated by the unsubscription (UNSUB_TIME), not the opt-in of 2021: what is kept after it counts from then.
    expect(r[0]!.date).toBe('2024-09-10');
  });

  it('finds P4 by any phone notation, in the APSIS export (Windows-1252, ;) and in the ZIP', async () => {
    for (const phone of ['070-174 06 47', '+46701740647', '0046701740647']) {
      const d = await find(CONFIG, { phone: [phone] });
      expect(where(d, 'exact')).toEqual([
        'apsis apsis/profiles-export.csv:2',
        'mailchimp-kurser members_export_9e8d7c6b5a/nonsubscribed_members_export_9e8d7c6b5a.csv kurser-audience-export.zip:2',
        'mailchimp-nyhetsbrev nyhetsbrev/subscribed_members_export_4f2a9c81d0.csv:5',
      ]);
      const apsis = d.records.find((r) => r.source === 'apsis')!;
      expect(apsis.fields['First name']).toBe('Jörgen');
      // The e-mail learned from the phone match leads to the ZIP, where he is non-subscribed without a phone.
      const linked = d.records.find((r) => r.source === 'mailchimp-kurser')!;
      expect(linked.confidence).toBe('exact');
      expect(linked.fields.status).toBe('nonsubscribed');
      expect(linked.path.length).toBeGreaterThan(0);
    }
  });

  it('does not follow a switchboard number shared with a colleague', async () => {
    // Per Lindqvist's row carries the company switchboard; a search by it finds him, not Åsa.
    const d = await find(CONFIG, { phone: ['040-628 04 10'] });
    expect(d.records.map((r) => r.fields['First Name'])).toEqual(['Per']);
  });

  it('an IP address alone is only "possible"', async () => {
    const d = await find(CONFIG, { ip: ['203.0.113.55'] });
    expect(d.records.length).toBeGreaterThan(0);
    expect(new Set(d.records.map((r) => r.confidence))).toEqual(new Set(['possible']));
  });

  it('detects each format from the content', async () => {
    const detect = async (rel: string): Promise<string | undefined> => {
      const abs = path.join(FIXTURES, 'newsletter', rel);
      const head = await readHead(abs);
      return connector.detect({ name: rel, head, size: head.length })?.format;
    };
    expect(await detect('nyhetsbrev/subscribed_members_export_4f2a9c81d0.csv')).toBe('mailchimp-csv');
    expect(await detect('kurser-audience-export.zip')).toBe('mailchimp-zip');
    expect(await detect('campaign-activity/email-activity-42694e9e57.json')).toBe('mailchimp-activity');
    expect(await detect('apsis/profiles-export.csv')).toBe('mapped-csv');
    expect(await detect('beehiiv/subscribers_export.csv')).toBe('mapped-csv');
  });

  it('reads a beehiiv export without options: its columns say it is one (name, status, sign-up date)', async () => {
    const d = await find(CONFIG, { email: ['karin.holm@mail.example'] });
    expect(d.skipped).toEqual([]);
    const row = d.records.find((r) => r.source === 'beehiiv')!;
    expect(row).toMatchObject({ confidence: 'exact', label: 'beehiiv member (active)', date: '2024-02-11', locator: { file: 'beehiiv/subscribers_export.csv', line: 2, row: 1 } });
    expect(row.matchedOn).toEqual([
      { kind: 'email', field: 'email', via: 'given' },
      { kind: 'name', field: 'First Name + Last Name', via: 'name' },
    ]);
    // Her name, written with stray spaces, is the name the APSIS profile has (one learned name, not two).
    expect(d.subject.knownBy.filter((k) => k.kind === 'name')).toEqual([{ kind: 'name', value: 'holm karin', origin: 'link' }]);
    const sven = await find(CONFIG, { email: ['sven.svensson@mail.example'] });
    expect(sven.records.find((r) => r.source === 'beehiiv')).toMatchObject({ label: 'beehiiv member (inactive)', fields: { stripe_customer_id: 'cus_Q2x9AbCdEf0123', unsubscribed_at: '2025-03-01 08:00:00 UTC' } });
  });
});

describe('a member list that is not recognised as Mailchimp', () => {
  it('says so, and that the e-mail column must be set, instead of claiming the column is missing', async () => {
    const { mkdtempSync, writeFileSync } = await import('node:fs');
    const os = await import('node:os');
    const dir = mkdtempSync(path.join(os.tmpdir(), 'ojco-nl-'));
    writeFileSync(path.join(dir, 'members.csv'), 'Email Address,First Name\nx@example.se,X\n');
    writeFileSync(path.join(dir, 'c.yaml'), 'sources:\n  - name: nl\n    connector: newsletter\n    path: members.csv\n');
    const d = await find(path.join(dir, 'c.yaml'), { email: ['x@example.se'] });
    expect(d.skipped).toEqual([expect.objectContaining({ code: 'newsletter.no-email-column', line: 1 })]);
    expect(d.skipped[0]!.message).toMatch(/not recognised as a Mailchimp export .*set options\.columns\.email/u);
    // Told which column holds the address, it reads the file.
    writeFileSync(path.join(dir, 'c.yaml'), 'sources:\n  - name: nl\n    connector: newsletter\n    path: members.csv\n    options:\n      columns:\n        email: Email Address\n');
    const ok = await find(path.join(dir, 'c.yaml'), { email: ['x@example.se'] });
    expect(ok.skipped).toEqual([]);
    expect(ok.records.length).toBe(1);
  });
});

describe('a Mailchimp export renamed by hand', () => {
  it('takes its status from its own columns when the name does not say it (unsubscribed, cleaned); a subscribed-looking file stays without one', async () => {
    const { mkdtempSync, writeFileSync, mkdirSync } = await import('node:fs');
    const os = await import('node:os');
    const dir = mkdtempSync(path.join(os.tmpdir(), 'ojco-nl-'));
    mkdirSync(path.join(dir, 'nl'));
    const base = 'Email Address,First Name,Last Name,MEMBER_RATING,OPTIN_TIME,OPTIN_IP,CONFIRM_TIME,CONFIRM_IP,LATITUDE,LONGITUDE,GMTOFF,DSTOFF,TIMEZONE,CC,REGION';
    writeFileSync(path.join(dir, 'nl', 'mailchimp_gone.csv'), `${base},UNSUB_TIME,UNSUB_CAMPAIGN_TITLE,UNSUB_CAMPAIGN_ID,UNSUB_REASON,UNSUB_REASON_OTHER,LEID,EUID,NOTES,TAGS\nx@example.se,X,Y,2,,,,,,,,,,,,2024-01-02 10:00:00,,,,,1,abc,,\n`);
    writeFileSync(path.join(dir, 'nl', 'mailchimp_bounced.csv'), `${base},CLEAN_TIME,CLEAN_CAMPAIGN_TITLE,CLEAN_CAMPAIGN_ID,LEID,EUID,NOTES,TAGS\nx@example.se,X,Y,2,,,,,,,,,,,,2024-01-03 10:00:00,,,2,abd,,\n`);
    writeFileSync(path.join(dir, 'nl', 'mailchimp_members.csv'), `${base},LAST_CHANGED,LEID,EUID,NOTES,TAGS\nx@example.se,X,Y,2,,,,,,,,,,,,2024-01-04 10:00:00,3,abe,,\n`);
    writeFileSync(path.join(dir, 'c.yaml'), 'sources:\n  - name: nl\n    connector: newsletter\n    path: nl\n');
    for (const prefilter of [true, false]) {
      const d = await find(path.join(dir, 'c.yaml'), { email: ['x@example.se'] }, { prefilter });
      expect(d.skipped).toEqual([]);
      expect(d.records.map((r) => `${path.basename(r.locator.file)} ${r.label}`).sort()).toEqual([
        'mailchimp_bounced.csv Mailchimp member (cleaned)',
        'mailchimp_gone.csv Mailchimp member (unsubscribed)',
        'mailchimp_members.csv Mailchimp member',
      ]);
    }
  });
});
