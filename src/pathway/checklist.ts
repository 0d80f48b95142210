import { PathwayInputError } from "./errors.ts";
import type { PainPhase } from "./pain.ts";
import { rules, type RuleId } from "./rules.ts";

export type ChecklistDomain = "bladder" | "bowel" | "pain" | "sexual" | "psychological";
export type ChecklistWhen = "inpatient" | "discharge" | "outpatient" | "any";

/**
 * A task is ticked when done. A prohibition (P5, P6: "do not offer ...") is not a task: its status
 * comes from the medication review (prohibitionStatus), never from a tick.
 */
export type ChecklistKind = "task" | "prohibition";

export interface ChecklistItem {
  id: string;
  rule: RuleId;
  text: string;
  when: ChecklistWhen;
  kind: ChecklistKind;
}

interface ItemSpec {
  id: string;
  rule: RuleId;
  when: ChecklistWhen;
  /** Phases the item applies to; both when absent. */
  phase?: PainPhase;
  /** Action wording for the checklist; the rule's own text when absent. */
  text?: string;
  /** A "do not" rule: shown as a status from the medication review, not ticked. */
  prohibition?: true;
}

const ITEMS: Record<ChecklistDomain, ItemSpec[]> = {
  bladder: [
    { id: "bladder-u1-twoc", rule: "U1", when: "inpatient", text: "TWOC as soon as possible after surgery, with a pre-void and a post-void bladder scan." },
    { id: "bladder-u8-teach-isc", rule: "U8", when: "inpatient", text: "Teach intermittent self-catheterisation (ISC) as quickly as possible after surgery, where possible; record the referral and the teaching." },
    { id: "bladder-u5-flip-flow-and-isc-referral", rule: "U5", when: "inpatient", text: "If the TWOC fails: re-catheterise with a long-term catheter with a flip-flow valve and refer to local services to learn ISC." },
    { id: "bladder-u6-no-repeat-twoc", rule: "U6", when: "inpatient", text: "If the TWOC fails: do not TWOC again at this stage." },
    { id: "bladder-f1-open-every-4-hours", rule: "F1", when: "any", text: "Open the flip-flow valve at least every 4 hours, including overnight." },
    { id: "bladder-f2-volume-under-500", rule: "F2", when: "any", text: "Shorten the interval if needed so the bladder volume stays under 500 ml at each opening." },
    { id: "bladder-f3-by-the-clock", rule: "F3", when: "any", text: "Open by the clock, not by sensation or urge to void." },
    { id: "bladder-u7-sci-or-urology-follow-up", rule: "U7", when: "discharge", text: "If the TWOC failed: follow-up arranged with the regional SCI service or a locally agreed urology service." },
  ],
  bowel: [
    { id: "bowel-b1-advice-and-booklet", rule: "B1", when: "inpatient" },
    { id: "bowel-b2-stimulant-softener", rule: "B2", when: "inpatient", phase: "acute" },
    { id: "bowel-b3-drs-dre", rule: "B3", when: "inpatient" },
    { id: "bowel-b4-mascip-guidelines", rule: "B4", when: "any" },
    { id: "bowel-b5-sci-follow-up", rule: "B5", when: "any", text: "If there are bowel issues: follow-up with the SCI service." },
    { id: "bowel-b6-outpatient-reassessment", rule: "B6", when: "outpatient" },
  ],
  pain: [
    { id: "pain-p1-exclude-disc-prolapse", rule: "P1", when: "any" },
    { id: "pain-p2-paracetamol-nsaid-gi-protection", rule: "P2", when: "any" },
    { id: "pain-p3-opioids-with-laxative", rule: "P3", when: "any", phase: "acute" },
    { id: "pain-p4-gp-drug-review", rule: "P4", when: "discharge", phase: "acute" },
    { id: "pain-p5-no-opioids", rule: "P5", when: "any", phase: "chronic", prohibition: true },
    { id: "pain-p6-no-gabapentinoids-aeds-steroids-benzodiazepines", rule: "P6", when: "any", phase: "chronic", prohibition: true },
    { id: "pain-p7-root-block", rule: "P7", when: "outpatient", phase: "chronic" },
    { id: "pain-p8-spinal-cord-stimulation", rule: "P8", when: "outpatient", phase: "chronic" },
  ],
  sexual: [
    { id: "sexual-x1-advice", rule: "X1", when: "inpatient" },
    { id: "sexual-x2-support-groups", rule: "X2", when: "any" },
    { id: "sexual-x3-sci-follow-up", rule: "X3", when: "any", text: "If there is sexual dysfunction: follow-up with the SCI service." },
    { id: "sexual-x4-outpatient-reassessment", rule: "X4", when: "outpatient" },
    { id: "sexual-x5-pde5-inhibitor", rule: "X5", when: "any" },
  ],
  psychological: [
    { id: "psychological-y1-advice-and-booklet", rule: "Y1", when: "inpatient" },
    { id: "psychological-y2-support-groups", rule: "Y2", when: "any" },
    { id: "psychological-y3-sci-psychology", rule: "Y3", when: "any" },
  ],
};

/** What to do for one domain in one pain phase, each item carrying its rule id and a stable id. */
export function checklist(domain: ChecklistDomain, phase: PainPhase): ChecklistItem[] {
  if (!Object.hasOwn(ITEMS, domain)) {
    throw new PathwayInputError("invalid-value", "domain", `domain must be one of ${Object.keys(ITEMS).join(", ")}.`);
  }
  if (phase !== "acute" && phase !== "chronic") {
    throw new PathwayInputError("invalid-value", "phase", `phase must be "acute" or "chronic".`);
  }
  return ITEMS[domain]
    .filter((item) => item.phase === undefined || item.phase === phase)
    .map((item) => ({ id: item.id, rule: item.rule, text: item.text ?? rules[item.rule].text, when: item.when, kind: item.prohibition ? "prohibition" : "task" }));
}
