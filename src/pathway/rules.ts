/**
 * Every rule of the rule book, by id. Code, screens, letters and tests cite these ids.
 * The text restates the source policy (West Yorkshire ICB, version of 5 November 2024, carrying
 * the national Suspected Cauda Equina Syndrome pathway).
 */
export type RuleSection =
  | "surgery"
  | "bladder"
  | "flip-flow"
  | "bowel"
  | "pain"
  | "sexual"
  | "psychological"
  | "referral";

export interface Rule {
  text: string;
  section: RuleSection;
}

const RULE_BOOK = {
  "S-DOC": { section: "surgery", text: "A time-stamped, documented review of history and examination is made by the surgical team before surgery." },
  "S-CONSENT": { section: "surgery", text: "Consent for surgery is recorded; the BASS information booklet and consent form are offered." },
  "S-BSR": { section: "surgery", text: "The patient is registered on the British Spine Registry." },
  "S-CATH": { section: "surgery", text: "The patient is catheterised before the start of surgery, and as soon as possible after the decision to operate." },
  "S-TIME-R": { section: "surgery", text: "CES-R (painless urinary retention with overflow incontinence): timing is at the operating surgeon's discretion, but surgery should still be within 24 hours of MRI; record the reason for any delay." },
  "S-TIME-I": { section: "surgery", text: "CES-I (incomplete): surgery as quickly as possible as an NCEPOD E1/E2 emergency; any reason for delay is documented." },
  "S-NIGHT": { section: "surgery", text: "Surgery where anaesthesia starts between midnight and 07:30 must have consultant on-call sanction." },
  U1: { section: "bladder", text: "Trial without catheter (TWOC) as soon as possible after surgery, with a pre-void and a post-void bladder scan." },
  U2: { section: "bladder", text: "TWOC passed: a post-void bladder scan under 100 ml means no catheter is required at discharge." },
  U3: { section: "bladder", text: "TWOC failed: a pre-void bladder scan over 500 ml with no sensation to void." },
  U4: { section: "bladder", text: "TWOC failed: no void for 6 hours, from catheter removal or the last recorded void, whichever is later." },
  U5: { section: "bladder", text: "On a failed TWOC: re-catheterise with a long-term catheter with a flip-flow valve, and refer to local services to learn intermittent self-catheterisation (ISC)." },
  U6: { section: "bladder", text: "On a failed TWOC: do not TWOC again at this stage." },
  U7: { section: "bladder", text: "A failed TWOC must have follow-up with the regional spinal cord injury (SCI) service or a locally agreed urology service." },
  U8: { section: "bladder", text: "Best practice: teach intermittent self-catheterisation (ISC) as quickly as possible after surgery, where possible." },
  "U-REVIEW": { section: "bladder", text: "A post-void scan of 100 ml or more with no failure rule fired is outside the pathway's explicit thresholds: clinical review; the TWOC stays open and the 6-hour no-void clock keeps running." },
  "U-SAFE": { section: "bladder", text: "Urgent: a bladder volume over 600 ml in a patient unable to void, or a post-void residual over 600 ml - catheterise, document whether sensate and perform a catheter tug." },
  F1: { section: "flip-flow", text: "Open the flip-flow valve at least every 4 hours, including overnight." },
  F2: { section: "flip-flow", text: "Shorter intervals may be needed depending on how much the patient drinks; aim for a bladder volume under 500 ml at each opening." },
  F3: { section: "flip-flow", text: "Do not rely on sensation or urge to void as the trigger to open the flip-flow valve or self-catheterise: open by the clock." },
  B1: { section: "bowel", text: "Advise every patient about the potential for bowel issues; give the information booklet as an inpatient." },
  B2: { section: "bowel", text: "Prescribe a bowel stimulant and a softener in the acute post-operative phase, e.g. senna (stimulant) and sodium docusate (softener)." },
  B3: { section: "bowel", text: "Educate the patient to do digital rectal stimulation (DRS) followed by digital rectal evacuation (DRE)." },
  B4: { section: "bowel", text: "Follow the published (MASCIP) bowel management guidelines." },
  B5: { section: "bowel", text: "A patient with bowel issues must have follow-up with the SCI service." },
  B6: { section: "bowel", text: "Re-assess bowel function at the surgical outpatient appointment for every patient; refer to local services or the SCI service if there is an issue." },
  P1: { section: "pain", text: "Exclude a further disc prolapse with an MRI if appropriate." },
  P2: { section: "pain", text: "Regular paracetamol; an NSAID with GI protection." },
  P3: { section: "pain", text: "Acute phase: consider weak or strong opioids after a pain assessment, with adjuvants to avoid constipation." },
  P4: { section: "pain", text: "Acute phase: the GP assesses the drugs 1 to 2 weeks after discharge." },
  P5: { section: "pain", text: "Chronic phase: do not offer opioids." },
  P6: { section: "pain", text: "Chronic phase: do not offer gabapentinoids, anti-epileptics, oral steroids or benzodiazepines." },
  P7: { section: "pain", text: "Chronic phase: consider a root block if appropriate." },
  P8: { section: "pain", text: "Chronic phase: refer for spinal cord stimulation if there is persistent neuropathic pain (NICE TA159)." },
  X1: { section: "sexual", text: "Advise every patient about the potential for sexual dysfunction." },
  X2: { section: "sexual", text: "Signpost to support groups: Cauda Equina Champions Charity; Spinal Injuries Association (SIA)." },
  X3: { section: "sexual", text: "A patient with sexual dysfunction must have follow-up with the SCI service." },
  X4: { section: "sexual", text: "Re-assess sexual function at the surgical outpatient appointment for every patient; refer to local services or the SCI service if there is an issue." },
  X5: { section: "sexual", text: "Consider a trial of a phosphodiesterase-5 inhibitor such as tadalafil or sildenafil, in men and in women." },
  Y1: { section: "psychological", text: "Advise every patient how cauda equina syndrome can affect other areas of life; give the BASS information booklet as an inpatient." },
  Y2: { section: "psychological", text: "Signpost to support groups: Spinal Injuries Association (SIA); Aspire (benefits advice); Cauda Equina Champions Charity." },
  Y3: { section: "psychological", text: "A patient with ongoing cauda equina symptoms is contacted by SCI psychology services." },
  R1: { section: "referral", text: "Every patient who had surgery for CES and has ongoing symptoms after it is referred to the regional spinal cord injury unit through the National Spinal Cord Injury Database." },
} as const satisfies Record<string, Rule>;

/** A rule id of the rule book: every decision the engine returns cites these, and only these. */
export type RuleId = keyof typeof RULE_BOOK;

/**
 * The rule book by id. Typed for lookup by any string as well (callers outside the engine may hold
 * an id as text), and by RuleId, so that a decision's rule ids are checked when the code is compiled.
 */
export const rules: Readonly<Record<RuleId, Rule>> & Readonly<Record<string, Rule>> = Object.freeze(RULE_BOOK);

/** Whether a text is a rule id of the rule book. */
export function isRuleId(value: unknown): value is RuleId {
  return typeof value === "string" && Object.hasOwn(RULE_BOOK, value);
}
