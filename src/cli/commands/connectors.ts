/** `ojco-dsar connectors [id]`: what each connector reads and how it classifies fields. */
import { ExitCode, UsageError } from '../../errors.ts';
import { loadAllBuiltins } from '../../sources/registry.ts';
import { out, table, writeJson, writeOut } from '../io.ts';

export async function run(opts: Record<string, unknown>): Promise<number> {
  const all = await loadAllBuiltins();
  const id = (opts.args as string[] | undefined)?.[0];
  const chosen = id ? all.filter((c) => c.id === id) : all;
  if (id && chosen.length === 0) {
    throw new UsageError(`unknown connector "${id}"`, [{ code: 'usage.unknown-connector', message: `built-in connectors are ${all.map((c) => c.id).join(', ')}` }]);
  }
  const data = chosen.map((c) => ({
    id: c.id,
    title: c.title,
    formats: c.formats,
    entities: c.describe(c.optionsSchema.parse({})).entities,
  }));
  if (opts.json) {
    writeJson({ connectors: data });
    return ExitCode.Ok;
  }
  for (const c of data) {
    writeOut(`${out.bold(c.id)} — ${c.title}`);
    writeOut(table(c.formats.map((f) => [f.id, f.extensions.map((e) => '.' + e).join(' '), f.description])));
    if (id) {
      for (const e of c.entities) {
        writeOut(`\n  ${out.bold(e.entity)} (${e.title}; category ${e.category}${e.bookkeeping ? '; bookkeeping' : ''})`);
        writeOut(table(e.fields.map((f) => [f.name, f.category, f.identifier ?? '', f.personal ? 'personal' : '']), { indent: 4 }));
      }
    }
    writeOut('');
  }
  return ExitCode.Ok;
}
