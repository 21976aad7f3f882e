import { describe, expect, it } from 'vitest';
import { Matcher, namesCompatible, type SubjectQuery } from '../../../src/core/match/matcher.ts';
import type { RawIdentifier, SourceRecord } from '../../../src/core/record.ts';
import { foldName } from '../../../src/core/identity/normalise.ts';

let line = 0;
function rec(entity: string, identifiers: RawIdentifier[], extra: Partial<SourceRecord> = {}): SourceRecord {
  line++;
  return { entity, locator: { file: 'test.csv', line }, fields: {}, identifiers, ...extra };
}
const id = (kind: RawIdentifier['kind'], value: string, holder?: string): RawIdentifier => ({ kind, value, field: kind, ...(holder ? { holder } : {}) });

function run(subjects: SubjectQuery[], records: SourceRecord[], passes = 1) {
  const m = new Matcher(subjects);
  for (let p = 0; p < passes; p++) for (const r of records) m.offer(0, r);
  return m.finish();
}
const one = (q: SubjectQuery['identifiers'], records: SourceRecord[], passes = 1) => run([{ id: 's', identifiers: q }], records, passes)[0]!;
const graded = (r: ReturnType<typeof one>) => r.records.map((x) => `${x.record.entity}:${x.confidence}`).sort();

describe('matcher', () => {
  it('grades a unique identifier exact, in any notation', () => {
    const r = one([{ kind: 'phone', value: '+46701740605' }], [rec('person', [id('phone', '070-174 06 05')]), rec('other', [id('phone', '070-174 06 06')])]);
    expect(graded(r)).toEqual(['person:exact']);
  });

  it("follows a natural person's identifiers as links, with the path", () => {
    const customer = rec('customer', [id('email', 'MARTA@x.example'), id('customerNo', '1044')]);
    const invoice = rec('invoice', [id('customerNo', '1044')], { holders: { self: { scope: 'organisation' } } });
    const r = one([{ kind: 'email', value: 'marta@x.example' }], [customer, invoice]);
    expect(graded(r)).toEqual(['customer:exact', 'invoice:exact']);
    const inv = r.records.find((x) => x.record.entity === 'invoice')!;
    expect(inv.evidence.map((e) => e.via)).toEqual(['link']);
    expect(inv.path).toEqual([{ source: 0, locator: customer.locator, kind: 'customerNo', field: 'customerNo' }]);
  });

  it('finds records read before the link was learned when they are offered again (a later round)', () => {
    const invoice = rec('invoice', [id('customerNo', '1044')]);
    const customer = rec('customer', [id('email', 'marta@x.example'), id('customerNo', '1044')]);
    expect(graded(one([{ kind: 'email', value: 'marta@x.example' }], [invoice, customer], 1))).toEqual(['customer:exact']);
    expect(graded(one([{ kind: 'email', value: 'marta@x.example' }], [invoice, customer], 2))).toEqual(['customer:exact', 'invoice:exact']);
  });

  it("takes a given customer number that only a company holds as the company's, as a given org.nr: context for her name, and the company's colleagues and invoices at most possible", () => {
    const company = { holders: { self: { scope: 'organisation' as const } } };
    const card = rec('customer', [id('customerNo', '1042'), id('company', 'Lindqvist Bygg AB'), id('name', 'Åsa Lindqvist', 'contact')], company);
    const colleague = rec('contact', [id('customerNo', '1042', 'company'), id('name', 'Per Lindqvist')], { holders: { self: { scope: 'person' }, company: { scope: 'organisation' } } });
    const otherInvoice = rec('invoice', [id('customerNo', '1042'), id('name', 'Per Lindqvist', 'reference')], company);
    const r = one([{ kind: 'name', value: 'Åsa Lindqvist' }, { kind: 'customerNo', value: '1042' }], [card, colleague, otherInvoice]);
    expect(r.records.filter((x) => x.confidence === 'exact')).toEqual([]);
    // Her name on the company's card, the number beside it: probable. A colleague's row and another invoice are left
    // for the officer to confirm. The number is reported as an organisation's.
    expect(graded(r).sort()).toEqual(['contact:possible', 'customer:probable', 'invoice:possible']);
    expect(r.shared).toEqual([expect.objectContaining({ kind: 'customerNo', value: '1042', reason: 'organisation', given: true })]);
    // One person holder of the number (a sole trader's card beside a SIE file that calls the firm a company): it is hers everywhere.
    const soleTrader = rec('customer', [id('customerNo', '1042'), id('name', 'Åsa Lindqvist')], { holders: { self: { scope: 'person' } } });
    expect(graded(one([{ kind: 'customerNo', value: '1042' }], [soleTrader, otherInvoice]))).toEqual(['customer:exact', 'invoice:exact']);
    // A private customer's number is hers: exact.
    const own = rec('customer', [id('customerNo', '1044'), id('name', 'Märta Öberg')], { holders: { self: { scope: 'person' } } });
    expect(graded(one([{ kind: 'customerNo', value: '1044' }], [own]))).toEqual(['customer:exact']);
  });

  it('learns nothing from the first card that holds a given number that turns out to be shared (a switchboard on two cards)', () => {
    const karin = rec('contact', [id('phone', '012-13 20 00'), id('name', 'Karin Nilsson'), id('phone', '070-139 00 01')]);
    const ake = rec('contact', [id('phone', '012-13 20 00'), id('name', 'Åke Pettersson')]);
    const karinsMobile = rec('member', [id('phone', '070-139 00 01')]);
    const r = one([{ kind: 'phone', value: '012-13 20 00' }], [karin, ake, karinsMobile]);
    expect(r.records.filter((x) => x.confidence === 'exact')).toEqual([]);
    expect(r.knownBy.map((k) => k.origin)).toEqual(['given']);
    expect(r.records.some((x) => x.record === karinsMobile)).toBe(false);
  });

  it("does not follow an organisation's identifiers; they confirm a name match as probable", () => {
    const contact = rec('customer', [id('company', 'Lindqvist Bygg AB'), id('customerNo', '1042'), id('email', 'asa@lb.example', 'contact'), id('name', 'Åsa Lindqvist', 'contact')], {
      holders: { self: { scope: 'organisation' } },
    });
    const invoiceNamingHer = rec('invoice', [id('customerNo', '1042'), id('name', 'Åsa Lindqvist', 'reference')], { holders: { self: { scope: 'organisation' } } });
    const otherInvoice = rec('invoice', [id('customerNo', '1042'), id('name', 'Per Lindqvist', 'reference')], { holders: { self: { scope: 'organisation' } } });
    const r = one([{ kind: 'email', value: 'asa@lb.example' }], [contact, invoiceNamingHer, otherInvoice]);
    expect(graded(r)).toEqual(['customer:exact', 'invoice:probable']);
  });

  it('name alone is possible; diacritics-insensitive name too; a namesake with another personnummer is excluded', () => {
    const r = one(
      [
        { kind: 'name', value: 'Märta Öberg' },
        { kind: 'pnr', value: '19920728-9969' },
      ],
      [
        rec('member', [id('name', 'Märta Öberg')]),
        rec('member', [id('name', 'Marta Oberg')]),
        rec('customer', [id('name', 'Märta Öberg'), id('pnr', '19650405-9988')]),
      ],
    );
    expect(graded(r)).toEqual(['member:possible', 'member:possible']);
    expect(r.records.map((x) => x.evidence[0]!.via).sort()).toEqual(['name', 'name-base']);
    expect(r.namesakesExcluded).toBe(1);
  });

  it('a name of more than two finds records with only its first and last names, or with others between: possible, even with context', () => {
    // Her company's customer number: context that makes her whole name probable on its invoices.
    const q = (name: string) => [{ kind: 'name' as const, value: name }, { kind: 'customerNo' as const, value: '1042' }];
    const invoice = (entity: string, name: string) => rec(entity, [id('customerNo', '1042'), id('name', name, 'reference')], { holders: { self: { scope: 'organisation' } } });
    const cards = [
      invoice('middle', 'Eva Maria von Essen'),
      rec('no-particle', [id('name', 'Eva Essen')]),
      invoice('same', 'eva VON essen'),
      rec('other-first', [id('name', 'Ella von Essen')]),
      rec('other-last', [id('name', 'Eva von Essen-Berg')]),
    ];
    const r = one(q('Eva von Essen'), cards);
    expect(graded(r)).toEqual(['middle:possible', 'no-particle:possible', 'same:probable']);
    expect(r.records.find((x) => x.record.entity === 'middle')!.evidence.map((e) => e.via)).toContain('name-part');
    // The other way round: the record has the name in part.
    const double = [rec('part', [id('name', 'Anna-Karin Lindqvist')]), rec('whole', [id('name', 'Anna-Karin Berg Lindqvist')]), rec('other', [id('name', 'Anna-Karin Berg')])];
    // A double surname without a hyphen is written with either surname: `Anna-Karin Berg` may be her too.
    expect(graded(one([{ kind: 'name', value: 'Anna-Karin Berg Lindqvist' }], double))).toEqual(['other:possible', 'part:possible', 'whole:possible']);
    expect(graded(one([{ kind: 'name', value: 'Anna-Karin Lindqvist' }], double))).toEqual(['part:possible', 'whole:possible']);
    // The second surname dropped, either way round; a particle is no name, and a shared first and middle
    // name says nothing about two whole names.
    const lindstrom = [
      rec('first-surname', [id('name', 'Eva Lindström')]),
      rec('both', [id('name', 'Eva Lindström Andersson')]),
      rec('other-second', [id('name', 'Eva Lindström Karlsson')]),
      rec('particle', [id('name', 'Eva von')]),
    ];
    expect(graded(one([{ kind: 'name', value: 'Eva Lindström Andersson' }], lindstrom))).toEqual(['both:possible', 'first-surname:possible']);
    expect(graded(one([{ kind: 'name', value: 'Eva Lindström' }], lindstrom))).toEqual(['both:possible', 'first-surname:possible', 'other-second:possible']);
    expect(graded(one([{ kind: 'name', value: 'Eva von Lindström' }], lindstrom))).toEqual(['first-surname:possible']);
    // A hyphenated given name is one name: `Anna Essen` is no part of `Anna-Karin von Essen`.
    const akve = [rec('anna', [id('name', 'Anna Essen')]), rec('anna-karin', [id('name', 'Anna-Karin Essen')]), rec('same', [id('name', 'Anna-Karin von Essen')])];
    // A lone given name is no part of a name with it and a middle name.
    expect(graded(one([{ kind: 'name', value: 'Anna Karin von Essen' }], [rec('lone', [id('name', 'Anna-Karin')]), rec('same', [id('name', 'Anna Karin von Essen')])]))).toEqual(['same:possible']);
    expect(graded(one([{ kind: 'name', value: 'Anna-Karin von Essen' }], akve))).toEqual(['anna-karin:possible', 'same:possible']);
    // The record has the middle name: a son at his father's address is no more than possible.
    const home = 'Storgatan 12, 252 26 Helsingborg';
    const family = [rec('son', [id('name', 'Erik Johan Åkesson'), id('address', home)]), rec('father', [id('name', 'Erik Åkesson'), id('address', home)])];
    const erik = one([{ kind: 'name', value: 'Erik Åkesson' }, { kind: 'address', value: home }], family);
    expect(graded(erik)).toEqual(['father:probable', 'son:possible']);
    expect(erik.records.find((x) => x.record.entity === 'son')!.evidence.map((e) => e.via)).toContain('name-part');
  });

  it("leaves out with a namesake the records found by the name alone that hold her own keys (her invoice by her customer number)", () => {
    const r = one(
      [
        { kind: 'name', value: 'Märta Öberg' },
        { kind: 'pnr', value: '19920728-9969' },
      ],
      [
        rec('her-card', [id('name', 'Märta Öberg'), id('pnr', '19650405-9988'), id('customerNo', '1050'), id('email', 'marta.o@example.net')]),
        rec('her-invoice', [id('name', 'Märta Öberg'), id('customerNo', '1050')]),
        rec('her-mail', [id('name', 'Märta Öberg'), id('email', 'MARTA.O@example.net')]),
        rec('unknown', [id('name', 'Märta Öberg'), id('customerNo', '2001')]),
      ],
    );
    expect(graded(r)).toEqual(['unknown:possible']);
    expect(r.namesakesExcluded).toBe(3);
  });

  it('a namesake with other identifiers is never exact, even when found through a shared key', () => {
    // The subject's e-mail leads to a phone; that phone also sits on another person's record.
    const r = one(
      [{ kind: 'email', value: 'asa@lb.example' }],
      [
        rec('person', [id('email', 'asa@lb.example'), id('name', 'Åsa Lindqvist'), id('phone', '040-628 04 10')]),
        rec('person', [id('name', 'Per Lindqvist'), id('phone', '040-628 04 10'), id('email', 'per@lb.example')]),
      ],
      2,
    );
    expect(graded(r)).toEqual(['person:exact']);
    expect(r.shared).toEqual([expect.objectContaining({ kind: 'phone', value: '+46406280410', reason: 'other-person', given: false })]);
  });

  it("does not follow a phone that is also an organisation's (a switchboard)", () => {
    const r = one(
      [{ kind: 'email', value: 'asa@lb.example' }],
      [
        rec('person', [id('email', 'asa@lb.example'), id('phone', '040-628 04 10')]),
        rec('company', [id('company', 'Lindqvist Bygg AB'), id('phone', '040 628 04 10')], { holders: { self: { scope: 'organisation' } } }),
        rec('person', [id('phone', '0406280410'), id('name', 'Someone Else')]),
      ],
      2,
    );
    expect(graded(r)).toEqual(['person:exact']);
    expect(r.shared[0]).toMatchObject({ kind: 'phone', reason: 'organisation' });
  });

  it('never follows role addresses, and reports them', () => {
    const r = one(
      [{ kind: 'pnr', value: '19840312-9987' }],
      [rec('customer', [id('pnr', '840312-9987'), id('email', 'faktura@lb.example')]), rec('invoice', [id('email', 'faktura@lb.example')])],
      2,
    );
    expect(graded(r)).toEqual(['customer:exact']);
    expect(r.shared[0]).toMatchObject({ kind: 'email', reason: 'role-address' });
  });

  it("a sole trader's org.nr is the owner's personnummer", () => {
    const r = one([{ kind: 'orgnr', value: '761105-9978' }], [rec('customer', [id('orgnr', '19761105-9978')]), rec('invoice', [id('pnr', '7611059978')])]);
    expect(graded(r)).toEqual(['customer:exact', 'invoice:exact']);
  });

  it("a company's org.nr is context only", () => {
    const r = one([{ kind: 'orgnr', value: '556987-6542' }, { kind: 'name', value: 'Åsa Lindqvist' }], [
      rec('invoice', [id('orgnr', '5569876542'), id('name', 'Åsa Lindqvist', 'reference')], { holders: { self: { scope: 'organisation' } } }),
      rec('company', [id('orgnr', '556987-6542')], { holders: { self: { scope: 'organisation' } } }),
    ]);
    expect(graded(r)).toEqual(['invoice:probable']);
    expect(r.contextOnly[0]).toMatchObject({ kind: 'orgnr', value: '5569876542' });
  });

  it('finds personnummer, e-mail and phone mentioned in free text, as mentions that teach nothing', () => {
    const msg = rec('message', [id('email', 'karin@ojco.example', 'from')], {
      text: [{ field: 'body', value: 'Hej, jag heter Märta Öberg, 920728-9969, ring 070-174 06 33' }],
    });
    const r = one([{ kind: 'pnr', value: '199207289969' }], [msg, rec('contact', [id('email', 'karin@ojco.example')])], 2);
    expect(graded(r)).toEqual(['message:exact']);
  });

  it("a client id seen with another logged-in user is not followed (a shared browser)", () => {
    const r = one(
      [{ kind: 'customerNo', value: '1044' }],
      [
        rec('event', [id('customerNo', '1044'), id('gaClientId', '111.222')]),
        rec('event', [id('gaClientId', '111.222')]),
        rec('event', [id('customerNo', '1057'), id('gaClientId', '111.222')]),
      ],
      2,
    );
    expect(graded(r)).toEqual(['event:exact']);
    expect(r.shared[0]).toMatchObject({ kind: 'gaClientId', reason: 'other-person' });
  });

  it('matches a batch of subjects in one pass, each with their own records', () => {
    const records = [rec('a', [id('email', 'a@x.example'), id('customerNo', '1')]), rec('b', [id('email', 'b@x.example')]), rec('c', [id('customerNo', '1')])];
    const res = run(
      [
        { id: 'A', identifiers: [{ kind: 'email', value: 'a@x.example' }] },
        { id: 'B', identifiers: [{ kind: 'email', value: 'b@x.example' }] },
      ],
      records,
    );
    expect(res.map((s) => [s.id, graded(s)])).toEqual([
      ['A', ['a:exact', 'c:exact']],
      ['B', ['b:exact']],
    ]);
  });

  it('learns no lone first name from a record: it would find everyone called so', () => {
    const card = rec('card', [id('email', 'dolor@x.example'), id('name', 'Dolor')]);
    const hyphenated = rec('card2', [id('email', 'ak@x.example'), id('name', 'Anna-Karin')]);
    const others = [rec('other', [id('name', 'Dolor')]), rec('other2', [id('name', 'Anna-Karin')]), rec('other3', [id('name', 'Anna Karin')])];
    expect(graded(one([{ kind: 'email', value: 'dolor@x.example' }], [card, ...others], 2))).toEqual(['card:exact']);
    expect(graded(one([{ kind: 'email', value: 'ak@x.example' }], [hyphenated, ...others], 2))).toEqual(['card2:exact']);
    // A full name on the card is learned.
    const full = rec('card3', [id('email', 'e@x.example'), id('name', 'Dolor Sitamet')]);
    expect(graded(one([{ kind: 'email', value: 'e@x.example' }], [full, rec('named', [id('name', 'Dolor Sitamet')])], 2))).toEqual(['card3:exact', 'named:possible']);
  });

  it('tells compatible names from conflicting ones', () => {
    expect(namesCompatible(['marta', 'oberg'], ['marta'])).toBe(true);
    expect(namesCompatible(['marta', 'oberg', 'svensson'], ['marta', 'oberg'])).toBe(true);
    expect(namesCompatible(['per', 'lindqvist'], ['asa', 'lindqvist'])).toBe(false);
  });

  it('keeps a hyphenated given name whole when it tells names apart, wherever the surname is written', () => {
    const units = (n: string) => foldName(n)!.units.split(' ');
    const compatible = (a: string, b: string) => namesCompatible(units(a), units(b));
    // A relative: the part of a given name is not the name.
    expect(compatible('Anna Essen', 'Anna-Karin von Essen')).toBe(false);
    expect(compatible('Karin Essen', 'Anna-Karin Essen')).toBe(false);
    expect(compatible('Essen, Anna', 'Anna-Karin Essen')).toBe(false);
    expect(compatible('Anna-Lena Essen', 'Anna-Karin Essen')).toBe(false);
    // The same person written otherwise.
    expect(compatible('Anna Karin von Essen', 'Anna-Karin von Essen')).toBe(true);
    expect(compatible('Essen, Anna-Karin', 'Anna-Karin Essen')).toBe(true);
    expect(compatible('ANNA-KARIN ESSEN', 'Anna-Karin von Essen')).toBe(true);
    expect(compatible('Anna-Karin', 'Anna Essen')).toBe(true);
    // A relative with the same surname, a particle or a double one: another given name is another person.
    expect(compatible('Per von Essen', 'Anna-Karin von Essen')).toBe(false);
    expect(compatible('Karin von Essen', 'Anna-Karin von Essen')).toBe(false);
    expect(compatible('Hilma af Klint', 'Gustaf af Klint')).toBe(false);
    expect(compatible('Per Lindström Andersson', 'Eva Lindström Andersson')).toBe(false);
    // A particle is no surname.
    expect(compatible('Eva von Essen', 'Eva von Berg')).toBe(false);
    // Surname first, without a comma: the same person.
    expect(compatible('Åkesson Jörgen', 'Jörgen Åkesson')).toBe(true);
    expect(compatible('Eva Maria von Essen', 'Eva Essen')).toBe(true);
    // Only the given name stays whole: a double surname may be written in part.
    expect(compatible('Eva Lindström-Andersson', 'Eva Lindström')).toBe(true);
    expect(compatible('Lindström-Andersson, Eva', 'Eva Lindström')).toBe(true);
    expect(units('Essen, Anna-Karin')).toEqual(['anna-karin', 'essen']);
    expect(units('Åkesson Jörgen')).toEqual(['akesson', 'jorgen']);
  });
});

describe('another person\'s identifier among the given ones', () => {
  // The officer typed Jörgen's phone next to Märta's e-mail.
  const jorgen = () => rec('person', [id('phone', '070-174 06 47'), id('pnr', '19121212-1212'), id('name', 'Jörgen Åkesson'), id('email', 'jorgen@x.example')]);
  const jorgenMember = () => rec('member', [id('email', 'jorgen@x.example')]);
  const marta = () => rec('person', [id('email', 'marta@x.example'), id('pnr', '19920728-9969'), id('name', 'Märta Öberg'), id('customerNo', '1044')]);
  const invoice = () => rec('invoice', [id('customerNo', '1044')], { holders: { self: { scope: 'organisation' } } });
  const given: SubjectQuery['identifiers'] = [
    { kind: 'email', value: 'marta@x.example' },
    { kind: 'phone', value: '070-174 06 47' },
  ];

  it("still follows the subject's own records, whichever record comes first", () => {
    for (const order of [[jorgen(), marta(), invoice(), jorgenMember()], [marta(), jorgen(), jorgenMember(), invoice()]]) {
      // Two passes: the invoice before her record is read again in a later round.
      const r = one(given, order, 2);
      expect(graded(r)).toEqual(['invoice:exact', 'person:exact', 'person:possible']);
      // His record is reached only through the wrong phone: possible, and the phone is reported as another person's.
      expect(r.records.find((x) => x.confidence === 'possible')!.conflicts).toContain('shared-identifier');
      expect(r.shared).toContainEqual(expect.objectContaining({ kind: 'phone', reason: 'other-person', given: true }));
    }
  });

  it('knows the wrong phone by the name on its card when that card has no personnummer, whichever record comes first', () => {
    // Åsa's CRM card: her name and phone, no personnummer. Read before Märta's, it once taught the subject
    // Åsa's name, and Märta's own e-mail was then taken for another person's.
    const asa = () => rec('person', [id('phone', '070-174 06 05'), id('name', 'Åsa Lindqvist')]);
    const mixed: SubjectQuery['identifiers'] = [
      { kind: 'email', value: 'marta@x.example' },
      { kind: 'phone', value: '070-174 06 05' },
    ];
    for (const order of [[asa(), marta(), invoice()], [marta(), invoice(), asa()]]) {
      const r = one(mixed, order, 2);
      expect(graded(r)).toEqual(['invoice:exact', 'person:exact', 'person:possible']);
      const person = r.records.find((x) => x.confidence === 'exact' && x.record.entity === 'person')!;
      expect(person.record.identifiers.map((i) => i.value)).toContain('marta@x.example');
      expect(r.shared).toEqual([expect.objectContaining({ kind: 'phone', reason: 'other-person', given: true })]);
    }
  });

  it("knows a relative's phone by her name when it is only a part of the subject's given name", () => {
    // Anna Essen, a relative at the same address, is not Anna-Karin von Essen: her phone beside Anna-Karin's
    // e-mail must not make Anna's card the subject's.
    const annaKarin = () => rec('person', [id('email', 'akve@x.example'), id('name', 'Anna-Karin von Essen')]);
    const anna = () => rec('person', [id('phone', '070-174 06 05'), id('name', 'Anna Essen')]);
    const given: SubjectQuery['identifiers'] = [
      { kind: 'email', value: 'akve@x.example' },
      { kind: 'phone', value: '070-174 06 05' },
    ];
    for (const order of [[anna(), annaKarin()], [annaKarin(), anna()]]) {
      const r = one(given, order, 2);
      expect(graded(r)).toEqual(['person:exact', 'person:possible']);
      expect(r.records.find((x) => x.confidence === 'exact')!.record.identifiers.map((i) => i.value)).toContain('akve@x.example');
      expect(r.shared).toEqual([expect.objectContaining({ kind: 'phone', reason: 'other-person', given: true })]);
    }
    // The officer gave her name and the relative's phone.
    const byName = one([{ kind: 'name', value: 'Anna-Karin von Essen' }, given[1]!], [anna()], 2);
    expect(graded(byName)).toEqual(['person:possible']);
    expect(byName.records[0]!.conflicts).toContain('name');
    // A relative with her surname and particle (her husband Per): his card is his, and his e-mail is not followed.
    const per = () => rec('person', [id('phone', '070-174 06 61'), id('email', 'per@x.example'), id('name', 'Per von Essen')]);
    const perAgain = () => rec('member', [id('email', 'per@x.example'), id('name', 'P. von Essen')]);
    const withPer = one([given[0]!, { kind: 'phone', value: '070-174 06 61' }], [annaKarin(), per(), perAgain()], 2);
    expect(graded(withPer)).toEqual(['person:exact', 'person:possible']);
    expect(withPer.shared).toEqual([expect.objectContaining({ kind: 'phone', reason: 'other-person', given: true })]);
    // Her own card, written without the hyphen, is hers.
    const hers = () => rec('person', [id('phone', '070-174 06 05'), id('name', 'Anna Karin von Essen')]);
    const r = one(given, [hers(), annaKarin()], 2);
    expect(graded(r)).toEqual(['person:exact', 'person:exact']);
    expect(r.shared).toEqual([]);
  });

  it('claims no conflict when the card without a personnummer bears the subject\'s name', () => {
    const hers = () => rec('person', [id('phone', '070-174 06 05'), id('name', 'Marta Oberg')]);
    const r = one([{ kind: 'email', value: 'marta@x.example' }, { kind: 'phone', value: '070-174 06 05' }], [hers(), marta(), invoice()], 2);
    expect(graded(r)).toEqual(['invoice:exact', 'person:exact', 'person:exact']);
    expect(r.shared).toEqual([]);
  });
});
