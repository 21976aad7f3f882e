/**
 * Saved responses of the Lime REST API (formats.md §1.1-1.3): a page of
 * `GET /api/v1/limeobject/<limetype>/` (`_embedded.limeobjects[]`, paged
 * by `_links.next`), a single object (`GET .../<limetype>/<id>/`) with its
 * `_embed`ded relations in `_embedded.relation_<name>`, and the Query API's
 * `{"objects": [...]}`.
 *
 * Which limetype an object is: its own `_links.limetype.name`, else its
 * `_links.self.href` (`/limeobject/<limetype>/<id>/`), else the embedding
 * relation's name, else the page's self link (`/limeobject/person/1001/history/`
 * holds history), else `options.limetype`, else the file name
 * (`query-person.json`, `persons-page-1.json`).
 */
import { SourceReadError } from '../../src/errors.ts';
import type { SourceFile } from '../../src/io/files.ts';
import { readHead } from '../../src/io/files.ts';
import { JSON_IN_MEMORY_LIMIT, pointerOf, readJsonDocument, streamJsonItems } from '../../src/io/json.ts';
import type { SourceRecord } from '../../src/core/record.ts';
import type { ReadContext } from '../../src/sources/contract.ts';
import { headText } from '../../src/sources/helpers.ts';
import { LIMETYPES } from './fields.ts';
import { isObj, objectRecord, type Obj, type Solution } from './records.ts';

/** Embedded relations are followed this deep (an embedded person's embedded company ...). */
const MAX_EMBED_DEPTH = 3;

export interface HalOptions extends Solution {
  limetype?: string | undefined;
}

/** What the pages of one source say about each other, to tell when one is missing. */
export class PageChain {
  private readonly selves = new Set<string>();
  private readonly nexts: { file: string; key: string }[] = [];

  add(file: string, links: unknown): void {
    if (!isObj(links)) return;
    const self = hrefKey(links.self);
    if (self) this.selves.add(self);
    const next = hrefKey(links.next);
    if (next) this.nexts.push({ file, key: next });
  }

  /** Pages that a saved page links to as `next` but that are not among the saved files. */
  missing(): string[] {
    return [...new Set(this.nexts.filter((n) => !this.selves.has(n.key)).map((n) => n.file))];
  }
}

function hrefKey(link: unknown): string | undefined {
  if (!isObj(link) || typeof link.href !== 'string') return undefined;
  try {
    const u = new URL(link.href, 'http://lime.invalid/');
    return u.pathname.replace(/\/+$/u, '') + u.search;
  } catch {
    return undefined;
  }
}

const LIMEOBJECT_HREF = /\/limeobject\/([a-z0-9_]+)\/(?:(\d+)\/(?:([a-z0-9_]+)\/?)?)?(?:[?#]|$)/iu;

/** The limetype a limeobject URL is about: `/limeobject/person/1001/` is a person, `/limeobject/person/1001/history/` lists history. */
export function limetypeOfHref(href: unknown, solution: Solution): string | undefined {
  if (typeof href !== 'string') return undefined;
  const m = LIMEOBJECT_HREF.exec(href);
  if (!m) return undefined;
  if (m[3]) {
    const rel = m[3].toLowerCase();
    return solution.relations?.[rel] ?? rel;
  }
  return m[1]!.toLowerCase();
}

/** The limetype the objects of a page are, from the page's own self link. */
function pageLimetype(links: unknown, solution: Solution): string | undefined {
  return isObj(links) && isObj(links.self) ? limetypeOfHref(links.self.href, solution) : undefined;
}

/** The limetype an object says it is. */
function ownLimetype(obj: Obj, solution: Solution): string | undefined {
  const links = obj._links;
  if (!isObj(links)) return undefined;
  const lt = links.limetype;
  if (isObj(lt) && typeof lt.name === 'string' && /^[a-z0-9_]+$/iu.test(lt.name)) return lt.name.toLowerCase();
  if (isObj(links.self)) {
    const fromSelf = limetypeOfHref(links.self.href, solution);
    // A self link of an object ends in its id.
    if (fromSelf && /\/\d+\/?(?:[?#]|$)/u.test(String(links.self.href))) return fromSelf;
  }
  return undefined;
}

/** Plurals and Swedish names of the core limetypes in file names people give saved responses. */
const FILE_NAME_WORDS: Record<string, string> = {
  persons: 'person', people: 'person', personer: 'person', kontakter: 'person',
  companies: 'company', foretag: 'company', 'företag': 'company',
  histories: 'history', historik: 'history',
  deals: 'deal', affarer: 'deal', 'affärer': 'deal',
  consents: 'consent', samtycken: 'consent',
  participants: 'participant', deltagare: 'participant',
  helpdesks: 'helpdesk', arenden: 'helpdesk', 'ärenden': 'helpdesk',
  coworkers: 'coworker', medarbetare: 'coworker',
};

/** The limetype a file's name suggests: the last word that names one (`person-1001-history.json` holds history). */
export function limetypeOfFileName(rel: string, solution: Solution): string | undefined {
  const base = (rel.split('/').pop() ?? rel).replace(/\.[^.]*$/u, '').toLowerCase();
  const words = base.split(/[^\p{L}\p{N}_]+/u).filter(Boolean);
  const names = new Set([...Object.keys(LIMETYPES), ...Object.keys(solution.limetypes ?? {})]);
  for (let i = words.length - 1; i >= 0; i--) {
    const w = words[i]!;
    const candidates = [w, FILE_NAME_WORDS[w], w.replace(/s$/u, ''), w.replace(/ies$/u, 'y')];
    const hit = candidates.find((c) => c && names.has(c));
    if (hit) return hit;
  }
  return undefined;
}

/**
 * The line of a JavaScript module's first statement, if the head is one
 * (`module.exports = {...}`, `export default {...}`, as the LimeBootstrap
 * mocks are). Such a file is not JSON, and it is never run.
 */
export function jsModuleLine(head: Buffer): number | undefined {
  const text = headText(head);
  const m = /^((?:\s|\/\/[^\n]*\n|\/\*[\s\S]*?\*\/)*)(?:module\.exports\b|exports\.\w+\s*=|export\s+(?:default|const|let|var)\b|(?:const|let|var)\s+\w+\s*=|define\s*\()/u.exec(text);
  // The statement's line: one more than the line breaks before it.
  return m ? m[1]!.split('\n').length : undefined;
}

interface Item {
  obj: Obj;
  keys: (string | number)[];
  /** Where the object's limetype comes from when it does not say (in order). */
  fallbacks: (string | undefined)[];
}

function* embeddedItems(parent: Item, solution: Solution, depth: number): Generator<Item> {
  const emb = parent.obj._embedded;
  if (!isObj(emb) || depth > MAX_EMBED_DEPTH) return;
  for (const [k, v] of Object.entries(emb)) {
    const rel = k.replace(/^relation_/u, '');
    const hint = solution.relations?.[rel] ?? rel;
    const children = Array.isArray(v) ? v.map((c, i) => [c, [...parent.keys, '_embedded', k, i]] as const) : [[v, [...parent.keys, '_embedded', k]] as const];
    for (const [c, keys] of children) {
      if (!isObj(c)) continue;
      const item: Item = { obj: c, keys: [...keys], fallbacks: [hint] };
      yield item;
      yield* embeddedItems(item, solution, depth + 1);
    }
  }
}

/** Every object in a parsed response, with the hints for its limetype. */
function* documentItems(doc: unknown, file: SourceFile, opts: HalOptions, chain: PageChain, ctx: ReadContext): Generator<Item> {
  const fileHint = limetypeOfFileName(file.rel, opts);
  const list = (arr: unknown[], keys: (string | number)[], fallbacks: (string | undefined)[]): Item[] =>
    arr.flatMap((o, i) => (isObj(o) ? [{ obj: o, keys: [...keys, i], fallbacks }] : []));
  let top: Item[];
  if (Array.isArray(doc)) {
    top = list(doc, [], [opts.limetype, fileHint]);
  } else if (isObj(doc) && isObj(doc._embedded) && Array.isArray(doc._embedded.limeobjects)) {
    chain.add(file.rel, doc._links);
    top = list(doc._embedded.limeobjects, ['_embedded', 'limeobjects'], [pageLimetype(doc._links, opts), opts.limetype, fileHint]);
  } else if (isObj(doc) && Array.isArray(doc.objects)) {
    top = list(doc.objects, ['objects'], [opts.limetype, fileHint]);
  } else if (isObj(doc) && isObj(doc._embedded) && Array.isArray(doc._embedded.limetypes)) {
    ctx.warn({ code: 'lime.schema', message: 'a limetype definition (GET /api/v1/limetype/), not data: nothing to read in it', file: file.rel });
    return;
  } else if (isObj(doc) && (doc._id !== undefined || isObj(doc._links))) {
    top = [{ obj: doc, keys: [], fallbacks: [opts.limetype, fileHint] }];
  } else {
    throw new SourceReadError('not a Lime API response: expected _embedded.limeobjects (a page), objects (the Query API) or one limeobject', {
      file: file.rel,
      line: 1,
      code: 'lime.not-limeobject',
    });
  }
  for (const item of top) {
    yield item;
    yield* embeddedItems(item, opts, 1);
  }
}

function toRecord(item: Item, file: SourceFile, opts: HalOptions): SourceRecord {
  const pointer = pointerOf(item.keys);
  const limetype = ownLimetype(item.obj, opts) ?? item.fallbacks.find((h): h is string => !!h);
  if (!limetype) {
    throw new SourceReadError(
      `cannot tell which limetype the object at ${pointer || '/'} is: it has no _links, and neither the page, options.limetype nor the file name says; set options.limetype or name the file after the limetype (query-person.json)`,
      { file: file.rel, code: 'lime.no-limetype' },
    );
  }
  return objectRecord(item.obj, limetype, { file: file.rel, pointer }, opts);
}

/** Records of one saved response file. */
export async function* readHalFile(file: SourceFile, ctx: ReadContext, opts: HalOptions, chain: PageChain): AsyncGenerator<SourceRecord> {
  const jsLine = jsModuleLine(await readHead(file.abs, 4096));
  if (jsLine !== undefined) {
    throw new SourceReadError('a JavaScript module (module.exports = ...), not JSON; ojco-dsar does not run code: save the API response itself as .json', {
      file: file.rel,
      line: jsLine,
      code: 'lime.js-module',
    });
  }
  if (file.size <= JSON_IN_MEMORY_LIMIT) {
    const doc = await readJsonDocument(file);
    for (const item of documentItems(doc, file, opts, chain, ctx)) yield toRecord(item, file, opts);
    return;
  }
  // A response too large to parse whole: the objects as they stream by. The
  // page's own links usually come last; a second pass fetches them first
  // only when an object does not say its limetype.
  let links: unknown;
  let linksRead = false;
  const fileHint = limetypeOfFileName(file.rel, opts);
  for await (const it of streamJsonItems(file, [['_links'], ['_embedded', 'limeobjects', '*'], ['objects', '*']])) {
    if (it.pointer === '/_links') {
      if (!linksRead) [links, linksRead] = [it.value, true];
      continue;
    }
    if (!isObj(it.value)) continue;
    const keys = it.pointer.split('/').slice(1).map((k) => k.replace(/~1/gu, '/').replace(/~0/gu, '~'));
    const query = keys[0] === 'objects';
    if (!query && !linksRead && !ownLimetype(it.value, opts)) {
      for await (const l of streamJsonItems(file, [['_links']])) links ??= l.value;
      linksRead = true;
    }
    const item: Item = { obj: it.value, keys, fallbacks: query ? [opts.limetype, fileHint] : [pageLimetype(links, opts), opts.limetype, fileHint] };
    yield toRecord(item, file, opts);
    for (const e of embeddedItems(item, opts, 1)) yield toRecord(e, file, opts);
  }
  chain.add(file.rel, links);
}
