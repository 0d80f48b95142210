export { isValidNhsNumber } from "./nhs-number.ts";
export { assessTwoc } from "./twoc.ts";
export { assessBladder, SAFE_VOLUME_ML } from "./bladder.ts";
export type { BladderAction, BladderActionKind, BladderAssessment, BladderInput, BladderTier } from "./bladder.ts";
export type { BladderEvent, TwocAssessment, TwocStatus } from "./twoc.ts";
export {
  assessFlipFlow,
  checkFlipFlowStart,
  DEFAULT_INTERVAL_MINUTES,
  drainAimMissed,
  flipFlowSchedule,
  INTERVAL_CHOICES,
  INTERVAL_STEP_MINUTES,
  MAX_INTERVAL_MINUTES,
  MIN_INTERVAL_MINUTES,
  suggestFlipFlowInterval,
  TARGET_VOLUME_ML,
} from "./flip-flow.ts";
export type {
  FlipFlowAssessment,
  FlipFlowInput,
  FlipFlowSlot,
  FlipFlowSlotStatus,
  FlipFlowStartCheck,
  FlipFlowStartProblem,
  FlipFlowSuggestion,
} from "./flip-flow.ts";
export { painPhase } from "./pain.ts";
export type { PainPhase } from "./pain.ts";
export { describeMedication, OUTSIDE_PATHWAY_NOTE, prohibitionStatus, reviewMedications } from "./medication-review.ts";
export type { MedicationFlag, MedicationReview, ProhibitionStatus, SharedIngredient } from "./medication-review.ts";
export type { Medicine, MedicineClass } from "./medicines.ts";
export { catheterOrIscDependent, sciReferralIndication, sciReferralReasons } from "./sci-referral.ts";
export type { SciFindings, SciReferral } from "./sci-referral.ts";
export { surgicalRecordChecks, surgicalRecordFlags } from "./surgical-record.ts";
export type { SurgicalCheck, SurgicalChecks, SurgicalFlag, SurgicalRecord } from "./surgical-record.ts";
export { checklist } from "./checklist.ts";
export type { ChecklistDomain, ChecklistItem, ChecklistKind, ChecklistWhen } from "./checklist.ts";
export { isRuleId, rules } from "./rules.ts";
export type { Rule, RuleId, RuleSection } from "./rules.ts";
export { PathwayInputError } from "./errors.ts";
export type { PathwayInputErrorCode } from "./errors.ts";
export { RULE_BOOK, RULE_BOOK_LINE, ruleBookReviewDue } from "./rule-book.ts";
