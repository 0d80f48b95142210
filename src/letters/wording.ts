/**
 * Letters are read by clinicians, so the engine's answers are put into clinical English here: no
 * matching notes ("recognised as ..."), no bare rule codes, no ward instructions. Each sentence
 * still ends with the rule it comes from, and the letter's reference line lists them all.
 */
import type { MedicationFlag } from "../pathway/medication-review.ts";

/** What was done of the bowel checklist, by rule, as a clinician would write it. */
const BOWEL_DONE: Record<string, string> = {
  B1: "advised about bowel problems and given the information booklet (B1)",
  B2: "stimulant and softener laxatives prescribed (B2)",
  B3: "taught digital rectal stimulation and evacuation (B3)",
  B4: "managed to the MASCIP bowel guidelines (B4)",
  B5: "SCI service follow-up arranged for bowel problems (B5)",
  B6: "bowel function re-assessed in clinic (B6)",
};

export function bowelDoneText(rules: string[]): string {
  if (rules.length === 0) return "None recorded";
  const parts = rules.map((r) => BOWEL_DONE[r] ?? r);
  const text = parts.join("; ");
  return text.charAt(0).toUpperCase() + text.slice(1);
}

/**
 * A medication flag as a sentence for the letter's table, beside the medicine's name: what the
 * medicine is or contains, what the pathway advises, and the rule ("Contains codeine, an opioid:
 * the pathway advises against opioids in the chronic phase (P5).").
 */
export function flagText(flag: MedicationFlag): string {
  const what = capitalise(flag.finding.replace(/^is /, ""));
  const check = flag.check ? ` ${flag.check}` : "";
  switch (flag.rule) {
    case "P5":
      return `${what}: the pathway advises against opioids in the chronic phase (P5).${check}`;
    case "P6":
      return `${what}: the pathway advises against gabapentinoids, anti-epileptics, oral steroids and benzodiazepines in the chronic phase (P6).${check}`;
    case "P3":
      return `${what}, with no laxative prescribed: a laxative is advised to prevent constipation (P3).${check}`;
    case "P2":
      return `${what}, with no gastric protection prescribed: a proton pump inhibitor, H2 blocker or misoprostol is advised (P2).${check}`;
  }
}

const capitalise = (text: string) => text.charAt(0).toUpperCase() + text.slice(1);

/**
 * The TWOC outcome as a sentence for a letter. The engine's reason ends, when a bladder held over
 * 600 ml, with the ward's instruction (catheterise, document sensation, catheter tug): that was for
 * the nurse at the bedside, not for a reader of the letter, who is told the volume instead.
 */
export function twocSentence(status: string, rules: string[], reason: string): string {
  const safe = /; largest scan (\d+) ml - .*$/.exec(reason);
  const finding = safe ? reason.slice(0, safe.index) + `. The largest bladder volume recorded was ${safe[1]} ml (over 600 ml)` : reason.replace(/\.$/, "");
  const cited = rules.length ? ` (${rules.join(", ")})` : "";
  return `Trial without catheter (TWOC): ${status}${cited}. ${finding}.`;
}
