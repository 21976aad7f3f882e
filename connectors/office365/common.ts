/** Small rules the office365 readers share: dates, the bookkeeping flag, e-mail domains, HTML bodies, a contact card's parties. */
import type { HolderInfo } from '../../src/core/record.ts';

/** The words that make an e-mail possible räkenskapsinformation (formats.md §3.5). */
export const BOOKKEEPING_WORDS = ['faktura', 'kvitto', 'order', 'avtal', 'invoice', 'receipt'];

/**
 * Does a subject name an invoice, receipt, order or agreement? A word
 * counts where it starts a word, so `Fakturan`, `Orderbekräftelse` and
 * `SV: Avtal` do and `border` does not.
 */
export function bookkeepingPattern(extra: string[] = []): RegExp {
  const words = [...BOOKKEEPING_WORDS, ...extra].map((w) => w.trim().toLowerCase()).filter(Boolean);
  const escaped = words.map((w) => w.replace(/[.*+?^${}()|[\]\\]/gu, '\\$&'));
  return new RegExp(`(?:^|[^\\p{L}\\p{N}])(?:${escaped.join('|')})`, 'iu');
}

/** The date part of an ISO timestamp (`2025-04-30T10:05:12Z` → `2025-04-30`), in UTC as exported. */
export function isoDate(...values: unknown[]): string | undefined {
  for (const v of values) {
    if (typeof v !== 'string') continue;
    const m = /^\s*(\d{4}-\d{2}-\d{2})(?:[T ]|$)/u.exec(v);
    if (m) return m[1];
  }
  return undefined;
}

/** The domain of an address, lower case, or undefined. */
export function domainOf(address: string): string | undefined {
  const at = address.lastIndexOf('@');
  if (at < 0) return undefined;
  const d = address.slice(at + 1).trim().replace(/[>\s]+$/u, '').toLowerCase();
  return d.length > 0 ? d : undefined;
}

/** An address-like value (used to skip display names that are only the address). */
export function looksLikeAddress(s: string): boolean {
  return /^[^\s@]+@[^\s@]+$/u.test(s.trim());
}

/**
 * `Åsa Lindqvist (asa.lindqvist@lindqvistbygg.example)` → name and address.
 * Classic Outlook writes the E-mail Display Name so (formats.md §3.2).
 */
export function splitDisplayName(s: string): { name: string; address?: string } {
  const t = s.trim();
  const m = /^(.*?)\s*\(([^()\s]+@[^()\s]+)\)\s*$/u.exec(t);
  if (m) return { name: m[1]!.trim(), address: m[2]! };
  const angle = /^(.*?)\s*<([^<>\s]+@[^<>\s]+)>\s*$/u.exec(t);
  if (angle) return { name: angle[1]!.trim().replace(/^"|"$/gu, ''), address: angle[2]! };
  if (looksLikeAddress(t)) return { name: '', address: t };
  return { name: t };
}

const ENTITIES: Record<string, string> = { nbsp: ' ', amp: '&', lt: '<', gt: '>', quot: '"', apos: "'", auml: 'ä', aring: 'å', ouml: 'ö', Auml: 'Ä', Aring: 'Å', Ouml: 'Ö', eacute: 'é' };

/**
 * Text of an HTML body for the free-text scan: tags removed, entities
 * decoded. Graph returns HTML bodies unless asked for text (formats.md
 * §3.1), and `070-174&nbsp;06&nbsp;12` would hide a phone number.
 */
export function htmlToText(html: string): string {
  return html
    .replace(/<(script|style|head)\b[^>]*>[\s\S]*?<\/\1\s*>/giu, ' ')
    .replace(/<br\s*\/?>|<\/(p|div|tr|li|h\d)\s*>/giu, '\n')
    .replace(/<[^>]*>/gu, ' ')
    .replace(/&(#x[0-9a-f]+|#\d+|[a-z]+);/giu, (m, e: string) => {
      if (e.startsWith('#x') || e.startsWith('#X')) return String.fromCodePoint(parseInt(e.slice(2), 16));
      if (e.startsWith('#')) return String.fromCodePoint(parseInt(e.slice(1), 10));
      return ENTITIES[e] ?? m;
    })
    .replace(/[ \t\u00a0]+/gu, ' ');
}

/** A short label part, without line breaks. */
export function short(s: string, max = 60): string {
  const t = s.replace(/\s+/gu, ' ').trim();
  return t.length > max ? `${t.slice(0, max - 1)}…` : t;
}

/**
 * The parties of a contact card beside its person: the employer (an
 * organisation, context) and the other people whose names and numbers the
 * card keeps (assistant, manager, spouse, children), whose data the letter
 * to the person does not show (Art. 15(4)). One list for every contact
 * format (Graph, Outlook CSV, vCard), so that a party named in one is named
 * in all.
 */
export const CONTACT_CARD_PARTIES: Readonly<Record<string, HolderInfo>> = Object.freeze({
  employer: { scope: 'organisation', role: 'employer' },
  assistant: { scope: 'person', role: 'assistant' },
  manager: { scope: 'person', role: 'manager' },
  spouse: { scope: 'person', role: 'spouse' },
  children: { scope: 'person', role: 'child' },
});
