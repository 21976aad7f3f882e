/**
 * The config's sources as a plan sees them: name, connector, and the
 * connector's description of each field (describe()), from which the
 * planners learn which fields hold a part of a name (AN-2) and which are
 * consent flags (DM-1). The core reads no connector itself.
 */
import type { ResolvedSource } from '../config/load.ts';
import type { PlanSource } from '../core/plan/index.ts';
import { describedField } from '../sources/contract.ts';

export function planSources(sources: readonly ResolvedSource[]): PlanSource[] {
  return sources.map((src) => {
    const description = src.connector.describe(src.options);
    return { name: src.name, connector: src.connector.id, field: (entity, name) => describedField(description, entity, name) };
  });
}
