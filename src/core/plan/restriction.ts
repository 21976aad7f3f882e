/**
 * The restriction plan (Art. 18, legal-rules.md §5): every record of the
 * subject is marked restricted on the Art. 18(1) ground given. RS-1 [I]: the
 * mark blocks all processing except storage; lifting it needs a logged
 * notice to the data subject (Art. 18(3)). Recipients are told (Art. 19).
 * Räkenskapsinformation is restricted too; its storage under BFL goes on.
 */
import { finalisePlan, notifyActions, recordAction } from './common.ts';
import * as T from './instructions.ts';
import { prepare, type Prepared } from './records.ts';
import { PlanInputError, type Plan, type PlanAction, type PlanInput, type RestrictionGround } from './types.ts';

const GROUNDS: Record<RestrictionGround, string> = {
  a: 'the data subject contests the accuracy of the data, for a period enabling the controller to verify it (Art. 18(1)(a), RE-2)',
  b: 'the processing is unlawful and the data subject opposes erasure and requests restriction instead (Art. 18(1)(b))',
  c: 'the controller no longer needs the data, but the data subject needs them for legal claims (Art. 18(1)(c))',
  d: 'the data subject has objected under Art. 21(1) and the verification of overriding grounds is pending (Art. 18(1)(d))',
};

export function restrictionReason(ground: RestrictionGround): string {
  return `Processing is restricted because ${GROUNDS[ground]}. The record is marked so that only storage continues; other processing needs consent, legal claims, the protection of another's rights or an important public interest (Art. 18(2)); the data subject is told before the restriction is lifted (Art. 18(3), RS-1 [I]).`;
}

export function planRestriction(input: PlanInput, ground: RestrictionGround): Plan {
  if (!Object.hasOwn(GROUNDS, ground)) {
    throw new PlanInputError('the restriction cannot be planned', [{ code: 'restrict.ground', message: 'the ground must be one of a, b, c, d (Art. 18(1))' }]);
  }
  const { included, excluded } = prepare(input);
  const actions: PlanAction[] = [];
  const acted: { p: Prepared; actionId: string }[] = [];
  for (const p of included) {
    const a = recordAction(p, 'restrict', restrictionReason(ground), 'RS-1', {
      scope: 'all',
      ground,
      legalBasis: `Art. 18(1)(${ground})`,
      instructions: T.restrict(p.connector, 'all', p.cls === 'R'),
    });
    actions.push(a);
    acted.push({ p, actionId: a.id });
  }
  actions.push(...notifyActions(input, acted, 'restriction'));
  return finalisePlan({ kind: 'restriction', input, parameters: { ground }, actions, excluded, unaffected: [], warnings: [], records: included.length });
}
