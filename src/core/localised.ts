/**
 * A text that reads the same in Swedish and English (`USA`, a company's
 * name), or one per language (`Sverige` / `Sweden`): the register's
 * recipients and countries (src/register/schema.ts), read by the extract in
 * its language and by plans in English.
 */
export type Localised = string | { sv: string; en: string };

/** The form of a localised text for a language. */
export function localised(v: Localised, lang: 'sv' | 'en'): string {
  return typeof v === 'string' ? v : v[lang];
}
