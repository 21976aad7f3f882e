/**
 * A source's own fields. Exports carry columns that only this company has
 * (Mailchimp merge fields, Lime solution fields, APSIS consent topics). The
 * config classifies them in the source's `options.fields`, so that every
 * field read is classified (`ojco-dsar check` fails on one that is not):
 *
 *   options:
 *     fields:
 *       "Nyhetsbrev (e-post)": consent
 *       Kundnummer: { category: customer-account, identifier: customerNo }
 */
import { z } from 'zod';
import { IDENTIFIER_KINDS, type IdentifierKind } from '../core/identity/kinds.ts';
import { DATA_CATEGORIES, type DataCategory } from '../register/categories.ts';
import type { FieldDateFormat, FieldDescription, FieldHtml, FieldLogical, FieldPart, FieldValueList, FieldValues, IdentifierScope } from './contract.ts';
import { NAME_PARTS, type NamePart, type RawIdentifier } from '../core/record.ts';

const Category = z.enum(Object.keys(DATA_CATEGORIES) as [DataCategory, ...DataCategory[]]);

export const FieldClassificationSchema = z.record(
  z.string().min(1),
  z.union([
    Category,
    z
      .object({
        category: Category,
        identifier: z.enum(IDENTIFIER_KINDS).optional(),
        personal: z.boolean().optional(),
        description: z.string().optional(),
        namePart: z.enum(NAME_PARTS).optional(),
      })
      .strict(),
  ]),
);
export type FieldClassification = z.infer<typeof FieldClassificationSchema>;

/** One field of describe(): `field('email', 'contact', true, 'email')`. */
export function field(name: string, category: string, personal: boolean, identifier?: IdentifierKind, description?: string): FieldDescription {
  return { name, category, personal, ...(identifier ? { identifier } : {}), ...(description ? { description } : {}) };
}

/**
 * Marks the fields of a list that hold a part of a person's name
 * (`FieldDescription.namePart`): `withNameParts(fields, { firstname: 'first', lastname: 'last' })`.
 * A name the list does not have is a mistake in the connector and throws.
 */
export function withNameParts(fields: FieldDescription[], parts: Readonly<Record<string, NamePart>>): FieldDescription[] {
  const names = new Set(fields.map((f) => f.name));
  for (const name of Object.keys(parts)) if (!names.has(name)) throw new Error(`withNameParts: no field ${name}`);
  return fields.map((f) => (Object.hasOwn(parts, f.name) ? { ...f, namePart: parts[f.name]! } : f));
}

/**
 * The connector's own field list plus the source's classified extra fields
 * (which win). A field the config classifies anew keeps the connector's
 * label, date format and the rest of how the letter shows it (letterView):
 * they say what the field is, not how it is treated.
 */
export function withExtraFields(fields: FieldDescription[], extra: FieldClassification | undefined): FieldDescription[] {
  if (!extra) return fields;
  const out = new Map(fields.map((f) => [f.name, f]));
  for (const [name, c] of Object.entries(extra)) {
    const o = typeof c === 'string' ? { category: c } : c;
    const own = out.get(name);
    out.set(name, {
      name,
      category: o.category,
      personal: o.personal ?? o.category !== 'none',
      ...(o.identifier ? { identifier: o.identifier } : {}),
      ...(o.description ? { description: o.description } : {}),
      // What part of a name the field holds says what it is, like its label: the connector's stays unless the config says.
      ...((o.namePart ?? own?.namePart) ? { namePart: (o.namePart ?? own?.namePart)! } : {}),
      ...letterView(own),
    });
  }
  return [...out.values()];
}

/**
 * Swedish and English label of a field, and its date format if it holds a
 * date: `['Födelsedag', 'Birthday', 'date']`; or, for a field that holds
 * HTML, is a choice (`option`), a yes or no (`logical`), a code (`values`,
 * `valueList`), a share (`share`) or names its list items, the same as an object. A key with
 * dots labels a part of a nested field, by its path without list indices
 * (`'Rows.PercentVat'`, `'from.emailAddress.address'`).
 */
export type FieldLabels = Record<string, FieldLabel>;
export type FieldLabel =
  | readonly [sv: string, en: string, dateFormat?: FieldDateFormat]
  | { sv: string; en: string; dateFormat?: FieldDateFormat; html?: FieldHtml; itemKey?: string; option?: true; logical?: FieldLogical; values?: FieldValues; valueList?: FieldValueList; share?: true };

/**
 * dBase type L (a logical): `T`, `t`, `Y` or `y` is true, `F`, `f`, `N` or
 * `n` false, and `?` not set (the reader leaves that out). Visma
 * Administration's KUND.DBF and KONTAKT.DBF hold such fields (`KRAVBREV`,
 * `REKL_EPOST`); the type is in each field's descriptor in the file's header.
 */
export const DBASE_LOGICAL: FieldLogical = { yes: ['T', 'Y'], no: ['F', 'N'] };

/** The fields named as logicals (FieldDescription.logical), where the format's own type says so; the others as they were. */
export function withLogical(fields: FieldDescription[], names: readonly string[], logical: FieldLogical): FieldDescription[] {
  const set = new Set(names);
  for (const n of set) if (!fields.some((f) => f.name === n)) throw new Error(`withLogical: ${n} is not a described field`);
  return fields.map((f) => (set.has(f.name) ? { ...f, logical } : f));
}

function letterPart(l: FieldLabel): FieldPart & { itemKey?: string } {
  if (Array.isArray(l)) {
    const [sv, en, dateFormat] = l as readonly [string, string, FieldDateFormat?];
    return { label: { sv, en }, ...(dateFormat ? { dateFormat } : {}) };
  }
  const o = l as Exclude<FieldLabel, readonly unknown[]>;
  return {
    label: { sv: o.sv, en: o.en },
    ...(o.dateFormat ? { dateFormat: o.dateFormat } : {}),
    ...(o.html ? { html: o.html } : {}),
    ...(o.itemKey ? { itemKey: o.itemKey } : {}),
    ...(o.option ? { option: o.option } : {}),
    ...(o.logical ? { logical: o.logical } : {}),
    ...(o.values ? { values: o.values } : {}),
    ...(o.valueList ? { valueList: o.valueList } : {}),
    ...(o.share ? { share: o.share } : {}),
  };
}

/** The fields with the letter's label (and date format, HTML, parts) of those `labels` names; the others as they were. */
export function withLabels(fields: FieldDescription[], labels: FieldLabels): FieldDescription[] {
  return fields.map((f) => {
    let out = f;
    if (Object.hasOwn(labels, f.name)) out = { ...out, ...letterPart(labels[f.name]!) };
    const prefix = `${f.name}.`;
    for (const [path, l] of Object.entries(labels)) {
      if (!path.startsWith(prefix)) continue;
      const { itemKey: _, ...part } = letterPart(l);
      out = { ...out, parts: { ...out.parts, [path.slice(prefix.length)]: part } };
    }
    return out;
  });
}

/** How the letter shows a field (label, date format, HTML, choice, yes or no, codes, share, parts): kept when the config classifies the field anew. */
export function letterView(f: FieldDescription | undefined): Pick<FieldDescription, 'label' | 'dateFormat' | 'html' | 'option' | 'logical' | 'values' | 'valueList' | 'share' | 'parts' | 'itemKey'> {
  if (!f) return {};
  return {
    ...(f.label ? { label: f.label } : {}),
    ...(f.dateFormat ? { dateFormat: f.dateFormat } : {}),
    ...(f.html ? { html: f.html } : {}),
    ...(f.option ? { option: f.option } : {}),
    ...(f.logical ? { logical: f.logical } : {}),
    ...(f.values ? { values: f.values } : {}),
    ...(f.valueList ? { valueList: f.valueList } : {}),
    ...(f.share ? { share: f.share } : {}),
    ...(f.parts ? { parts: f.parts } : {}),
    ...(f.itemKey ? { itemKey: f.itemKey } : {}),
  };
}

/** Identifiers in the fields the config classified with an `identifier` kind. */
export function extraIdentifiers(fields: Record<string, unknown>, extra: FieldClassification | undefined): RawIdentifier[] {
  if (!extra) return [];
  const out: RawIdentifier[] = [];
  for (const [name, c] of Object.entries(extra)) {
    if (typeof c !== 'object' || !c.identifier) continue;
    const v = fields[name];
    if (typeof v === 'string' && v.trim()) out.push({ kind: c.identifier, field: name, value: v.trim() });
    else if (typeof v === 'number') out.push({ kind: c.identifier, field: name, value: String(v) });
  }
  return out;
}

/**
 * A file's identifier scope (contract.ts) with the kinds `options.fields`
 * adds through extraIdentifiers. Their systemId values carry no namespace,
 * so a config that maps a field to systemId lifts the prefixes.
 */
export function scopeWithExtra(base: IdentifierScope, extra: FieldClassification | undefined): IdentifierScope {
  const added = new Set<IdentifierKind>();
  for (const c of Object.values(extra ?? {})) if (typeof c === 'object' && c.identifier) added.add(c.identifier);
  if (added.size === 0) return base;
  const kinds = [...new Set([...base.kinds, ...added])];
  return added.has('systemId') ? { kinds } : { kinds, ...(base.systemIds ? { systemIds: base.systemIds } : {}) };
}
