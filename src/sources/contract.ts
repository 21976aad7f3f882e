/**
 * The connector contract. Every system, built in or a company's own module,
 * is a plain object of this shape (knip's plugins, Airbyte's sources; see
 * docs/architecture.md and README "Writing a connector").
 *
 * - `describe()` classifies every field: its data category, whether it holds
 *   personal data, and which identifier it carries.
 * - `detect()` sniffs a file's head and says whether this connector reads it.
 * - `check()` returns problems; it does not throw for expected failures.
 * - `read()` streams records; it never loads a whole export into memory.
 *   A file it cannot read is reported by throwing SourceReadError, which
 *   names the file and line; the pipeline then skips that file and goes on.
 */
import type { z } from 'zod';
import type { IdentifierKind } from '../core/identity/kinds.ts';
import type { NamePart, SourceRecord } from '../core/record.ts';
import type { Problem, SourceReadError } from '../errors.ts';
import type { Prefilter } from '../io/prefilter.ts';

export interface FieldDescription {
  /** The key in `SourceRecord.fields`. */
  name: string;
  /** Data category id from the processing register (`contact`, `identity`, `invoice`, ...). */
  category: string;
  /** Does the field hold personal data (alone or combined)? */
  personal: boolean;
  /** The identifier kind the field carries, if any. */
  identifier?: IdentifierKind;
  description?: string;
  /**
   * What the letter to the person calls the field, in each language of an
   * extract, where the system's name for it is a code (`KUNDNR`, vCard's
   * `FN`). The data files keep the system's name: scripts read them.
   */
  label?: { sv: string; en: string };
  /**
   * The field holds a person's name or a part of it (first, middle or last
   * name, the full or display name, initials, or another form such as a
   * nickname) of the record's own party: an anonymisation replaces every
   * such field and a name rectification sets them consistently (AN-2,
   * src/core/plan/names.ts). Fields of other people (a spouse, an
   * assistant) and a company's name are not name parts.
   */
  namePart?: NamePart;
  /** The field holds a date or a time in the system's own notation, which the letter shows as a date. */
  dateFormat?: FieldDateFormat;
  /** The field holds HTML (an e-mail body), which the letter shows as text. */
  html?: FieldHtml;
  /**
   * The field is a choice from a list the system keeps, held as an object
   * `{ key, text, id }` (a Lime CRM option, formats.md §1.2), or a list of
   * them: the letter shows each as one value, its text (its key where it
   * has no text). An object of another shape is shown property by property.
   */
  option?: true;
  /**
   * The field holds a yes or a no written as text (dBase type L's `T`/`F`,
   * GA4's `Yes`/`No`): the letter shows a value it lists as `Ja` or `Nej`
   * (`Yes`, `No`), any other as it is. Only where the format says so, never
   * guessed from the values.
   */
  logical?: FieldLogical;
  /**
   * The field holds a code from a fixed list the system keeps (Mailchimp's
   * `status` `unsubscribed`, Graph's `importance` `high`, the message
   * trace's `Status` `Delivered`): the letter shows a code the table names
   * (without case and surrounding spaces) in the letter's words
   * (`Avregistrerad`, `Unsubscribed`), and any other value as it is. The
   * data files keep the code: scripts read them.
   */
  values?: FieldValues;
  /**
   * The field's value lists several codes, each of them in `values`
   * (FieldValueList: the message trace's `recipient_status`,
   * `addr##Receive, Send;addr2##Receive, Deliver`).
   */
  valueList?: FieldValueList;
  /**
   * The field holds a share of a whole written as a fraction (Spiris's
   * `PercentVat` `0.25`, `DiscountPercentage`, which the API documents as
   * at most 1): the letter shows a number from 0 to 1 as a percentage
   * (`25 %`), any other value as it is. Only where the format says so,
   * never guessed from the values. The data files keep the fraction.
   */
  share?: true;
  /**
   * The field holds the record's own last day under the system's retention
   * (the Lime GDPR add-on's `expireddate`: the day the person became
   * inactive and is to be deleted). The Art. 15 extract states a date in it
   * as the record's retention end, and marks the record overdue once it has
   * passed (Art. 5(1)(e)), where the register's rule is a criterion with no
   * date of its own.
   */
  retentionEnd?: true;
  /**
   * How the letter names and shows the parts of a nested field, by their
   * path below it without list indices (`PercentVat` of Visma's `Rows`,
   * `emailAddress.address` of Graph's `from`). A part without a label is
   * named by the labels of the field and parts above it.
   */
  parts?: Record<string, FieldPart>;
  /**
   * The field is a list whose items carry their own name in this property
   * (GA4's `event_params` by `key`): the letter names an item by it, where
   * it has one, rather than by its number.
   */
  itemKey?: string;
}

/** A part of a nested field, as the letter shows it (FieldDescription.parts). */
export interface FieldPart {
  label?: { sv: string; en: string };
  dateFormat?: FieldDateFormat;
  html?: FieldHtml;
  option?: true;
  logical?: FieldLogical;
  values?: FieldValues;
  valueList?: FieldValueList;
  share?: true;
}

/** The texts that mean yes and no in a field (FieldDescription.logical), compared without case and surrounding spaces. */
export interface FieldLogical {
  yes: readonly string[];
  no: readonly string[];
}

/** The words for a field's codes (FieldDescription.values), by code, in each language of an extract. */
export type FieldValues = Readonly<Record<string, { readonly sv: string; readonly en: string }>>;

/**
 * How a value lists its codes (FieldDescription.valueList): items separated
 * by `items`; in each item, what comes before `owner` says whose codes they
 * are (an address), and the rest is codes separated by `codes`. The message
 * trace's `recipient_status` is `{ items: ';', owner: '##', codes: ',' }`.
 */
export interface FieldValueList {
  items: string;
  owner: string;
  codes: string;
}

/**
 * A value that is HTML: always (`true`), or where a property beside it in
 * the same object has a value (`{ when: 'contentType', is: 'html' }`:
 * Graph's itemBody is HTML or plain text, as its contentType says).
 */
export type FieldHtml = true | { when: string; is: string };

/**
 * How a field writes a date or a time: `date` ISO 8601, basic or extended,
 * with or without a time (`19800131`, `1980-01-31`, `20250114T101500Z`);
 * `unix-seconds` seconds since 1970-01-01 UTC; `unix-micros` microseconds
 * since then (GA4's event_timestamp).
 */
export type FieldDateFormat = 'date' | 'unix-seconds' | 'unix-micros';

export interface EntityDescription {
  /** `SourceRecord.entity`. */
  entity: string;
  title: string;
  /** The register data category of the record as a whole. */
  category: string;
  fields: FieldDescription[];
  /**
   * True when the record is räkenskapsinformation or supports it (BF-1):
   * planning retains it instead of deleting it.
   */
  bookkeeping?: boolean;
}

export interface ConnectorDescription {
  entities: EntityDescription[];
}

/** The descriptions indexed by entity and field name, made once per description. */
const indexed = new WeakMap<ConnectorDescription, Map<string, Map<string, FieldDescription>>>();

/**
 * The column a field name of fieldsOf's stands for: a header that names a
 * column twice (a real GA4 Fivetran export has `param_session_engaged` at 34
 * and 40) gives the later one as `name (40)`, which is described as `name`.
 */
export function repeatedColumnBase(name: string): string | undefined {
  const m = / \((\d+)\)$/u.exec(name);
  return m ? name.slice(0, m.index) : undefined;
}

/**
 * How the connector describes the field `name` of its records of `entity`;
 * undefined when it does not. The first entity and the first field of a
 * name win (the extract's data categories and the letter's labels alike).
 */
export function describedField(description: ConnectorDescription, entity: string, name: string): FieldDescription | undefined {
  let byEntity = indexed.get(description);
  if (!byEntity) {
    byEntity = new Map();
    for (const e of description.entities) {
      if (byEntity.has(e.entity)) continue;
      const fields = new Map<string, FieldDescription>();
      for (const f of e.fields) if (!fields.has(f.name)) fields.set(f.name, f);
      byEntity.set(e.entity, fields);
    }
    indexed.set(description, byEntity);
  }
  const fields = byEntity.get(entity);
  if (!fields) return undefined;
  const f = fields.get(name);
  if (f !== undefined) return f;
  // A column the header names twice is described as the column (fieldsOf).
  const base = repeatedColumnBase(name);
  return base === undefined ? undefined : fields.get(base);
}

export interface FormatDescription {
  id: string;
  title: string;
  /** What the format is and where it comes from (one sentence). */
  description: string;
  /** Typical file name endings, lower case, without the dot. */
  extensions: string[];
}

/** The first bytes of a file, for `detect()`. */
export interface FileSample {
  /** File name relative to the source path (or the file's own name). */
  name: string;
  /** Up to the first 64 KiB. */
  head: Buffer;
  size: number;
}

export interface Detection {
  format: string;
  /** 0..1; the registry picks the connector with the highest confidence. */
  confidence: number;
}

export interface SourceInput<O> {
  /** The source's name from the config. */
  name: string;
  /** Absolute path of the file or folder. */
  path: string;
  /** The config file's folder; locators are relative to it. */
  baseDir: string;
  /** The format given in the config, or undefined to detect it from content. */
  format?: string | undefined;
  options: O;
}

/**
 * The identifiers the records of one file can carry, whatever their
 * content (issue #7): every kind of `SourceRecord.identifiers`, and for
 * `systemId` the namespaces its values start with. Text is not limited: any
 * record may mention e-mail addresses, personnummer, phones and names. A
 * later round of the search does not read a file again for keys it cannot
 * hold (a GA client id learned late is not looked for in the CRM). A record
 * outside its file's scope is a bug in the connector, and stops the run.
 */
export interface IdentifierScope {
  kinds: readonly IdentifierKind[];
  /** Prefixes of every systemId value (`lime:`); absent: any. */
  systemIds?: readonly string[];
}

export interface ReadContext {
  /** Report a problem that did not stop the read, such as one unparseable row. */
  warn(problem: Problem): void;
  /**
   * Report a file of the source that could not be read (or not completely).
   * The connector then goes on with the source's other files; the run ends
   * with exit code 3 and the file in `skipped`. `readSourceFiles` does this.
   */
  fileFailed(error: SourceReadError): void;
  /** Called as bytes are consumed, for the progress display. */
  progress?(bytesRead: number): void;
  /**
   * A sound byte-level prefilter: readers that support it may skip records
   * whose raw bytes cannot match. It never rejects a record that could.
   */
  prefilter?: Prefilter | undefined;
  /**
   * False when this read's warnings and failed files are not reported (an
   * earlier read of the same files in this run reported them): content the
   * prefilter rules out need not even be parsed to check it. Absent: true.
   */
  validate?: boolean | undefined;
  /**
   * Reports that will be known later (a check running in a worker,
   * src/io/checks.ts): they take their place here, in the order of the
   * reports, and `p`'s function makes them (with `warn` and `fileFailed`)
   * when the search is done. Absent: await `p` and call its function.
   */
  later?(p: Promise<() => void>): void;
  signal?: AbortSignal | undefined;
  /**
   * The scope of the file whose records come next (`readEachFile` reports
   * it from its `scopeOf`); undefined: not known, any identifier.
   */
  fileScope?(file: string, scope: IdentifierScope | undefined): void;
}

/** Hands reports that will be known later to `ctx.later`, or makes them now when the caller has none. */
export async function reportLater(ctx: Pick<ReadContext, 'later'>, p: Promise<() => void>): Promise<void> {
  if (ctx.later) ctx.later(p);
  else (await p)();
}

export interface Connector<O = Record<string, unknown>> {
  /** Equals the connector's folder name; the `connector:` value in the config. */
  id: string;
  title: string;
  formats: FormatDescription[];
  optionsSchema: z.ZodType<O>;
  describe(options: O): ConnectorDescription;
  detect(sample: FileSample): Detection | undefined;
  check(input: SourceInput<O>): Promise<Problem[]>;
  read(input: SourceInput<O>, ctx: ReadContext): AsyncIterable<SourceRecord>;
}

// Connectors are heterogeneous in their options; the registry holds them erased.
// eslint-disable-next-line @typescript-eslint/no-explicit-any
export type AnyConnector = Connector<any>;

/** Helps a connector module keep its option type: `export default defineConnector({...})`. */
export function defineConnector<O>(c: Connector<O>): Connector<O> {
  return c;
}
