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
