import { createHmac } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { suppressibleIdentifiers, suppressionKey, ERASURE_SUPPRESSION_KINDS } from '../../../src/core/plan/index.ts';
import { SECRET } from './helpers.ts';

describe('suppression keys (BK-2): keyed hashes, never the value', () => {
  it('is HMAC-SHA256 over "<kind>:<canonical value>" with the secret, in hex', () => {
    const expected = createHmac('sha256', SECRET).update('email:anna@mail.example').digest('hex');
    expect(suppressionKey('email', 'anna@mail.example', SECRET)).toBe(expected);
    // RFC 4231 test case 2 (key "Jefe"), with the kind as part of the message.
    expect(createHmac('sha256', 'Jefe').update('what do ya want for nothing?').digest('hex')).toBe('5bdcc146bf60754e6a042426089575c75a003f089d2739839dec58b964ec3843');
  });

  it('depends on the secret and separates kinds', () => {
    const other = new TextEncoder().encode('another-secret-of-enough-length!!');
    expect(suppressionKey('email', 'a@b.example', SECRET)).not.toBe(suppressionKey('email', 'a@b.example', other));
    expect(suppressionKey('userId', '42', SECRET)).not.toBe(suppressionKey('gaClientId', '42', SECRET));
  });

  it('refuses a short secret', () => {
    expect(() => suppressionKey('email', 'a@b.example', new Uint8Array(4))).toThrow(RangeError);
  });

  it('canonicalises and deduplicates identifiers; a sole trader\'s org.nr is a personnummer; role addresses and names are left out', () => {
    const ids = suppressibleIdentifiers(
      [
        { kind: 'email', value: 'Anna@Mail.Example ' },
        { kind: 'email', value: 'anna@mail.example' },
        { kind: 'email', value: 'info@ojco.example' },
        { kind: 'phone', value: '070-174 06 05' },
        { kind: 'phone', value: '+46701740605' },
        { kind: 'orgnr', value: '761105-9978' },
        { kind: 'orgnr', value: '556987-6542' },
        { kind: 'name', value: 'Anna Svensson' },
        { kind: 'ip', value: '203.0.113.5' },
      ],
      ERASURE_SUPPRESSION_KINDS,
    );
    expect(ids).toEqual([
      { kind: 'email', value: 'anna@mail.example' },
      { kind: 'phone', value: '+46701740605' },
      { kind: 'pnr', value: '197611059978' },
    ]);
  });
});
