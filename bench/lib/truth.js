// Ground truth of the bench: record ids of the tool's records, and what a lookup should find
// according to the corpus's manifest.json (see bench/README.md, "Agreement").

/** The record id a tool record carries in its natural field (see the manifest's notes). */
export function ridOf(rec) {
  const f = rec.fields ?? {};
  switch (rec.source) {
    case 'lime-personer':
      return `lime:${f.Id}`;
    case 'mailchimp':
      return `mc:${f.LEID}`;
    case 'graph-messages':
      return `graph:${f.id}`;
    case 'ga4-bigquery':
      return `ga:${f.event_timestamp}`;
    case 'sie':
      if (rec.entity === 'voucher') return `sie:${f.series} ${f.number}`;
      if (rec.entity === 'sie-object') return `sie:obj:${f.number}`;
      return `sie:${rec.entity}:${rec.locator?.line}`;
    case 'kundlista':
      return `xlsx:${f.Kundnummer}`;
    default:
      return `${rec.source}:${JSON.stringify(rec.locator)}`;
  }
}

export const DUCKDB_FILES = new Set(['lime', 'mailchimp', 'graph', 'ga']);

/**
 * What a lookup should find, from the manifest. `direct`: records that carry a looked-up
 * identifier. `reachable`: what the tool can reach from there by learning identifiers, as
 * docs/architecture.md describes: a record matched on a unique identifier (exact) teaches the
 * identifiers in its fields (not mentions in free text) and its links (customer number, GA
 * client id); a learned name gives `possible` matches (find only: a batch's extracts leave
 * them out), which teach nothing; a lookup by name alone is possible only.
 */
export function expected(subject, kinds, { batch = false } = {}) {
  const tagKinds = (r) => Object.keys(r.t).map((k) => (k === 'nameBase' ? 'name' : k));
  const has = (rec) => tagKinds(rec).some((k) => kinds.includes(k));
  const direct = subject.records.filter(has);
  const reached = new Set();
  if (kinds.length === 1 && kinds[0] === 'name') for (const r of direct) reached.add(r.rid);
  else {
    const known = new Set(kinds);
    for (let grew = true; grew; ) {
      grew = false;
      for (const r of subject.records) {
        if (reached.has(r.rid)) continue;
        const hit = [...tagKinds(r), ...r.via].filter((k) => known.has(k) && k !== 'name');
        if (!hit.length) continue;
        reached.add(r.rid);
        grew = true;
        // Matched only by a mention in free text (an e-mail in a GA page address, a personnummer
        // in a mail body): the record is the subject's, but a mention teaches nothing.
        const onlyMention = hit.every((k) => !r.via.includes(k) && Object.entries(r.t).every(([tk, where]) => (tk === 'nameBase' ? 'name' : tk) !== k || where === 'text'));
        if (onlyMention) continue;
        for (const [k, where] of Object.entries(r.t)) if (where === 'field') known.add(k === 'nameBase' ? 'name' : k);
        for (const v of r.via) known.add(v);
      }
      if (!grew && !batch) for (const r of subject.records) if (!reached.has(r.rid) && known.has('name') && tagKinds(r).includes('name')) reached.add(r.rid);
    }
  }
  if (kinds.includes('name')) direct.push(...subject.namesakes);
  return {
    reachable: reached,
    direct: new Set(direct.map((r) => r.rid)),
    directDuck: new Set(direct.filter((r) => DUCKDB_FILES.has(r.f)).map((r) => r.rid)),
    own: new Set(subject.records.map((r) => r.rid)),
    namesakes: new Set(subject.namesakes.map((r) => r.rid)),
    byRid: new Map([...subject.records, ...subject.namesakes].map((r) => [r.rid, r])),
  };
}

export function compare(exp, toolRids, duckRids) {
  const inter = (a, b) => [...a].filter((x) => b.has(x));
  const res = { expectedDirect: exp.direct.size, expectedDirectInDuckdbFiles: exp.directDuck.size, expectedReachable: exp.reachable.size, subjectRecords: exp.own.size };
  if (toolRids) {
    res.tool = {
      found: toolRids.size,
      direct: inter(exp.direct, toolRids).length,
      own: inter(exp.own, toolRids).length,
      reachable: inter(exp.reachable, toolRids).length,
      missedReachable: [...exp.reachable].filter((r) => !toolRids.has(r)),
      namesakes: inter(exp.namesakes, toolRids).length,
      foreign: [...toolRids].filter((r) => !exp.own.has(r) && !exp.namesakes.has(r)).length,
      missedDirect: [...exp.direct].filter((r) => !toolRids.has(r)),
      missedOwn: [...exp.own].filter((r) => !toolRids.has(r)).map((rid) => ({ rid, ...exp.byRid.get(rid) })),
    };
  }
  if (duckRids) {
    res.duckdb = {
      found: duckRids.size,
      direct: inter(exp.directDuck, duckRids).length,
      foreign: [...duckRids].filter((r) => !exp.own.has(r) && !exp.namesakes.has(r)).length,
      missedDirect: [...exp.directDuck].filter((r) => !duckRids.has(r)),
    };
  }
  if (toolRids && duckRids) {
    const t = new Set(inter(exp.directDuck, toolRids));
    const d = new Set(inter(exp.directDuck, duckRids));
    res.agree = t.size === d.size && [...t].every((x) => d.has(x));
    res.onlyTool = [...t].filter((x) => !d.has(x));
    res.onlyDuckdb = [...d].filter((x) => !t.has(x));
  }
  return res;
}
