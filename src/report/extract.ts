/**
 * Builds the register extract from a search result and the processing
 * register. Pure: no files, no clock (the caller passes the time).
 *
 * Every record is tied to its register entry, so each row says why it is
 * processed, on what basis, who receives it and how long it is kept, with a
 * concrete date where the rule gives one (AC-2). Other people's data in
 * e-mail is redacted by default (Art. 15(4), AC-9).
 */
import type { MatchedRecord } from '../core/match/matcher.ts';
import { holderOf, type SourceRecord } from '../core/record.ts';
import { addDays, addMonths, formatIsoDate, parseIsoDate } from '../core/law/dates.ts';
import type { FiscalYearSetup } from '../core/law/retention.ts';
import { recordRetention, type SystemRecord } from '../core/law/record-retention.ts';
import { normaliseEmail } from '../core/identity/normalise.ts';
import { describedField, type ConnectorDescription, type FieldDescription } from '../sources/contract.ts';
import { DATA_CATEGORIES, RECORD_CATEGORIES, isDataCategory, isRecordCategory } from '../register/categories.ts';
import { localised } from '../core/localised.ts';
import type { Register } from '../register/schema.ts';
import { EXTRACT_SCHEMA_VERSION, type Extract, type ExtractLang, type ExtractRecord } from './extract-schema.ts';
import { UserError, ExitCode, type Problem } from '../errors.ts';
import { extractBackups } from './extract-backups.ts';

export interface ExtractSource {
  name: string;
  connector: string;
  /** The connector's title, for sources without records. */
  title: string;
  description: ConnectorDescription;
  records: number;
}

export interface ExtractInput {
  register: Register;
  lang: ExtractLang;
  generatedAt: string;
  asOf: string;
  /**
   * Today in Sweden (the CLI's clock, OJCO_DSAR_TODAY): an open receivable is
   * in today's books too, so its retention counts from the later of `asOf`
   * and this day, as the erasure plan counts it (BF-1a); absent, from `asOf`.
   */
  today?: string;
  fiscalYear: FiscalYearSetup;
  subjectIdentifiers: { kind: string; value: string }[];
  records: MatchedRecord[];
  /** Indexed like MatchedRecord.source. */
  sources: ExtractSource[];
  notRead: { source: string; file?: string; line?: number; reason: string }[];
  /**
   * Files whose records were read and are among `records`, but that failed a check of being as exported (a SIE
   * file whose #KSUMMA does not match): not files that could not be read. Left out of the extract when empty.
   */
  unverified?: { source: string; reason: string }[];
  /** Possible matches a person confirmed (index into `records`). */
  confirmed?: Set<number>;
  includePossible?: boolean;
  /** A person answered for the possible matches (those not confirmed are not theirs); else those left out are undecided. */
  possibleDecided?: boolean;
  includeThirdParties?: boolean;
  /** E-mail domains of the controller's own staff: their names and addresses are not redacted. */
  staffDomains?: string[];
  caseId?: string;
}

const REDACTED = { sv: '[uppgift om annan person borttagen]', en: "[another person's data removed]" } as const;

/** Record categories that hold e-mail correspondence, where other people's data is redacted (AC-9). */
// A contact card holds other people too: the assistant's, the manager's and the spouse's entries (Art. 15(4)).
const MAIL_CATEGORIES = new Set(['mail-message', 'mail-trace', 'mail-contact']);

const T = {
  redactionPolicy: {
    sv: 'Uppgifter om andra personer (namn och e-postadresser i e-post, och i kontaktkort andra personers namn och nummer, såsom assistentens, chefens eller makens) har tagits bort enligt artikel 15.4 dataskyddsförordningen. Uppgifter om OJCOs egna medarbetare visas.',
    en: "Other people's data (names and e-mail addresses in e-mail, and in contact cards other people's names and numbers, such as the assistant's, the manager's or the spouse's) has been removed under Article 15(4) GDPR. Data about OJCO's own staff is shown.",
  },
  redactionOff: {
    sv: 'Uppgifter om andra personer har inte tagits bort (utdraget gjordes med --include-third-parties).',
    en: "Other people's data has not been removed (the extract was made with --include-third-parties).",
  },
  reason: { sv: 'Annan persons uppgift (art. 15.4)', en: "Another person's data (Art. 15(4))" },
} as const;

function deepClone<T>(v: T): T {
  return v === undefined ? v : (JSON.parse(JSON.stringify(v)) as T);
}

/** Replaces `needle` in every string leaf of `value`; returns the paths that changed. */
function redactLeaves(value: unknown, needle: string, replacement: string, at: string, changed: string[]): unknown {
  if (typeof value === 'string') {
    if (!needle || !value.toLowerCase().includes(needle.toLowerCase())) return value;
    changed.push(at);
    return value.split(new RegExp(needle.replace(/[.*+?^${}()|[\]\\]/gu, '\\$&'), 'giu')).join(replacement);
  }
  if (Array.isArray(value)) return value.map((v, i) => redactLeaves(v, needle, replacement, `${at}/${i}`, changed));
  if (value && typeof value === 'object') {
    const o: Record<string, unknown> = {};
    for (const [k, v] of Object.entries(value)) o[k] = redactLeaves(v, needle, replacement, at ? `${at}/${k}` : k, changed);
    return o;
  }
  return value;
}

const EMAIL_ANYWHERE = /[A-Za-z0-9._%+'-]+@[A-Za-z0-9.-]+\.[A-Za-z]{2,}/gu;

/**
 * Art. 15(4) for e-mail records: names and addresses of parties that are
 * not the subject (and not the controller's staff) are replaced, and
 * addresses in free text are too. Names inside free text cannot be told
 * from other words reliably and are left; the README says so.
 */
function redact(m: MatchedRecord, lang: ExtractLang, staffDomains: string[], subjectEmails: Set<string>): { fields: Record<string, unknown>; redactions: { field: string; reason: string }[] } {
  const rec: SourceRecord = m.record;
  let fields = deepClone(rec.fields);
  const subjectHolders = new Set(m.evidence.filter((e) => e.via !== 'context').map((e) => e.holder));
  const isStaff = (email: string): boolean => staffDomains.some((d) => email.endsWith('@' + d.toLowerCase()));
  const changed: string[] = [];
  const needles = new Set<string>();
  for (const id of rec.identifiers) {
    const holder = id.holder ?? 'self';
    if (subjectHolders.has(holder)) continue;
    const scope = holderOf(rec, holder).scope;
    if (scope === 'organisation') continue;
    if (id.kind !== 'email' && id.kind !== 'name' && id.kind !== 'phone') continue;
    if (id.kind === 'email') {
      const e = normaliseEmail(id.value);
      if (!e || isStaff(e) || subjectEmails.has(e)) continue;
    }
    if (id.kind === 'name') {
      // A staff member's display name stays with their address.
      const sameHolderEmail = rec.identifiers.find((x) => (x.holder ?? 'self') === holder && x.kind === 'email');
      const e = sameHolderEmail ? normaliseEmail(sameHolderEmail.value) : undefined;
      if (e && (isStaff(e) || subjectEmails.has(e))) continue;
    }
    needles.add(id.value.trim());
  }
  // Longest first, so "Åsa Lindqvist (asa@…)" is not half-replaced by "Åsa Lindqvist".
  for (const n of [...needles].sort((a, b) => b.length - a.length)) {
    if (n.length < 3) continue;
    fields = redactLeaves(fields, n, REDACTED[lang], '', changed) as Record<string, unknown>;
  }
  for (const t of rec.text ?? []) {
    for (const match of t.value.matchAll(EMAIL_ANYWHERE)) {
      const e = normaliseEmail(match[0]);
      if (e && !isStaff(e) && !subjectEmails.has(e)) fields = redactLeaves(fields, match[0], REDACTED[lang], '', changed) as Record<string, unknown>;
    }
  }
  const redactions = [...new Set(changed)].sort().map((field) => ({ field, reason: T.reason[lang] }));
  return { fields, redactions };
}

/** Each field of the record with its connector's description of it (undefined for a field it does not describe). */
function describedFields(rec: SourceRecord, description: ConnectorDescription): [string, FieldDescription | undefined][] {
  return Object.keys(rec.fields).map((key) => [key, describedField(description, rec.entity, key)]);
}

const SWEDISH_DAY = new Intl.DateTimeFormat('en-CA', { timeZone: 'Europe/Stockholm', year: 'numeric', month: '2-digit', day: '2-digit' });

/** The day in Sweden of an ISO date, or of an ISO date and time with its offset (`2025-06-29T22:00:00Z` is 30 June). */
function swedishDay(v: string): string | undefined {
  if (/^\d{4}-\d{2}-\d{2}$/u.test(v)) return parseIsoDate(v) ? v : undefined;
  if (!/^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}(?::\d{2}(?:\.\d+)?)?(?:Z|[+-]\d{2}:?\d{2})$/u.test(v)) return undefined;
  const t = Date.parse(v);
  return Number.isFinite(t) ? SWEDISH_DAY.format(t) : undefined;
}

/** The earliest date in a field its connector describes as the record's retention end (`retentionEnd`), if any. */
function ownRetentionEnd(rec: SourceRecord, description: ConnectorDescription): string | undefined {
  let out: string | undefined;
  for (const [key, f] of describedFields(rec, description)) {
    const v = rec.fields[key];
    if (!f?.retentionEnd || typeof v !== 'string') continue;
    const day = swedishDay(v.trim());
    if (day && (out === undefined || day < out)) out = day;
  }
  return out;
}

function dataCategoriesOf(fields: [string, FieldDescription | undefined][], lang: ExtractLang): { id: string; text: string }[] {
  const ids = new Set<string>();
  for (const [, f] of fields) if (f && f.personal && isDataCategory(f.category) && f.category !== 'none') ids.add(f.category);
  return [...ids].sort().map((id) => ({ id, text: DATA_CATEGORIES[id as keyof typeof DATA_CATEGORIES][lang] }));
}

/**
 * The record's fields its connector describes as plumbing: no personal data
 * and no data category (Lime's HAL `_links`, Outlook's sensitivity flag, an
 * OData etag). A voucher's series or a consent's type hold no personal data
 * either, but tell the person what the record is: they stay.
 */
function technicalFieldsOf(fields: [string, FieldDescription | undefined][]): string[] {
  return fields.filter(([, f]) => f !== undefined && !f.personal && f.category === 'none').map(([key]) => key);
}

/** Builds the extract; throws a UserError (exit 2) when a record has no register entry. */
export function buildExtract(input: ExtractInput): Extract {
  const { register: reg, lang } = input;
  // A recipient as a record and the processing summary both name it, in the extract's language.
  const recipientOf = (id: string): ExtractRecord['recipients'][number] => {
    const rc = reg.recipients[id]!;
    return { id, name: localised(rc.name, lang), country: localised(rc.country, lang), text: rc[lang], ...(rc.transfer ? { transfer: rc.transfer } : {}) };
  };
  const staff = (input.staffDomains ?? []).map((d) => d.toLowerCase());
  const subjectEmails = new Set(
    input.subjectIdentifiers.filter((i) => i.kind === 'email').map((i) => normaliseEmail(i.value)).filter((e): e is string => !!e),
  );
  const chosen = input.records
    .map((m, i) => ({ m, i }))
    .filter(({ m, i }) => m.confidence !== 'possible' || input.includePossible || input.confirmed?.has(i));
  // Subject e-mails learned through links are the subject's too: never redacted.
  for (const { m } of chosen) {
    for (const e of m.evidence) if (e.kind === 'email' && (e.via === 'given' || e.via === 'link')) subjectEmails.add(e.key.slice(6));
  }

  const problems: Problem[] = [];
  for (const { m } of chosen) {
    const cat = m.record.category ?? '';
    if (!isRecordCategory(cat) || !reg.processing[cat]) {
      const src = input.sources[m.source]!;
      problems.push({
        code: 'register.unexplained',
        message: `records of entity "${m.record.entity}" (source ${src.name}) have the category "${cat || '(none)'}", which the register does not describe`,
        source: src.name,
      });
    }
  }
  if (problems.length > 0) {
    throw new UserError('the processing register does not explain every record', { exitCode: ExitCode.Usage, problems: dedupe(problems) });
  }

  // BF-1 dates of the subject's bookkeeping records, per connector, for linked master data (class S), and
  // whether the latest of them is provisional (an open receivable, BF-1a).
  const latestBookkeeping = new Map<string, { retainUntil: string; deletableFrom?: string; provisional: boolean }>();
  // The subject's records as the erasure plan sees them: an open receivable is tied to the carried balances
  // of the same system (SIE #OIB/#OUB, BF-1a).
  const peers: SystemRecord[] = chosen.map(({ m }) => ({ record: m.record, system: input.sources[m.source]!.connector }));
  const day = { fiscalYear: input.fiscalYear, asOf: input.asOf, ...(input.today !== undefined ? { today: input.today } : {}) };
  const retentionOf = (m: MatchedRecord): ExtractRecord['retention'] => {
    const entry = reg.processing[m.record.category!]!;
    const r = reg.retention[entry.retention]!;
    const base = { id: entry.retention, text: r[lang], ...(r.rule ? { rule: r.rule } : {}) };
    if (r.kind === 'bookkeeping') {
      // BF-1, BF-1a: the date the erasure plan keeps the record to (record-retention.ts), so the letter states
      // the envisaged period the controller acts on (Art. 15(1)(d), AC-2): its latest booking (a later
      // PaymentDate), and for an open receivable the books that carry it, a provisional date.
      const b = recordRetention({ record: m.record, system: input.sources[m.source]!.connector }, peers, day);
      if (b) return { ...base, retainUntil: b.retainUntil, deletableFrom: b.deletableFrom, ...(b.open ? { provisional: true } : {}) };
      return base;
    }
    if (m.record.bookkeeping === true) {
      // BF-2: a record that flags itself as räkenskapsinformation (an invoice in an e-mail) is kept by the
      // erasure plan through its BF-1 date, whatever its register entry says; the letter gives that date too.
      const b = recordRetention({ record: m.record, system: input.sources[m.source]!.connector }, peers, day);
      if (b) return { ...base, rule: 'BF-1', retainUntil: b.retainUntil, deletableFrom: b.deletableFrom, ...(b.open ? { provisional: true } : {}) };
    }
    if (r.kind === 'criterion') {
      // The system states the record's own end (Lime's GDPR add-on, `expireddate`): that is the period (Art. 15(1)(d)).
      const own = ownRetentionEnd(m.record, input.sources[m.source]!.description);
      if (own) return { ...base, retainUntil: own };
    }
    const date = m.record.date && parseIsoDate(m.record.date) ? m.record.date : undefined;
    if (r.kind === 'fixed' && date) {
      if (r.months) return { ...base, retainUntil: formatIsoDate(addMonths(parseIsoDate(date)!, r.months)) };
      if (r.days) return { ...base, retainUntil: formatIsoDate(addDays(parseIsoDate(date)!, r.days)) };
    }
    return base;
  };
  for (const { m } of chosen) {
    const ret = retentionOf(m);
    if (ret.rule === 'BF-1' && ret.retainUntil) {
      const conn = input.sources[m.source]!.connector;
      const prev = latestBookkeeping.get(conn);
      const provisional = ret.provisional === true;
      if (!prev || ret.retainUntil > prev.retainUntil) {
        latestBookkeeping.set(conn, { retainUntil: ret.retainUntil, ...(ret.deletableFrom ? { deletableFrom: ret.deletableFrom } : {}), provisional });
      } else if (ret.retainUntil === prev.retainUntil) {
        if (provisional) prev.provisional = true;
        if (ret.deletableFrom && (!prev.deletableFrom || ret.deletableFrom > prev.deletableFrom)) prev.deletableFrom = ret.deletableFrom;
      }
    }
  }

  const records: ExtractRecord[] = chosen.map(({ m, i }) => {
    const src = input.sources[m.source]!;
    const cat = m.record.category as keyof typeof RECORD_CATEGORIES;
    const entry = reg.processing[cat]!;
    let retention = retentionOf(m);
    const r = reg.retention[entry.retention]!;
    if (r.kind === 'bookkeeping-linked') {
      // The card is kept as long as the latest of its documents, and moves with it when that is an open receivable.
      const latest = latestBookkeeping.get(src.connector);
      // Its deletableFrom is that document's too, as every bookkeeping row of section (d) gives it.
      if (latest) {
        retention = {
          ...retention,
          retainUntil: latest.retainUntil,
          ...(latest.deletableFrom ? { deletableFrom: latest.deletableFrom } : {}),
          ...(latest.provisional ? { provisional: true } : {}),
        };
      }
    }
    // Still held after its last day (Art. 5(1)(e)): the extract tells the truth, and says the data is due for deletion.
    if (retention.retainUntil && retention.retainUntil < input.asOf) retention = { ...retention, overdue: true };
    const described = describedFields(m.record, src.description);
    const red = MAIL_CATEGORIES.has(cat) && !input.includeThirdParties ? redact(m, lang, staff, subjectEmails) : { fields: deepClone(m.record.fields), redactions: [] };
    const out: ExtractRecord = {
      source: src.name,
      connector: src.connector,
      system: entry.system[lang],
      entity: m.record.entity,
      category: cat,
      categoryText: RECORD_CATEGORIES[cat][lang],
      confidence: m.confidence,
      locator: m.record.locator,
      fields: red.fields,
      dataCategories: dataCategoriesOf(described, lang),
      purposes: entry.purposes.map((id) => ({ id, text: reg.purposes[id]![lang] })),
      legalBasis: entry.legalBases.map((id) => ({ id, article: reg.legalBases[id]!.article, text: reg.legalBases[id]![lang] })),
      recipients: entry.recipients.map(recipientOf),
      retention,
      origin: { id: entry.source, text: reg.sources[entry.source]![lang] },
      profiling: entry.profiling,
      portability: entry.portability,
      redactions: red.redactions,
    };
    const label = m.record.labels?.[lang] ?? m.record.label;
    if (label) out.label = label;
    if (m.record.date) out.date = m.record.date;
    const technical = technicalFieldsOf(described);
    if (technical.length > 0) out.technicalFields = technical;
    if (m.confidence === 'possible' && input.confirmed?.has(i)) out.confirmed = true;
    return out;
  });

  const used = <T extends string>(pick: (e: Register['processing'][string]) => T[]): T[] => {
    const s = new Set<T>();
    for (const rec of records) for (const id of pick(reg.processing[rec.category]!)) s.add(id);
    return [...s];
  };
  const recipients = used((e) => e.recipients);
  const transfers = new Set(recipients.map((id) => reg.recipients[id]!.transfer).filter((t): t is string => !!t));
  const retentionIds = used((e) => [e.retention]);
  const dataCats = new Map<string, string>();
  for (const rec of records) for (const d of rec.dataCategories) dataCats.set(d.id, d.text);
  const c = reg.controller;
  return {
    schemaVersion: EXTRACT_SCHEMA_VERSION,
    language: lang,
    generatedAt: input.generatedAt,
    asOf: input.asOf,
    controller: {
      name: c.name,
      orgnr: c.orgnr,
      address: `${c.address.street}, ${c.address.postcode} ${c.address.city}`,
      email: c.email,
      ...(c.phone ? { phone: c.phone } : {}),
    },
    subject: { identifiers: input.subjectIdentifiers, ...(input.caseId ? { caseId: input.caseId } : {}) },
    confirmation: records.length > 0,
    // Left out without anyone deciding: they may be the person's, so the letter must not say there is nothing.
    undecided: input.includePossible || input.possibleDecided ? 0 : input.records.filter((m, i) => m.confidence === 'possible' && !input.confirmed?.has(i)).length,
    processing: {
      purposes: used((e) => e.purposes).map((id) => ({ id, text: reg.purposes[id]![lang] })),
      dataCategories: [...dataCats].sort().map(([id, text]) => ({ id, text })),
      recipients: recipients.map(recipientOf),
      transfers: [...transfers].map((id) => ({ id, country: localised(reg.transfers[id]!.country, lang), text: reg.transfers[id]![lang] })),
      retention: retentionIds.map((id) => {
        const dates = records.filter((r) => r.retention.id === id && r.retention.retainUntil).map((r) => r.retention.retainUntil!);
        const latest = dates.sort().pop();
        return { id, text: reg.retention[id]![lang], ...(latest ? { retainUntil: latest } : {}) };
      }),
      ...(records.length > 0 ? { backups: extractBackups(reg, records, input.asOf, lang) } : {}),
      rights: reg.rights.map((r) => ({ id: r.id, article: r.article, text: r[lang] })),
      complaint: {
        authority: reg.supervisoryAuthority.name[lang],
        address: reg.supervisoryAuthority.address,
        email: reg.supervisoryAuthority.email,
        web: reg.supervisoryAuthority.web,
        text: reg.rights.find((r) => r.id === 'complaint')?.[lang] ?? '',
      },
      sources: used((e) => [e.source]).map((id) => ({ id, text: reg.sources[id]![lang] })),
      profiling: {
        applies: reg.profiling.applies && records.some((r) => r.profiling),
        text: reg.profiling[lang],
        objection: reg.profiling.objection[lang],
      },
    },
    records,
    searched: input.sources.map((s) => {
      // A source without records is named by the register's system that most of its connector's
      // entities belong to, in the extract language (the connector's title is English only), and by its
      // title as a last resort. Not every system its entities name: a CRM that describes its staff
      // accounts would be said to be Office 365 too.
      const counts = new Map<string, number>();
      for (const e of s.description.entities) {
        const system = isRecordCategory(e.category) ? reg.processing[e.category]?.system[lang] : undefined;
        if (system) counts.set(system, (counts.get(system) ?? 0) + 1);
      }
      // Systems that differ only in their part (`Office 365 (mail)`, `Office 365 (user accounts)`) are that system.
      const bases = new Set([...counts.keys()].map((x) => x.replace(/\s*\([^)]*\)$/u, '')));
      const registered =
        counts.size > 1 && bases.size === 1
          ? [...bases][0]
          : [...counts].reduce<[string, number] | undefined>((best, x) => (!best || x[1] > best[1] ? x : best), undefined)?.[0];
      const sys = records.find((r) => r.source === s.name)?.system ?? registered ?? s.title;
      return { source: s.name, connector: s.connector, system: sys, records: records.filter((r) => r.source === s.name).length };
    }),
    notRead: input.notRead,
    ...(input.unverified && input.unverified.length > 0 ? { unverified: input.unverified } : {}),
    redactionPolicy: input.includeThirdParties ? T.redactionOff[lang] : T.redactionPolicy[lang],
  };
}

function dedupe(problems: Problem[]): Problem[] {
  const seen = new Set<string>();
  return problems.filter((p) => (seen.has(p.message) ? false : (seen.add(p.message), true)));
}
