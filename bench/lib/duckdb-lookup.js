#!/usr/bin/env node
// The DuckDB side of the bench: the same lookups as ojco-dsar, in SQL, on the
// same files. Runs as its own process (so its wall time and peak RSS can be
// measured like the tool's) and prints one JSON document on stdout.
//
//   node bench/lib/duckdb-lookup.js --corpus DIR --kind email|phone|pnr|name --value V
//   node bench/lib/duckdb-lookup.js --corpus DIR --requests FILE      (batch: hash join)
//   node bench/lib/duckdb-lookup.js --probe --corpus DIR               (what DuckDB can and cannot read)
//
// Normalisation (the same as the tool's, written in SQL):
//   e-mail  lower(trim())
//   phone   digits only; 0046… and 46… folded to the national 0…
//   pnr     digits only; 10 digits get their century (19/20 by the current year, '+' = over 100)
//   name    strip_accents(lower()), split into tokens, tokens sorted (Märta Öberg = Oberg, Marta)
// Free text (mail subject and body, GA page addresses and titles, Mailchimp NOTES)
// is scanned with regular expressions for e-mails, phones and personnummer, and,
// for a name lookup, for the name as given.
import path from 'node:path';
import fs from 'node:fs';
import { DuckDBInstance } from '@duckdb/node-api';

const args = process.argv.slice(2);
const opt = (n) => {
  const i = args.indexOf(`--${n}`);
  return i >= 0 ? args[i + 1] : undefined;
};
const corpus = path.resolve(opt('corpus') ?? '.');
const threads = opt('threads') ?? '2';
const sq = (s) => `'${String(s).replace(/'/g, "''")}'`;
const p = (rel) => sq(path.join(corpus, rel));

const MACROS = `
CREATE MACRO digits(x) AS regexp_replace(coalesce(x, ''), '[^0-9]', '', 'g');
CREATE MACRO fold_phone(d) AS CASE WHEN d LIKE '0046%' THEN '0' || d[5:] WHEN d LIKE '46%' AND length(d) BETWEEN 10 AND 12 THEN '0' || d[3:] ELSE d END;
CREATE MACRO norm_phone(x) AS CASE WHEN length(digits(x)) BETWEEN 7 AND 15 THEN fold_phone(digits(x)) END;
CREATE MACRO norm_email(x) AS CASE WHEN contains(x, '@') THEN lower(trim(x)) END;
CREATE MACRO pnr_century(yy, plus) AS CASE WHEN CAST(yy AS INTEGER) <= year(current_date) % 100 THEN 20 ELSE 19 END - CASE WHEN plus THEN 1 ELSE 0 END;
CREATE MACRO norm_pnr(x) AS CASE
  WHEN length(digits(x)) = 12 THEN digits(x)
  WHEN length(digits(x)) = 10 THEN CAST(pnr_century(digits(x)[1:2], contains(x, '+')) AS VARCHAR) || digits(x)
END;
CREATE MACRO norm_name(x) AS nullif(array_to_string(list_sort(list_filter(regexp_split_to_array(strip_accents(lower(coalesce(x, ''))), '[^a-z0-9]+'), t -> t <> '')), ' '), '');
CREATE MACRO fold_text(x) AS regexp_replace(strip_accents(lower(coalesce(x, ''))), '\\s+', ' ', 'g');
CREATE MACRO text_emails(t) AS regexp_extract_all(lower(coalesce(t, '')), '[a-z0-9._%+-]+@[a-z0-9-]+(?:\\.[a-z0-9-]+)+');
CREATE MACRO text_pnrs(t) AS list_transform(regexp_extract_all(coalesce(t, ''), '\\b(?:\\d{8}|\\d{6})[-+]?\\d{4}\\b'), x -> norm_pnr(x));
CREATE MACRO text_phones(t) AS list_transform(regexp_extract_all(coalesce(t, ''), '(?:\\+46|\\b0046|\\b0)[ -]?\\d(?:[ -]?\\d){6,10}'), x -> norm_phone(x));
`;

const ADDR = 'STRUCT(emailAddress STRUCT(name VARCHAR, address VARCHAR))';
const MESSAGE = `STRUCT(id VARCHAR, subject VARCHAR, body STRUCT(contentType VARCHAR, content VARCHAR), sender ${ADDR}, "from" ${ADDR}, toRecipients ${ADDR}[], ccRecipients ${ADDR}[], bccRecipients ${ADDR}[])`;
const GA_PARAM = 'STRUCT(key VARCHAR, value STRUCT(string_value VARCHAR, int_value VARCHAR, float_value DOUBLE, double_value DOUBLE))';
const GA_TEXT_KEYS = "['page_location', 'page_referrer', 'page_title', 'link_url', 'link_text', 'search_term']";

/** Every source DuckDB can read: a relation with `rid`, key lists per kind, and free text. */
function sources() {
  const mc = fs.readdirSync(path.join(corpus, 'newsletter')).filter((f) => /members_export.*\.csv$/i.test(f));
  return [
    {
      source: 'lime',
      from: `read_csv(${p('lime/personer.csv')}, delim=';', header=true, quote='"', escape='"', encoding='latin-1', all_varchar=true)`,
      rid: `'lime:' || "Id"`,
      keys: {
        email: `[norm_email("E-post")]`,
        phone: `[norm_phone("Telefon"), norm_phone("Mobiltelefon")]`,
        pnr: `[norm_pnr("Personnummer")]`,
        name: `[norm_name(concat_ws(' ', "Förnamn", "Efternamn"))]`,
      },
      text: null,
    },
    {
      source: 'mailchimp',
      from: `read_csv([${mc.map((f) => p(`newsletter/${f}`)).join(', ')}], delim=',', header=true, quote='"', escape='"', all_varchar=true)`,
      rid: `'mc:' || "LEID"`,
      keys: {
        email: `[norm_email("Email Address")]`,
        phone: `[norm_phone("Phone Number")]`,
        pnr: `[]::VARCHAR[]`,
        name: `[norm_name(concat_ws(' ', "First Name", "Last Name"))]`,
      },
      text: `"NOTES"`,
    },
    {
      source: 'graph',
      from: `(SELECT unnest(value) AS m FROM read_json(${p('office365/graph/messages/*.json')}, format='auto', records=true, columns={'value': '${MESSAGE}[]'}, maximum_object_size=67108864))`,
      rid: `'graph:' || m.id`,
      keys: {
        email: `list_concat([norm_email(m."from".emailAddress.address), norm_email(m.sender.emailAddress.address)], list_transform(list_concat(m.toRecipients, m.ccRecipients, m.bccRecipients), x -> norm_email(x.emailAddress.address)))`,
        phone: `[]::VARCHAR[]`,
        pnr: `[]::VARCHAR[]`,
        name: `list_concat([norm_name(m."from".emailAddress.name), norm_name(m.sender.emailAddress.name)], list_transform(list_concat(m.toRecipients, m.ccRecipients, m.bccRecipients), x -> norm_name(x.emailAddress.name)))`,
      },
      text: `concat_ws(' ', m.subject, m.body.content)`,
    },
    {
      source: 'ga',
      from: `read_json(${p('google-analytics/bigquery/events_*.json')}, format='newline_delimited', columns={'event_timestamp': 'VARCHAR', 'event_params': '${GA_PARAM}[]', 'user_id': 'VARCHAR', 'user_pseudo_id': 'VARCHAR'})`,
      rid: `'ga:' || event_timestamp`,
      keys: { email: `[]::VARCHAR[]`, phone: `[]::VARCHAR[]`, pnr: `[]::VARCHAR[]`, name: `[]::VARCHAR[]` },
      text: `url_decode(array_to_string(list_transform(list_filter(event_params, x -> list_contains(${GA_TEXT_KEYS}, x.key)), x -> x.value.string_value), ' '))`,
    },
  ];
}

/** What DuckDB reads of the corpus, and what it cannot: for the results' notes. */
const NOT_READ = [
  { source: 'sie', path: 'visma/sie/*.se', reason: "SIE 4 in CP437 (#FORMAT PC8): DuckDB's CSV reader decodes only UTF-8, UTF-16 and Latin-1, and its Latin-1 refuses the bytes 0x80-0x9F where CP437 puts å ä ö; the 'encodings' extension is not statically linked and cannot be installed offline" },
  { source: 'xlsx', path: 'visma/customer-list/kunder.xlsx', reason: "XLSX needs DuckDB's 'excel' extension, which is not statically linked and cannot be installed offline" },
];

const PREFIX = { email: 'e:', phone: 'p:', pnr: 'n:' };
const TEXT_FN = { email: 'text_emails', phone: 'text_phones', pnr: 'text_pnrs' };

function keyList(src, kinds) {
  const parts = [];
  for (const k of kinds) {
    parts.push(`list_transform(${src.keys[k]}, x -> '${PREFIX[k]}' || x)`);
    if (src.text) parts.push(`list_transform(${TEXT_FN[k]}(${src.text}), x -> '${PREFIX[k]}' || x)`);
  }
  return `list_filter(list_concat(${parts.join(', ')}), x -> x IS NOT NULL)`;
}

async function main() {
  const t0 = performance.now();
  const inst = await DuckDBInstance.create(':memory:', { threads, autoinstall_known_extensions: 'false', autoload_known_extensions: 'false' });
  const con = await inst.connect();
  const run = (sql) => con.run(sql);
  const rows = async (sql) => (await con.runAndReadAll(sql)).getRowObjectsJson();
  for (const stmt of MACROS.split(';\n').map((s) => s.trim()).filter(Boolean)) await run(stmt);
  const version = (await rows('SELECT version() AS v'))[0].v;

  if (args.includes('--probe')) {
    const probe = [];
    for (const [name, sql] of [
      ['sie as latin-1', `SELECT count(*) FROM read_csv(${p('visma/sie/*.se')}, delim='\\x1f', header=false, quote='', escape='', encoding='latin-1', columns={'line': 'VARCHAR'})`],
      ['sie as utf-8', `SELECT count(*) FROM read_csv(${p('visma/sie/*.se')}, delim='\\x1f', header=false, quote='', escape='', columns={'line': 'VARCHAR'})`],
      ['excel extension', 'LOAD excel'],
      ['encodings extension', 'LOAD encodings'],
    ]) {
      try {
        await run(sql);
        probe.push({ name, ok: true });
      } catch (e) {
        probe.push({ name, ok: false, error: String(e.message).split('\n')[0].slice(0, 200) });
      }
    }
    process.stdout.write(JSON.stringify({ version, probe, notRead: NOT_READ }) + '\n');
    return;
  }

  const requests = opt('requests');
  const kind = opt('kind');
  const value = opt('value');
  const perSource = [];
  const matches = [];
  if (requests) {
    // Batch: the subjects' normalised identifiers in a table, one hash join per source.
    await run(`CREATE TABLE req AS SELECT * FROM read_csv(${sq(path.resolve(requests))}, header=true, all_varchar=true)`);
    await run(`CREATE TABLE subj AS
      SELECT id AS sid, 'e:' || k AS key FROM (SELECT id, norm_email(unnest(string_split(email, ';'))) AS k FROM req) WHERE k IS NOT NULL
      UNION ALL SELECT id, 'p:' || k FROM (SELECT id, norm_phone(unnest(string_split(phone, ';'))) AS k FROM req) WHERE k IS NOT NULL
      UNION ALL SELECT id, 'n:' || k FROM (SELECT id, norm_pnr(unnest(string_split(pnr, ';'))) AS k FROM req) WHERE k IS NOT NULL`);
    const kinds = (await rows(`SELECT DISTINCT CASE key[1:2] WHEN 'e:' THEN 'email' WHEN 'p:' THEN 'phone' ELSE 'pnr' END AS k FROM subj`)).map((r) => r.k).sort();
    for (const src of sources()) {
      const t = performance.now();
      const sql = `SELECT DISTINCT s.sid, r.rid FROM (SELECT rid, unnest(keys) AS key FROM (SELECT ${src.rid} AS rid, ${keyList(src, kinds)} AS keys FROM ${src.from})) r JOIN subj s ON s.key = r.key`;
      const res = await rows(sql);
      for (const r of res) matches.push({ sid: r.sid, rid: r.rid, source: src.source });
      perSource.push({ source: src.source, ms: Math.round(performance.now() - t), matches: res.length });
    }
  } else if (kind === 'name') {
    const phrase = (await rows(`SELECT fold_text(${sq(value)}) AS f, norm_name(${sq(value)}) AS k`))[0];
    for (const src of sources()) {
      const t = performance.now();
      const textCond = src.text ? ` OR contains(fold_text(${src.text}), ${sq(phrase.f)})` : '';
      const sql = `SELECT DISTINCT ${src.rid} AS rid FROM ${src.from} WHERE list_contains(${src.keys.name}, ${sq(phrase.k)})${textCond}`;
      const res = await rows(sql);
      for (const r of res) matches.push({ sid: 'subject', rid: r.rid, source: src.source });
      perSource.push({ source: src.source, ms: Math.round(performance.now() - t), matches: res.length });
    }
  } else if (kind && value) {
    const norm = { email: 'norm_email', phone: 'norm_phone', pnr: 'norm_pnr' }[kind];
    if (!norm) throw new Error(`--kind must be email, phone, pnr or name`);
    const key = (await rows(`SELECT ${norm}(${sq(value)}) AS k`))[0].k;
    if (!key) throw new Error(`the ${kind} does not normalise`);
    for (const src of sources()) {
      const t = performance.now();
      const sql = `SELECT DISTINCT ${src.rid} AS rid FROM ${src.from} WHERE list_contains(${keyList(src, [kind])}, ${sq(PREFIX[kind] + key)})`;
      const res = await rows(sql);
      for (const r of res) matches.push({ sid: 'subject', rid: r.rid, source: src.source });
      perSource.push({ source: src.source, ms: Math.round(performance.now() - t), matches: res.length });
    }
  } else {
    throw new Error('give --kind and --value, --requests FILE, or --probe');
  }
  process.stdout.write(
    JSON.stringify({ version, threads: Number(threads), ms: Math.round(performance.now() - t0), perSource, notRead: NOT_READ, matches, maxRssKb: Math.round(process.resourceUsage().maxRSS) }) + '\n',
  );
}

main().catch((e) => {
  process.stderr.write(`duckdb-lookup: ${e.stack ?? e}\n`);
  process.exit(1);
});
