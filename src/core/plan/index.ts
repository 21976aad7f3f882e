/**
 * Planning (issue #4): pure functions from a subject's matched records, the
 * processing register and a date to a plan of instructions. Nothing here
 * changes a system; the command layer writes the plan, records the ledger
 * and the suppression entries, and a later issue executes plans.
 */
export * from './types.ts';
export { canonicalJson, serialisePlan, computePlanHash, verifyPlanHash } from './canonical.ts';
export { suppressionKey, suppressibleIdentifiers, ERASURE_SUPPRESSION_KINDS, MARKETING_SUPPRESSION_KINDS } from './suppression.ts';
export { anonymisedEmail, anonymisedPhone, formatPhoneLike, ANONYMISED_EMAIL_DOMAIN, LIME_FIRST_NAME, LIME_LAST_NAME, LIME_DEFAULT } from './anonymise.ts';
export { planErasure, BOOKKEEPING_LEGAL_BASIS } from './erasure.ts';
export { planRectification, rectificationProblems } from './rectification.ts';
export { planRestriction } from './restriction.ts';
export { planObjection, planWithdrawConsent, MARKETING_PURPOSES } from './objection.ts';
export { planSweep, ledgerEntries, isDue } from './sweep.ts';
export { GA_PROPERTY_PLACEHOLDER, compareLocators } from './common.ts';
export { deselectActions } from './review.ts';
export { isPartialRefusal, planReply } from './reply.ts';
export { SuppressionCheck, phoneTailKey, phoneTailSalt, type Reappearance, type SuppressionListEntry } from './reappearance.ts';
