/**
 * Lime CRM: saved REST API responses (HAL+JSON pages, single objects,
 * embedded relations, Query API results) and the client's list export of
 * persons and companies (Excel or CSV). formats.md §1.
 *
 * A record's entity is its limetype. The core data model's limetypes are
 * known (fields.ts); any other limetype is read with the rule for every
 * limetype and can be declared in `options.limetypes`.
 */
import { z } from 'zod';
import type { SourceRecord } from '../../src/core/record.ts';
import { RECORD_CATEGORIES, type RecordCategory } from '../../src/register/categories.ts';
import { FieldClassificationSchema, scopeWithExtra, withExtraFields, withLabels } from '../../src/sources/classify.ts';
import { defineConnector, reportLater, type Connector, type EntityDescription, type FieldDescription, type FileSample, type IdentifierScope, type ReadContext } from '../../src/sources/contract.ts';
import { detectedFiles, hasExt, headText, readEachFile } from '../../src/sources/helpers.ts';
import { aliasTable, looksLikeHeader, readClientExport } from './client-export.ts';
import { CLIENT_COLUMNS, CLIENT_PROPERTIES, clientExportFields, genericFields, LIME_LABELS, LIMETYPES, type LimetypeInfo } from './fields.ts';
import { jsModuleLine, PageChain, readHalFile } from './hal.ts';
import { limetypeInfo } from './records.ts';

const LimetypeName = z.string().regex(/^[a-z][a-z0-9_]*$/u, 'must be a limetype name in lower case, such as person or history');
const RecordCategorySchema = z.enum(Object.keys(RECORD_CATEGORIES) as [RecordCategory, ...RecordCategory[]]);

const ColumnsSchema = z
  .object(Object.fromEntries(CLIENT_PROPERTIES.map((p) => [p, z.string().min(1)])) as Record<(typeof CLIENT_PROPERTIES)[number], z.ZodString>)
  .partial()
  .strict();

const OptionsSchema = z
  .object({
    /** The limetype of objects that do not say (Query API results), and of the client export (person or company). */
    limetype: LimetypeName.optional(),
    /** The solution's own limetypes: their register category, title, and whether their objects are parties. */
    limetypes: z
      .record(
        LimetypeName,
        z
          .object({
            category: RecordCategorySchema,
            title: z.string().min(1).optional(),
            party: z.enum(['person', 'organisation']).optional(),
          })
          .strict(),
      )
      .optional(),
    /** Relation fields whose name is not their limetype's: `{contactperson: person}`. */
    relations: z.record(z.string().min(1), LimetypeName).optional(),
    /** The solution's own fields and their data category (and identifier kind). */
    fields: FieldClassificationSchema.optional(),
    /** The solution's own free-text fields, scanned like `note`. */
    textFields: z.array(z.string().min(1)).optional(),
    /** Client export: the header of a property the alias table does not know. */
    columns: ColumnsSchema.optional(),
    delimiter: z.string().length(1).optional(),
    encoding: z.enum(['utf8', 'utf16le', 'cp1252']).optional(),
  })
  .strict();
type Options = z.infer<typeof OptionsSchema>;

/** Fields of one limetype: its own, the rule for every limetype, the client export's headers, and the source's own. */
function entityFields(limetype: string, info: LimetypeInfo | undefined, options: Options): FieldDescription[] {
  const byName = new Map<string, FieldDescription>();
  for (const f of genericFields()) byName.set(f.name, f);
  for (const f of info?.fields ?? []) byName.set(f.name, f);
  if (limetype === 'person' || limetype === 'company') {
    const exported = clientExportFields(limetype);
    for (const f of exported) if (!byName.has(f.name)) byName.set(f.name, f);
    // A column the source names itself is classified as the property it shows.
    for (const [p, header] of Object.entries(options.columns ?? {})) {
      const like = exported.find((f) => f.name === CLIENT_COLUMNS[p as keyof typeof CLIENT_COLUMNS].headers[0]);
      if (header && like && !byName.has(header)) byName.set(header, { ...like, name: header });
    }
  }
  for (const name of options.textFields ?? []) {
    if (!byName.has(name)) byName.set(name, { name, category: 'interaction', personal: true, description: 'Free text, scanned for identifiers and names' });
  }
  return withExtraFields(withLabels([...byName.values()], LIME_LABELS), options.fields);
}

function describeEntities(options: Options): EntityDescription[] {
  const names = [...new Set([...Object.keys(LIMETYPES), ...Object.keys(options.limetypes ?? {})])];
  return names.map((lt) => {
    const core = LIMETYPES[lt];
    return {
      entity: lt,
      title: options.limetypes?.[lt]?.title ?? core?.title ?? `${lt} (the solution's own limetype)`,
      category: limetypeInfo(lt, options).category,
      fields: entityFields(lt, core, options),
    };
  });
}

/**
 * Tells the user, once per source, which limetypes and fields it read
 * without a classification: names only, never values.
 */
class Unclassified {
  private readonly described: Map<string, Set<string>>;
  private readonly generic = new Set(genericFields().map((f) => f.name));
  private readonly found = new Map<string, Set<string>>();
  constructor(options: Options) {
    this.described = new Map(describeEntities(options).map((e) => [e.entity, new Set(e.fields.map((f) => f.name))]));
  }
  see(r: SourceRecord): void {
    this.seeFields(r.entity, Object.keys(r.fields));
  }
  /** The fields of a record of this entity, read or skipped by a prefilter (client-export.ts). */
  seeFields(entity: string, fields: string[]): void {
    const known = this.described.get(entity) ?? this.generic;
    let set = this.found.get(entity);
    for (const k of fields) {
      if (known.has(k)) continue;
      if (!set) this.found.set(entity, (set = new Set()));
      set.add(k);
    }
    if (!this.described.has(entity) && !this.found.has(entity)) this.found.set(entity, new Set());
  }
  report(ctx: ReadContext, source: string): void {
    for (const [entity, fields] of this.found) {
      const limetype = this.described.has(entity) ? '' : `limetype ${entity} is not one the connector knows: declare it in options.limetypes. `;
      const list = [...fields].sort();
      const these = list.length > 0 ? `${list.length} field(s) of ${entity} are not classified: ${list.slice(0, 12).join(', ')}${list.length > 12 ? ', ...' : ''}; classify them in options.fields` : '';
      ctx.warn({ code: 'lime.unclassified', message: `${limetype}${these}`.trim(), source });
    }
  }
}

/** What a client export's rows can carry (readClientExport, partyIdentifiers over CLIENT_COLUMNS). */
const CLIENT_EXPORT_SCOPE: IdentifierScope = {
  kinds: ['email', 'phone', 'pnr', 'orgnr', 'customerNo', 'systemId', 'name', 'company', 'address'],
  systemIds: ['lime:'],
};

const connector: Connector<Options> = defineConnector<Options>({
  id: 'lime',
  title: 'Lime CRM',
  formats: [
    {
      id: 'hal-json',
      title: 'Lime REST API responses (HAL+JSON)',
      description: 'Saved responses of GET /api/v1/limeobject/<limetype>/ (pages with _embedded.limeobjects and _links.next), single objects, _embed relations, and Query API results',
      extensions: ['json'],
    },
    {
      id: 'client-export',
      title: 'Lime client list export (Excel or CSV)',
      description: 'A list of persons or companies exported from the Lime desktop or web client, with the local names as headers',
      extensions: ['xlsx', 'csv', 'txt'],
    },
  ],
  optionsSchema: OptionsSchema,
  describe: (options) => ({ entities: describeEntities(options) }),
  detect(sample: FileSample) {
    const zip = sample.head[0] === 0x50 && sample.head[1] === 0x4b;
    if (hasExt(sample.name, 'xlsx', 'xlsm')) return { format: 'client-export', confidence: zip ? 0.5 : 0.3 };
    if (zip) return undefined;
    const text = headText(sample.head);
    if (jsModuleLine(sample.head) !== undefined) {
      // The LimeBootstrap mocks: recognised so that read() can say what they are.
      return /limeobject|_embedded|_descriptive/u.test(text) ? { format: 'hal-json', confidence: 0.3 } : undefined;
    }
    const t = text.trimStart();
    if (t.startsWith('{') || t.startsWith('[')) {
      if (/"limeobjects"\s*:/u.test(text)) return { format: 'hal-json', confidence: 0.95 };
      if (/\/limeobject\/[a-z0-9_]+\//iu.test(text) || /"_descriptive"\s*:/u.test(text)) return { format: 'hal-json', confidence: 0.85 };
      if (/"limetypes"\s*:/u.test(text) && /\/limetype\//u.test(text)) return { format: 'hal-json', confidence: 0.6 };
      if (/^\{\s*"objects"\s*:\s*\[/u.test(t) && /"_id"\s*:/u.test(text)) return { format: 'hal-json', confidence: 0.6 };
      return undefined;
    }
    // A list export: a header of the limetype's local names within the first lines.
    const aliases = aliasTable(undefined);
    const lines = text.split(/\r?\n/u).slice(0, 5);
    for (const line of lines) {
      const cells = line.split(/[;,\t]/u).map((c) => c.replace(/^"|"$/gu, ''));
      if (looksLikeHeader(cells, aliases)) {
        // Columns only Lime's lists have (the buying status, the web address, a visiting address) make it surer.
        const limeOnly = cells.some((c) => /^(kundstatus|buying ?status|webbplats|besöksadress|visiting ?address|befattning)$/iu.test(c.trim()));
        // A customer number and nothing only Lime's lists have: more likely an accounting system's customer list.
        const customerNo = cells.some((c) => /^(kundnummer|kundnr|customer ?number|customernumber)$/iu.test(c.trim()));
        return { format: 'client-export', confidence: limeOnly ? 0.6 : customerNo ? 0.4 : 0.5 };
      }
    }
    return undefined;
  },
  async check(input) {
    const problems = [];
    const lt = input.options.limetype;
    if (input.format === 'client-export' && lt && lt !== 'person' && lt !== 'company') {
      problems.push({ code: 'lime.export-limetype', message: `options.limetype must be person or company for format client-export, not ${lt}`, source: input.name });
    }
    return problems;
  },
  async *read(input, ctx) {
    const chain = new PageChain();
    const unclassified = new Unclassified(input.options);
    const files = detectedFiles(connector, input, ctx);
    const records = readEachFile(
      files,
      ctx,
      ({ file, format }) =>
        format === 'client-export' ? readClientExport(file, ctx, input.options, (e, f) => unclassified.seeFields(e, f)) : readHalFile(file, ctx, input.options, chain),
      // A client export's columns are a fixed set (CLIENT_COLUMNS), none a GA client id, user id or IP; a
      // HAL page can hold any property, so its scope is not known.
      (format) => (format === 'client-export' ? scopeWithExtra(CLIENT_EXPORT_SCOPE, input.options.fields) : undefined),
    );
    for await (const r of records) {
      unclassified.see(r);
      yield r;
    }
    for (const file of chain.missing()) {
      ctx.warn({
        code: 'lime.missing-page',
        message: 'the page links to a next page (_links.next) that is not among the saved files: the export may be incomplete',
        file,
      });
    }
    // After the reports of the rows a prefilter skipped, which may come later (checks.ts).
    await reportLater(ctx, Promise.resolve(() => unclassified.report(ctx, input.name)));
  },
});

export default connector;
