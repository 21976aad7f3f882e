/**
 * Where the case store lives and who is acting, resolved from flags,
 * environment and config. The config is read lightly here (only `home`,
 * `actor` and `caseRetentionMonths`), without loading its connectors: listing
 * cases must not run a company's connector module, nor fail because an
 * export folder moved.
 *
 * Home, first match wins (issue #5 point 3):
 *   1. `--home DIR`
 *   2. `OJCO_DSAR_HOME`
 *   3. config `home:` (relative to the config file's folder)
 *   4. `.ojco-dsar/` beside the config file (`--config`, or the default names in the cwd)
 *   5. `.ojco-dsar/` in the cwd when there is no config file
 */
import { readFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { configFileIn, findConfigFile, parseConfigText } from '../config/load.ts';
import { ConfigError, UsageError, type Problem } from '../errors.ts';

export type HomeSource = 'flag' | 'env' | 'config' | 'beside-config' | 'cwd';

export interface CaseSettings {
  /** Absolute path of the store folder. */
  home: string;
  homeSource: HomeSource;
  /** Absolute path of the config file, when one was found. */
  configFile: string | undefined;
  /** The config's `actor:`, if set. */
  configActor: string | undefined;
  /** The config's `caseRetentionMonths:`, if set. */
  retentionMonths: number | undefined;
}

export interface SettingsInput {
  home?: string | undefined;
  config?: string | undefined;
  cwd: string;
  env: NodeJS.ProcessEnv;
}

/** The config as the source-reading commands find it (a folder names the config in it); none is fine here. */
function configFileFor(explicit: string | undefined, cwd: string): string | undefined {
  return explicit ? findConfigFile(explicit, cwd) : configFileIn(cwd);
}

async function readCaseKeys(file: string, cwd: string): Promise<{ home?: string; actor?: string; caseRetentionMonths?: number }> {
  const rel = path.relative(cwd, file) || file;
  const text = (await readFile(file, 'utf8')).replace(/^\uFEFF/u, '');
  // The config loader's parser: the same problems, each with its line (and column) where the parser gives one.
  const data = await parseConfigText(rel, text);
  if (data === null || typeof data !== 'object' || Array.isArray(data)) return {};
  const o = data as Record<string, unknown>;
  const problems: Problem[] = [];
  const out: { home?: string; actor?: string; caseRetentionMonths?: number } = {};
  if (o.home !== undefined) {
    if (typeof o.home === 'string' && o.home.length > 0) out.home = o.home;
    else problems.push({ code: 'config.invalid', message: 'home: must be a folder path', file: rel, path: 'home' });
  }
  if (o.actor !== undefined) {
    if (typeof o.actor === 'string' && o.actor.trim().length > 0) out.actor = o.actor.trim();
    else problems.push({ code: 'config.invalid', message: 'actor: must be a name', file: rel, path: 'actor' });
  }
  if (o.caseRetentionMonths !== undefined) {
    if (typeof o.caseRetentionMonths === 'number' && Number.isInteger(o.caseRetentionMonths) && o.caseRetentionMonths > 0 && o.caseRetentionMonths <= 1200) {
      out.caseRetentionMonths = o.caseRetentionMonths;
    } else problems.push({ code: 'config.invalid', message: 'caseRetentionMonths: must be a whole number of months, 1 to 1200', file: rel, path: 'caseRetentionMonths' });
  }
  if (problems.length > 0) throw new ConfigError(`the config file ${rel} has problems`, problems);
  return out;
}

export async function resolveCaseSettings(input: SettingsInput): Promise<CaseSettings> {
  const configFile = configFileFor(input.config, input.cwd);
  const keys = configFile ? await readCaseKeys(configFile, input.cwd) : {};
  let home: string;
  let homeSource: HomeSource;
  // `--home ""` (an unset shell variable) would fall through to another home without a word.
  if (input.home !== undefined && input.home.trim() === '') {
    throw new UsageError('--home is empty', [{ code: 'usage.home', message: '--home names no folder; give the folder of the case register, or leave the flag out' }]);
  }
  if (input.home) {
    home = path.resolve(input.cwd, input.home);
    homeSource = 'flag';
  } else if (input.env.OJCO_DSAR_HOME) {
    home = path.resolve(input.cwd, input.env.OJCO_DSAR_HOME);
    homeSource = 'env';
  } else if (configFile && keys.home) {
    home = path.resolve(path.dirname(configFile), keys.home);
    homeSource = 'config';
  } else if (configFile) {
    home = path.join(path.dirname(configFile), '.ojco-dsar');
    homeSource = 'beside-config';
  } else {
    home = path.join(input.cwd, '.ojco-dsar');
    homeSource = 'cwd';
  }
  return { home, homeSource, configFile, configActor: keys.actor, retentionMonths: keys.caseRetentionMonths };
}

/** `--actor`, else the config's `actor:`, else the OS user name (AA-1: every event names who acted). */
export function resolveActor(flag: string | undefined, configActor: string | undefined, env: NodeJS.ProcessEnv): string {
  const fromFlag = flag?.trim();
  if (fromFlag) return fromFlag;
  if (configActor) return configActor;
  try {
    const u = os.userInfo().username;
    if (u) return u;
  } catch {
    // No passwd entry (some containers): fall back to the environment.
  }
  return env.USER ?? env.USERNAME ?? env.LOGNAME ?? 'unknown';
}
