/**
 * Backups in the register extract (AC-8): a copy in a backup is processing
 * (Art. 4(2)), so the extract says, for each system the person has records
 * in, what the register says of its backups, who holds them and when they
 * expire. The opening is neutral ("About backups: …"): some systems' texts
 * say that OJCO takes no backups, or that copies only may exist.
 * Pure: the date is the extract's own (`asOf` + the register's `days`).
 *
 * The register's `backups` (src/register/schema.ts) gives the entries; a
 * record whose category no entry covers falls to `backups.default`, and a
 * register without `backups` gets FALLBACK: that copies may exist in
 * backups, without a period (`check` reminds the officer to fill it in).
 */
import { addDays, formatIsoDate, parseIsoDate } from '../core/law/dates.ts';
import { localised } from '../core/localised.ts';
import type { BackupDefaultEntry, Register } from '../register/schema.ts';
import type { Extract, ExtractLang, ExtractRecord } from './extract-schema.ts';

export type ExtractBackup = NonNullable<Extract['processing']['backups']>[number];

type Text = { sv: string; en: string };

/** The words around the register's texts (letter and XLSX). `{days}` and `{date}` are filled in. */
export const BACKUP_TEXT = {
  heading: { sv: 'Säkerhetskopior', en: 'Backups' },
  intro: {
    sv: 'Om säkerhetskopior: att spara en kopia av personuppgifter, till exempel i en säkerhetskopia, är också behandling av personuppgifter. Så här är det med säkerhetskopior i de system där vi har uppgifter om dig:',
    en: 'About backups: keeping a copy of personal data, in a backup for example, is processing of personal data too. This is how backups are handled in the systems in which we hold data about you:',
  },
  /** A label before the holder's name, so that a name that starts with a common noun ("Leverantören av …") is not mid-sentence. */
  heldBy: { sv: 'Kopiorna finns hos', en: 'Copies held by' },
  kept: {
    sv: 'Säkerhetskopiorna sparas i {days} dagar och skrivs sedan över: uppgifter som raderas ur systemet i dag finns kvar i dem som längst till och med {date}.',
    en: 'The backups are kept for {days} days and then overwritten: data erased from the system today remains in them until {date} at the latest.',
  },
  notRestored: {
    sv: 'Uppgifter som har raderats ur ett system finns kvar i dess säkerhetskopior bara tills kopiorna skrivs över. Säkerhetskopiorna används bara för att återställa ett system efter ett fel, och raderade uppgifter tas inte i bruk igen: vi för en spärrlista så att de raderas på nytt om en säkerhetskopia någon gång läses tillbaka.',
    en: 'Data erased from a system remains in its backups only until they are overwritten. The backups are used only to restore a system after a failure, and erased data is not brought back into use: we keep a suppression list so that it is erased again if a backup is ever restored.',
  },
  keptUntil: { sv: 'Kopior borta senast', en: 'Copies gone by' },
} as const satisfies Record<string, Text>;

/** A register without `backups`: the extract still says that backups may exist (AC-8 at minimum), without a period. */
export const FALLBACK: Text = {
  sv: 'Kopior av uppgifterna kan finnas i säkerhetskopior av systemet. De sparas en begränsad tid och skrivs sedan över.',
  en: 'Copies of the data may exist in backups of the system. They are kept for a limited time and then overwritten.',
};

/** `Kopiorna finns hos: NAME.`: the holder after a label, its name as the register spells it. */
export function heldBySentence(lang: ExtractLang, name: string): string {
  return `${BACKUP_TEXT.heldBy[lang]}: ${name}${/[.!?]$/u.test(name) ? '' : '.'}`;
}

/** `{days}` and `{date}` of a BACKUP_TEXT sentence. */
export function backupSentence(lang: ExtractLang, key: keyof typeof BACKUP_TEXT, vars: { days?: number; date?: string } = {}): string {
  return BACKUP_TEXT[key][lang].replace('{days}', String(vars.days ?? '')).replace('{date}', vars.date ?? '');
}

/** A system's name without its part in brackets: `Office 365 (e-post)` is Office 365. */
function baseSystem(s: string): string {
  return s.replace(/\s*\([^)]*\)$/u, '');
}

/**
 * The backups of the systems `records` are in, in the register's order
 * (the default, or the fallback, last). Empty when there are no records.
 */
export function extractBackups(reg: Register, records: ExtractRecord[], asOf: string, lang: ExtractLang): ExtractBackup[] {
  if (records.length === 0) return [];
  const cats = new Set(records.map((r) => r.category));
  const holder = (id: string): string => (id === 'controller' ? reg.controller.name : localised(reg.recipients[id]!.name, lang));
  const expires = (days: number | undefined): string | undefined => {
    const d = days === undefined ? undefined : parseIsoDate(asOf);
    return d && days !== undefined ? formatIsoDate(addDays(d, days)) : undefined;
  };
  const entry = (id: string, system: string, categories: string[], b: BackupDefaultEntry): ExtractBackup => {
    const expiresBy = expires(b.days);
    return {
      id,
      system,
      categories,
      heldBy: holder(b.heldBy),
      ...(b.days !== undefined ? { keptDays: b.days } : {}),
      ...(expiresBy ? { expiresBy } : {}),
      text: b[lang],
    };
  };
  const out: ExtractBackup[] = [];
  const covered = new Set<string>();
  for (const [id, b] of Object.entries(reg.backups?.systems ?? {})) {
    const mine = b.categories.filter((c) => cats.has(c));
    if (mine.length === 0) continue;
    for (const c of mine) covered.add(c);
    out.push(entry(id, b.system?.[lang] ?? baseSystem(reg.processing[b.categories[0]!]!.system[lang]), mine, b));
  }
  const rest = [...cats].filter((c) => !covered.has(c));
  if (rest.length > 0) {
    const systems = [...new Set(records.filter((r) => rest.includes(r.category)).map((r) => r.system))].join(', ');
    const dflt = reg.backups?.default;
    if (dflt) out.push(entry('default', systems, rest, dflt));
    else out.push({ id: 'default', system: systems, categories: rest, text: FALLBACK[lang] });
  }
  return out;
}

/**
 * The register's `backups` entries an extract states that are marked
 * `assumption:` (`check` lists them: to confirm before extracts state them),
 * as their register keys (`backups.systems.lime`, `backups.default`). The
 * fallback of a register without `backups` is not an entry: it states no period.
 */
export function assumedBackups(reg: Register, backups: readonly ExtractBackup[] | undefined): string[] {
  const out: string[] = [];
  for (const b of backups ?? []) {
    if (b.id === 'default') {
      if (reg.backups?.default?.assumption) out.push('backups.default');
    } else if (reg.backups?.systems[b.id]?.assumption) out.push(`backups.systems.${b.id}`);
  }
  return out;
}

/** The warning of export and batch when an extract states such entries: their count, keys and the register file; nothing of the person. */
export function assumedBackupsWarning(entries: readonly string[], registerFile: string, extracts?: number): string {
  const n = entries.length;
  const what = extracts === undefined ? 'the extract states' : `${extracts} extract(s) state`;
  return `${what} ${n} backups entr${n === 1 ? 'y' : 'ies'} that ${registerFile} marks as \`assumption:\` (${entries.join(', ')}): their periods and texts are not confirmed, yet are written to the person as fact. Confirm them against the suppliers' agreements and remove \`assumption:\` (\`ojco-dsar check\` lists them) before sending`;
}
