/**
 * What the reply to the data subject must say when a plan does not carry
 * out the whole request (ER-4, Art. 12(4)): an erasure plan that retains
 * records (Art. 17(3)(b), BF-2) refuses the erasure in part, and a "partial
 * refusal is a 'not taking action'" (legal-rules.md §4.2 ER-4); so does a
 * plan whose primary actions the officer left out at the review. The reply,
 * due within one month of receipt (§1.2 `refusal_notice_due`), says what
 * was erased, what is retained, why and until when, and that the person
 * may complain to IMY and go to court (IMY "Nekad begäran"; §12.3 step 8).
 * Pure.
 */
import { COMPLAINT_INFORMATION } from '../law/complaint.ts';
import type { PlanKind, PlanReply } from './types.ts';

/** Does a plan of this kind, with these counts of retained and deselected records, refuse part of the request? */
export function isPartialRefusal(kind: PlanKind | string, retained: number, deselected: number): boolean {
  if (kind === 'sweep') return false;
  return (kind === 'erasure' && retained > 0) || deselected > 0;
}

/** The `reply` of a plan (ER-4), or undefined when the plan carries out the whole request. */
export function planReply(kind: PlanKind, retained: number, deselected: number): PlanReply | undefined {
  if (!isPartialRefusal(kind, retained, deselected)) return undefined;
  const parts = [
    ...(kind === 'erasure' && retained > 0 ? [`${retained} record(s) are retained`] : []),
    ...(deselected > 0 ? [`${deselected} record(s) were left out at the review`] : []),
  ];
  return {
    partialRefusal: true,
    rule: 'ER-4',
    legalBasis: 'Art. 12(4)',
    retained: kind === 'erasure' ? retained : 0,
    deselected,
    complaintInformation: { ...COMPLAINT_INFORMATION },
    text: `The request is refused in part (${parts.join('; ')}): under Art. 12(4) the reply, due within one month of receipt, must say what was ${kind === 'erasure' ? 'erased' : 'done'}, what is ${kind === 'erasure' ? 'retained, why (Art. 17(3)(b) + BFL 7 kap. 2 §) and until when' : 'not done and why'}, and that the data subject may lodge a complaint with ${COMPLAINT_INFORMATION.supervisoryAuthority} and has ${COMPLAINT_INFORMATION.judicialRemedy} (ER-4).`,
  };
}
