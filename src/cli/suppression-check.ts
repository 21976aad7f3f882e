/**
 * The re-appearance check of `find` and `export` (issue #4 point 6): when
 * the home's suppression list is not empty, every record the search reads
 * is looked at once (search's onRecord hook) by SuppressionCheck
 * (src/core/plan/reappearance.ts). A hit is a person who was erased, or who
 * objected to marketing, back in an export.
 *
 * Cost: with no cases.db in the home, one stat and nothing else (the
 * database driver is not even loaded); with an empty list, one read-only
 * open and a COUNT. With entries, the record's identifiers of the listed
 * kinds are normalised and keyed (README "Re-appearance check" has the
 * measured cost). The home is never created or written by a search.
 *
 * The warning names the plan, the case, the source and the locator, never
 * the identifier.
 */
import { existsSync } from 'node:fs';
import path from 'node:path';
import type { LoadedConfig } from '../config/load.ts';
import { compareLocators } from '../core/plan/common.ts';
import type { Reappearance, SuppressionCheck } from '../core/plan/index.ts';
import { formatLocator, type SourceRecord } from '../core/record.ts';
import { DEFAULT_REGISTER, loadRegister } from '../register/load.ts';
import { warn } from './io.ts';

export interface ActiveCheck {
  check: SuppressionCheck;
  hits: Reappearance[];
  onRecord: (sourceIndex: number, record: SourceRecord) => void;
}

/** Sets the check up for a search, or undefined when there is nothing to check against. */
export async function prepareSuppressionCheck(opts: Record<string, unknown>, config: LoadedConfig, cwd: string): Promise<ActiveCheck | undefined> {
  if (opts.checkSuppression === false) return undefined;
  const { resolveCaseSettings } = await import('../store/settings.ts');
  let home: string;
  try {
    home = (await resolveCaseSettings({ home: opts.home as string | undefined, config: opts.config as string | undefined, cwd, env: process.env })).home;
  } catch {
    return undefined;
  }
  if (!existsSync(path.join(home, 'cases.db'))) return undefined;
  let list: Awaited<ReturnType<typeof import('../store/plans.ts')['readSuppressionList']>>;
  try {
    const { readSuppressionList } = await import('../store/plans.ts');
    list = readSuppressionList(home);
  } catch (e) {
    warn(`the suppression list in ${path.relative(cwd, home) || home} could not be read (${(e as { code?: string }).code ?? 'error'}); the re-appearance check was skipped`);
    return undefined;
  }
  if (!list) return undefined;
  const registerFile = config.raw.register ? path.resolve(path.dirname(config.file), config.raw.register) : DEFAULT_REGISTER();
  const { register } = await loadRegister(registerFile, path.relative(cwd, registerFile) || registerFile);
  const { SuppressionCheck } = await import('../core/plan/index.ts');
  const check = new SuppressionCheck(list.rows, list.secret, register, config.sources.map((s) => ({ name: s.name, connector: s.connector.id })), list.planned);
  const hits: Reappearance[] = [];
  return {
    check,
    hits,
    onRecord: (i, r) => {
      const h = check.check(i, r);
      if (h) hits.push(h);
    },
  };
}

/** The hits in a stable order: by source, then locator. */
export function sortedHits(hits: readonly Reappearance[]): Reappearance[] {
  return [...hits].sort((a, b) => (a.source < b.source ? -1 : a.source > b.source ? 1 : 0) || compareLocators(a.locator, b.locator));
}

const SHOWN = 10;

/**
 * The stderr warning, per plan: the records the plan did not name
 * (re-imported, restored) with their locators, and how many it named that
 * are still there (not carried out yet). No values.
 */
export function warnReappeared(hits: readonly Reappearance[]): void {
  if (hits.length === 0) return;
  const byPlan = new Map<string, Reappearance[]>();
  for (const h of sortedHits(hits)) byPlan.set(h.plan, [...(byPlan.get(h.plan) ?? []), h]);
  const back = hits.filter((h) => !h.planned).length;
  const lines: string[] = [
    back > 0
      ? `${back} record(s) carry identifiers of a person on the suppression list that the plan did not name: re-imported, or restored from a backup.`
      : `${hits.length} record(s) the plans named still carry identifiers on the suppression list: the plans have not been carried out yet.`,
  ];
  for (const [plan, list] of byPlan) {
    const first = list[0]!;
    const what = first.ground === 'erasure' ? 'erased' : first.ground === 'objection' ? 'objected to marketing' : 'withdrew consent';
    lines.push(`  ${what} by plan ${plan.slice(0, 12)}${first.caseId ? ` (case ${first.caseId})` : ''}, since ${first.since}:`);
    const unnamed = list.filter((h) => !h.planned);
    const named = list.filter((h) => h.planned);
    if (unnamed.length > 0) {
      lines.push(`    ${unnamed.length} record(s) the plan did not name:`);
      for (const h of unnamed.slice(0, SHOWN)) lines.push(`      ${h.source}: ${formatLocator(h.locator)} (${h.kinds.join(', ')})`);
      if (unnamed.length > SHOWN) lines.push(`      … and ${unnamed.length - SHOWN} more (see "reappeared" in --json)`);
    }
    if (named.length > 0) lines.push(`    ${named.length} record(s) the plan named are still in ${[...new Set(named.map((h) => h.source))].join(', ')}: not carried out yet?`);
  }
  warn(lines.join('\n'));
}
