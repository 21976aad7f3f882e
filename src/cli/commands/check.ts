/**
 * `ojco-dsar check`: CI on a config and its sources. Every problem is
 * reported at once; exit 1 when there is any, 0 when there is none. A config
 * that cannot be loaded is a problem too (exit 1), so that CI shows it the
 * same way; only bad flags of `check` itself are usage errors (exit 2).
 */
import { loadConfig, type LoadedConfig } from '../../config/load.ts';
import { ConfigError, ExitCode, type Problem } from '../../errors.ts';
import path from 'node:path';
import { loadConfigRegister } from '../../register/load.ts';
import { backupReminders } from '../../register/schema.ts';
import { checkExpectations, checkSources, type CheckResult } from '../../pipeline/check.ts';
import { log, out, spinner, table, writeJson, writeOut } from '../io.ts';

function fromConfigError(e: ConfigError): Problem[] {
  return (e.problems.length ? e.problems : [{ code: 'config.invalid', message: e.message }]).map((p) => ({ ...p, code: p.code || 'config.invalid' }));
}

export async function run(opts: Record<string, unknown>): Promise<number> {
  const cwd = process.cwd();
  const problems: Problem[] = [];
  let config: LoadedConfig | undefined;
  try {
    config = await loadConfig(opts.config as string | undefined, cwd);
  } catch (e) {
    if (!(e instanceof ConfigError)) throw e;
    problems.push(...fromConfigError(e));
  }
  let result: CheckResult = { ok: false, problems, sources: [], expectations: [] };
  if (config) {
    let register;
    const reminders: Problem[] = [];
    try {
      const loaded = await loadConfigRegister(config, cwd);
      register = loaded.register;
      const file = path.relative(cwd, loaded.file) || loaded.file;
      reminders.push(...backupReminders(register).map((message) => ({ code: 'register.backups-assumption', message, file })));
    } catch (e) {
      if (!(e instanceof ConfigError)) throw e;
      problems.push(...fromConfigError(e));
    }
    if (register) {
      const spin = await spinner('Checking sources…', true);
      const data = await checkSources(config, register, (name) => spin.update(`Reading ${name}…`));
      problems.push(...data.problems);
      spin.update('Running expectations…');
      const exp = await checkExpectations(config, config.raw.expectations ?? []);
      problems.push(...exp.problems);
      spin.stop();
      result = { ok: false, problems, sources: data.stats, expectations: exp.results, reminders };
    }
  }
  result.ok = problems.length === 0;
  if (opts.json) {
    writeJson(result);
  } else {
    if (result.sources.length > 0) {
      writeOut(out.bold('Sources'));
      writeOut(table(result.sources.map((s) => [s.source, s.connector, `${s.records} records`, `${s.fields} fields`])));
    }
    if (result.expectations.length > 0) {
      writeOut(out.bold('\nExpectations'));
      writeOut(table(result.expectations.map((e) => [e.ok ? out.green('ok') : out.red('FAIL'), e.name])));
    }
    if (result.reminders && result.reminders.length > 0) {
      writeOut(out.bold('\nReminders (to confirm in the register; not problems)'));
      for (const r of result.reminders) writeOut(`  ${out.yellow('!')} ${r.file ? out.dim(r.file + ': ') : ''}${r.message} ${out.dim(`[${r.code}]`)}`);
    }
    if (result.ok) {
      writeOut(out.green('\nok: the config is valid, every source is readable, every field is classified and every record is explained.'));
    } else {
      writeOut(out.red.bold(`\n${problems.length} problem${problems.length === 1 ? '' : 's'}:`));
      for (const p of problems) {
        const where = [p.source, p.file ? `${p.file}${p.line ? `:${p.line}` : ''}` : undefined].filter(Boolean).join(' ');
        writeOut(`  ${out.red('✖')} ${where ? out.dim(where + ': ') : ''}${p.message} ${out.dim(`[${p.code}]`)}`);
      }
    }
  }
  if (!result.ok && !opts.json) log(`check found ${problems.length} problem(s) (exit code 1).`);
  return result.ok ? ExitCode.Ok : ExitCode.ProblemsFound;
}
