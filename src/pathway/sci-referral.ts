import { PathwayInputError } from "./errors.ts";
import type { RuleId } from "./rules.ts";

export interface SciFindings {
  twocFailed?: boolean;
  catheterOrIsc?: boolean;
  bowelIssues?: boolean;
  sexualDysfunction?: boolean;
  ongoingCesSymptoms?: boolean;
  persistentNeuropathicPain?: boolean;
}

export interface SciReferral {
  indicated: boolean;
  reasons: { rule: RuleId; text: string }[];
}

const REASONS: { finding: keyof SciFindings; rule: RuleId; text: string }[] = [
  { finding: "twocFailed", rule: "U7", text: "Failed trial without catheter: follow-up with the regional SCI service or a locally agreed urology service." },
  { finding: "catheterOrIsc", rule: "U7", text: "Dependent on a catheter or intermittent self-catheterisation." },
  { finding: "bowelIssues", rule: "B5", text: "Bowel issues: follow-up with the SCI service." },
  { finding: "sexualDysfunction", rule: "X3", text: "Sexual dysfunction: follow-up with the SCI service." },
  { finding: "ongoingCesSymptoms", rule: "Y3", text: "Ongoing cauda equina symptoms (such as saddle numbness or leg weakness): contact by SCI psychology services." },
  { finding: "persistentNeuropathicPain", rule: "P8", text: "Persistent neuropathic pain (consider referral for spinal cord stimulation, NICE TA159)." },
];

/**
 * R1: a patient with ongoing symptoms after CES surgery is referred to the regional SCI unit.
 * Each finding that is true is a reason, with its rule id, in a fixed order.
 */
export function sciReferralReasons(findings: SciFindings): SciReferral {
  if (typeof findings !== "object" || findings === null) {
    throw new PathwayInputError("missing-field", "findings", "findings are required (an object of true/false answers).");
  }
  for (const { finding } of REASONS) {
    const v = findings[finding];
    if (v !== undefined && typeof v !== "boolean") {
      throw new PathwayInputError("invalid-value", finding, `${finding} must be true or false.`);
    }
  }
  const reasons = REASONS.filter((r) => findings[r.finding] === true).map(({ rule, text }) => ({ rule, text }));
  return { indicated: reasons.length > 0, reasons };
}

/**
 * U7 (and R1's "any catheter/ISC dependence"): after discharge, the catheter the patient went home
 * with ("none" means none); before it, a flip-flow schedule in force or a long-term flip-flow
 * catheter recorded on the ward.
 */
export function catheterOrIscDependent(input: {
  catheterAtDischarge: string | null;
  flipFlowInForce: boolean;
  recatheterisedWithFlipFlow: boolean;
}): boolean {
  if (typeof input !== "object" || input === null) {
    throw new PathwayInputError("missing-field", "input", "catheterAtDischarge, flipFlowInForce and recatheterisedWithFlipFlow are required.");
  }
  if (input.catheterAtDischarge !== null) {
    if (typeof input.catheterAtDischarge !== "string" || input.catheterAtDischarge === "") {
      throw new PathwayInputError("invalid-value", "catheterAtDischarge", 'catheterAtDischarge is the catheter at discharge ("none" for none), or null before discharge.');
    }
    return input.catheterAtDischarge !== "none";
  }
  return input.flipFlowInForce === true || input.recatheterisedWithFlipFlow === true;
}

/** R1 in words for a letter or a screen: whether the SCI referral is indicated and why, with the rule ids. */
export function sciReferralIndication(referral: SciReferral): { indicated: boolean; text: string; rules: RuleId[] } {
  if (typeof referral !== "object" || referral === null || !Array.isArray(referral.reasons)) {
    throw new PathwayInputError("missing-field", "referral", "referral is sciReferralReasons' answer.");
  }
  if (referral.reasons.length === 0) return { indicated: false, text: "Not indicated by what is recorded (R1)", rules: ["R1"] };
  const rules: RuleId[] = ["R1"];
  for (const r of referral.reasons) if (!rules.includes(r.rule)) rules.push(r.rule);
  return {
    indicated: true,
    text: `Indicated (R1) because: ${referral.reasons.map((r) => `${r.text.replace(/\.$/, "")} (${r.rule})`).join("; ")}.`,
    rules,
  };
}
