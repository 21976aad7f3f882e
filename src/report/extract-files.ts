/**
 * Names of the extract's files and sheets (docs/extract.md "Files").
 *
 * - `registerutdrag-<date>.json|xlsx|html` in Swedish and
 *   `register-extract-<date>.…` in English, where <date> is the extract's
 *   date (`--as-of`, default today), so the two languages can share a folder;
 * - one CSV per system: `registerutdrag-<date>-<system-slug>.csv`, the slug
 *   being the system's name in the extract language in lower-case ASCII
 *   (`Nyhetsbrevsverktyget` → `nyhetsbrevsverktyget`,
 *   `Visma (ekonomisystem)` → `visma-ekonomisystem`).
 *
 * The names hold no personal data: they may be listed in logs and tickets.
 */
import type { ExtractLang } from './extract-schema.ts';

export const EXTRACT_FORMATS = ['json', 'xlsx', 'csv', 'html'] as const;
export type ExtractFormat = (typeof EXTRACT_FORMATS)[number];

export function isExtractFormat(s: string): s is ExtractFormat {
  return (EXTRACT_FORMATS as readonly string[]).includes(s);
}

export function extractBaseName(lang: ExtractLang, date: string): string {
  return `${lang === 'sv' ? 'registerutdrag' : 'register-extract'}-${date}`;
}

const FOLD: Record<string, string> = { ø: 'o', æ: 'ae', ß: 'ss', đ: 'd', ł: 'l', þ: 'th' };

/** Lower-case ASCII words joined by `-`: `Bokföringen (SIE-export från Visma)` → `bokforingen-sie-export-fran-visma`. */
export function slug(s: string, max = 60): string {
  const folded = s
    .normalize('NFKD')
    .replace(/\p{M}/gu, '')
    .toLowerCase()
    .replace(/[øæßđłþ]/gu, (c) => FOLD[c] ?? c);
  const out = folded.replace(/[^a-z0-9]+/gu, '-').replace(/^-+|-+$/gu, '').slice(0, max).replace(/-+$/u, '');
  return out || 'system';
}

/** One CSV file name per system, unique even when two systems share a slug. */
export function csvFileNames(systems: string[], base: string): Map<string, string> {
  const used = new Set<string>();
  const out = new Map<string, string>();
  for (const sys of systems) {
    const s = slug(sys);
    let name = `${base}-${s}.csv`;
    for (let n = 2; used.has(name); n++) name = `${base}-${s}-${n}.csv`;
    used.add(name);
    out.set(sys, name);
  }
  return out;
}

/** Excel's rules for sheet names: at most 31 characters, none of : \ / ? * [ ], not starting or ending with '. */
export const SHEET_NAME_MAX = 31;

export function sheetNames(systems: string[], reserved: string[]): Map<string, string> {
  const used = new Set(reserved.map((r) => r.toLowerCase()));
  const out = new Map<string, string>();
  for (const sys of systems) {
    const clean = sys.replace(/[:\\/?*[\]]/gu, ' ').replace(/\s+/gu, ' ').trim().replace(/^'+|'+$/gu, '') || 'System';
    let name = clean.slice(0, SHEET_NAME_MAX).trim();
    for (let n = 2; used.has(name.toLowerCase()); n++) {
      const suffix = ` (${n})`;
      name = clean.slice(0, SHEET_NAME_MAX - suffix.length).trim() + suffix;
    }
    used.add(name.toLowerCase());
    out.set(sys, name);
  }
  return out;
}
