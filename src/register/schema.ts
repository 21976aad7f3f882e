/**
 * The processing register as data (Art. 30), the source of every Art. 15
 * answer an extract gives (AA-2: one source of truth). Validated with zod;
 * docs/register.md explains the keys, and `registerJsonSchema()` gives the
 * JSON Schema for editors.
 */
import { z } from 'zod';
import { RECORD_CATEGORIES, type RecordCategory } from './categories.ts';

export const REGISTER_SCHEMA_VERSION = 1;

const Text = z.object({ sv: z.string().min(1), en: z.string().min(1) }).strict();
/** Where in the privacy policy an entry comes from. */
const Policy = z.string().optional();
/** Set when an entry is not in the policy and must be confirmed. */
const Assumption = z.string().optional();

/** A name or country in both languages at once, or one per language (src/core/localised.ts). */
const Localised = z.union([z.string().min(1), Text]);

const Described = z
  .object({ sv: z.string().min(1), en: z.string().min(1), policy: Policy, assumption: Assumption })
  .strict();

/**
 * How long a system's backup copies are kept, and by whom (AC-8: storage in a
 * backup is processing, Art. 4(2); the extract says that backups exist and
 * when they expire). `categories` are keys of `processing`; `heldBy` is
 * `controller` or a key of `recipients`; `days` is the longest a copy is
 * kept (the extract dates it from its own date), left out when the text says
 * it in words.
 */
const Backup = z
  .object({
    /** The system as the letter names it; default: the system of its first category, without its part in brackets. */
    system: Text.optional(),
    categories: z.array(z.string()).min(1),
    heldBy: z.string().min(1),
    days: z.number().int().positive().optional(),
    sv: z.string().min(1),
    en: z.string().min(1),
    policy: Policy,
    assumption: Assumption,
  })
  .strict();

/** For the systems no `systems` entry covers: who holds their backups, and a text; `days` as above. */
const BackupDefault = Backup.omit({ system: true, categories: true }).strict();

export const RegisterSchema = z
  .object({
    schemaVersion: z.literal(REGISTER_SCHEMA_VERSION),
    controller: z
      .object({
        name: z.string().min(1),
        orgnr: z.string().min(1),
        address: z.object({ street: z.string(), postcode: z.string(), city: z.string(), country: z.string() }).strict(),
        email: z.string().min(3),
        phone: z.string().optional(),
        dpo: z.object({ name: z.string(), email: z.string() }).strict().optional(),
        policy: Policy,
        note: Text.optional(),
      })
      .strict(),
    supervisoryAuthority: z
      .object({ name: Text, address: z.string(), email: z.string(), web: z.string() })
      .strict(),
    subjectCategories: z.record(z.string(), Described),
    purposes: z.record(z.string(), Described),
    legalBases: z.record(z.string(), Described.extend({ article: z.string().min(1) }).strict()),
    transfers: z.record(z.string(), Described.extend({ country: Localised }).strict()).default({}),
    recipients: z.record(
      z.string(),
      Described.extend({
        name: Localised,
        kind: z.enum(['processor', 'controller', 'authority']),
        country: Localised,
        transfer: z.string().optional(),
      }).strict(),
    ),
    retention: z.record(
      z.string(),
      Described.extend({
        /** criterion: a rule in words; fixed: a period; bookkeeping: BF-1 from the record's date; bookkeeping-linked: as long as linked bookkeeping. */
        kind: z.enum(['criterion', 'fixed', 'bookkeeping', 'bookkeeping-linked']),
        rule: z.literal('BF-1').optional(),
        months: z.number().int().positive().optional(),
        /** fixed: a period in days instead (Microsoft's message trace: 90 days, which is not three months). */
        days: z.number().int().positive().optional(),
      })
        .strict()
        .refine((r) => r.kind !== 'fixed' || (r.months === undefined) !== (r.days === undefined), { message: 'a fixed retention has months or days (one of them)' }),
    ),
    sources: z.record(z.string(), Text),
    profiling: z
      .object({ applies: z.boolean(), sv: z.string(), en: z.string(), objection: Text, policy: Policy })
      .strict(),
    rights: z.array(Described.extend({ id: z.string().min(1), article: z.string().min(1) }).strict()).min(1),
    /** Backups per system (AC-8); optional: without it the extract says that backups may exist, without a period. */
    backups: z
      .object({ default: BackupDefault.optional(), systems: z.record(z.string(), Backup).default({}) })
      .strict()
      .optional(),
    processing: z.record(
      z.string(),
      z
        .object({
          system: Text,
          subjects: z.array(z.string()).min(1),
          purposes: z.array(z.string()).min(1),
          legalBases: z.array(z.string()).min(1),
          recipients: z.array(z.string()),
          retention: z.string(),
          source: z.string(),
          profiling: z.boolean(),
          /** legal-rules.md §4.2: R räkenskapsinformation, S master data for R, M marketing, O other. */
          erasure: z.enum(['R', 'S', 'M', 'O']),
          /** Within Art. 20 (provided by the person, consent or contract, automated)? */
          portability: z.boolean(),
          policy: Policy,
          assumption: Assumption,
          note: Text.optional(),
        })
        .strict(),
    ),
  })
  .strict();

export type Register = z.infer<typeof RegisterSchema>;
export type ProcessingEntry = Register['processing'][string];

/** Cross-references that the schema alone cannot check; every problem, as `path: message`. */
export function registerProblems(r: Register): string[] {
  const out: string[] = [];
  const need = (kind: string, ids: string[], table: Record<string, unknown>, at: string): void => {
    for (const id of ids) if (!Object.hasOwn(table, id)) out.push(`${at}: unknown ${kind} "${id}"`);
  };
  for (const [id, rec] of Object.entries(r.recipients)) {
    if (rec.transfer) need('transfer', [rec.transfer], r.transfers, `recipients.${id}.transfer`);
  }
  for (const [cat, p] of Object.entries(r.processing)) {
    const at = `processing.${cat}`;
    if (!Object.hasOwn(RECORD_CATEGORIES, cat)) out.push(`${at}: "${cat}" is not a record category (${Object.keys(RECORD_CATEGORIES).join(', ')})`);
    need('subject category', p.subjects, r.subjectCategories, `${at}.subjects`);
    need('purpose', p.purposes, r.purposes, `${at}.purposes`);
    need('legal basis', p.legalBases, r.legalBases, `${at}.legalBases`);
    need('recipient', p.recipients, r.recipients, `${at}.recipients`);
    need('retention', [p.retention], r.retention, `${at}.retention`);
    need('source', [p.source], r.sources, `${at}.source`);
    const ret = r.retention[p.retention];
    if (p.erasure === 'R' && ret && ret.kind !== 'bookkeeping') out.push(`${at}: räkenskapsinformation (erasure R) needs a bookkeeping retention`);
  }
  for (const cat of Object.keys(RECORD_CATEGORIES) as RecordCategory[]) {
    if (!Object.hasOwn(r.processing, cat)) out.push(`processing: no entry for record category "${cat}"`);
  }
  out.push(...backupProblems(r));
  const rightIds = r.rights.map((x) => x.id);
  for (const required of ['access', 'rectification', 'erasure', 'restriction', 'objection', 'complaint']) {
    if (!rightIds.includes(required)) out.push(`rights: the right "${required}" must be described (Art. 15(1)(e)-(f))`);
  }
  return out;
}

export type BackupEntry = z.infer<typeof Backup>;
export type BackupDefaultEntry = z.infer<typeof BackupDefault>;

/** The register's `backups`: every category a known processing entry, covered once; every holder `controller` or a recipient. */
function backupProblems(r: Register): string[] {
  const out: string[] = [];
  if (!r.backups) return out;
  const holder = (id: string, at: string): void => {
    if (id !== 'controller' && !Object.hasOwn(r.recipients, id)) out.push(`${at}.heldBy: unknown holder "${id}" (controller, or a key of recipients)`);
  };
  if (r.backups.default) holder(r.backups.default.heldBy, 'backups.default');
  const coveredBy = new Map<string, string>();
  for (const [id, b] of Object.entries(r.backups.systems)) {
    const at = `backups.systems.${id}`;
    holder(b.heldBy, at);
    for (const cat of b.categories) {
      if (!Object.hasOwn(r.processing, cat)) out.push(`${at}.categories: unknown processing entry "${cat}"`);
      const prev = coveredBy.get(cat);
      if (prev !== undefined) out.push(`${at}.categories: "${cat}" is already covered by backups.systems.${prev}`);
      else coveredBy.set(cat, id);
    }
  }
  return out;
}

/**
 * What the officer must confirm about backups before an extract states them
 * (AC-8): each entry marked `assumption:`, and a register that says nothing
 * about backups. `check` lists them as reminders; they are not problems.
 */
export function backupReminders(r: Register): string[] {
  if (!r.backups) return ['backups: the register does not say how long backups are kept; the extract says only that copies may exist in backups (AC-8). Add `backups` (docs/register.md).'];
  const out: string[] = [];
  const entries: [string, BackupDefaultEntry][] = [
    ...(r.backups.default ? [['backups.default', r.backups.default] as [string, BackupDefaultEntry]] : []),
    ...Object.entries(r.backups.systems).map(([id, b]) => [`backups.systems.${id}`, b] as [string, BackupDefaultEntry]),
  ];
  for (const [at, b] of entries) {
    if (b.assumption) out.push(`${at}: an assumption to confirm before extracts state it${b.days ? ` (kept ${b.days} days)` : ''}: ${b.assumption}`);
  }
  return out;
}

/** JSON Schema of the register file, for editors and docs. */
export function registerJsonSchema(): unknown {
  return z.toJSONSchema(RegisterSchema, { io: 'input' });
}
