/**
 * The referral pack: the SCI referral's facts field by field, to key into the National Spinal Cord
 * Injury Database's online form. The pack offers a fixed list of fields (below); which section of
 * the form each goes in, and the sections' order, are reference data an admin keeps
 * (referral-form.ts), because only the service can check them against the live form.
 */
import type { PackSection } from "./document.ts";
import type { LetterFacts } from "./facts.ts";

const yes = (v: boolean) => (v ? "Yes" : "No");
/** The facts say "Not recorded" for a blank in the record; in the pack a blank is empty, and flagged. */
const given = (v: string | undefined) => (v === undefined || v === "Not recorded" ? "" : v);
const issue = (i: { ongoing: string; details: string }) => (given(i.ongoing) ? i.ongoing + (i.details ? `: ${i.details}` : "") : "");

/** Every field the pack offers, in the pack's own order, with its label and how it reads the letter's facts. */
export const PACK_FIELDS = [
  { key: "family-name", label: "Family name", value: (f: LetterFacts) => f.patient.familyName },
  { key: "given-name", label: "Given name", value: (f: LetterFacts) => f.patient.givenName },
  { key: "nhs-number", label: "NHS number", value: (f: LetterFacts) => f.patient.nhsNumber },
  { key: "date-of-birth", label: "Date of birth", value: (f: LetterFacts) => f.patient.dateOfBirth },
  { key: "sex", label: "Sex", value: (f: LetterFacts) => f.patient.sex },
  { key: "referrer", label: "Referrer", value: (f: LetterFacts) => f.referrer.name },
  { key: "referral-date", label: "Date of referral", value: (f: LetterFacts) => f.referrer.date },
  { key: "referring-hospital", label: "Referring hospital", value: (f: LetterFacts) => given(f.surgery.hospital) },
  { key: "referred-to", label: "Referred to (SCI centre)", value: (f: LetterFacts) => (f.recipient ? [f.recipient.name, f.recipient.department].filter(Boolean).join(", ") : "") },
  { key: "gp-practice", label: "GP practice", value: (f: LetterFacts) => given(f.gp.name) },
  { key: "gp-address", label: "GP address", value: (f: LetterFacts) => f.gp.address },
  { key: "gp-email", label: "GP email", value: (f: LetterFacts) => f.gp.email },
  { key: "diagnosis", label: "Diagnosis", value: () => "Cauda equina syndrome" },
  { key: "presentation", label: "Presentation", value: (f: LetterFacts) => f.surgery.presentation },
  { key: "level", label: "Level", value: (f: LetterFacts) => given(f.surgery.level) },
  { key: "mri", label: "MRI", value: (f: LetterFacts) => f.surgery.mriAt },
  { key: "surgery-time", label: "Surgery (anaesthesia started)", value: (f: LetterFacts) => f.surgery.anaesthesiaStartAt },
  { key: "procedure", label: "Procedure", value: (f: LetterFacts) => f.surgery.procedure },
  { key: "surgeon", label: "Surgeon", value: (f: LetterFacts) => given(f.surgery.surgeon) },
  { key: "discharged", label: "Discharged", value: (f: LetterFacts) => (f.surgery.destination ? `${f.surgery.discharged} to ${f.surgery.destination}` : f.surgery.discharged) },
  { key: "twoc", label: "TWOC outcome", value: (f: LetterFacts) => `${f.bladder.twocStatus}${f.bladder.twocRules.length ? ` (${f.bladder.twocRules.join(", ")})` : ""}` },
  {
    key: "bladder-scans",
    label: "Bladder scans",
    value: (f: LetterFacts) =>
      f.bladder.events.filter((e) => e.volume && e.event !== "Void").map((e) => `${e.at}: ${e.event} ${e.volume}${e.detail ? ` (${e.detail})` : ""}`).join("; ") || "None recorded",
  },
  { key: "bladder-management", label: "Current bladder management", value: (f: LetterFacts) => f.bladder.management },
  { key: "flip-flow", label: "Flip-flow valve", value: (f: LetterFacts) => f.bladder.flipFlow },
  { key: "isc", label: "ISC referral / taught", value: (f: LetterFacts) => `${yes(f.bladder.iscReferred)} / ${yes(f.bladder.iscTaught)}` },
  { key: "bowel-regime", label: "Bowel regime", value: (f: LetterFacts) => f.bowel.regime.join("; ") || "None recorded" },
  { key: "bowel-issues", label: "Bowel issues", value: (f: LetterFacts) => issue(f.bowel) },
  { key: "pain-phase", label: "Pain phase", value: (f: LetterFacts) => `${f.pain.phase} (chronic from ${f.pain.chronicFrom})` },
  { key: "medication", label: "Current medication", value: (f: LetterFacts) => f.pain.medications.map((m) => `${m.name}${m.dose ? ` ${m.dose}` : ""}`).join("; ") || "None recorded" },
  { key: "neuropathic-pain", label: "Persistent neuropathic pain", value: (f: LetterFacts) => issue({ ongoing: f.pain.neuropathic, details: f.pain.details }) },
  { key: "sexual-function", label: "Sexual dysfunction", value: (f: LetterFacts) => issue(f.sexual) },
  { key: "psychological", label: "Ongoing CES symptoms (psychological needs)", value: (f: LetterFacts) => issue(f.psychological) },
  {
    key: "reasons",
    label: "Reasons for referral",
    value: (f: LetterFacts) => (f.reasons.length ? f.reasons.map((r) => `${r.text.replace(/\.$/, "")} (${r.rule})`).join("; ") : "None recorded: the record does not indicate a referral (R1)"),
  },
] as const;

export type PackFieldKey = (typeof PACK_FIELDS)[number]["key"];
export const PACK_FIELD_KEYS: readonly PackFieldKey[] = PACK_FIELDS.map((f) => f.key);
export const PACK_FIELD_LABELS = Object.fromEntries(PACK_FIELDS.map((f) => [f.key, f.label])) as Record<PackFieldKey, string>;

/** One section of the online form, as an admin keeps it: its name and the pack fields that go in it, in order. */
export interface FormSection {
  id: number;
  name: string;
  fields: PackFieldKey[];
}

export interface PackField {
  key: PackFieldKey;
  label: string;
  /** Empty when the record does not have it: the page and the PDF flag it. */
  value: string;
}

export interface ReferralPack {
  sections: { name: string; fields: PackField[] }[];
  /** Fields no form section takes, so that nothing in the pack is lost. */
  unplaced: PackField[];
}

/** Said in place of an empty field, on the page and in the PDF. */
export const NOT_RECORDED = "Not recorded: the centre may reject an incomplete referral";
export const UNPLACED_TITLE = "Not in a form section";

/** The pack laid out as the form's sections, in their order; fields in no section come last. */
export function referralPack(f: LetterFacts, layout: readonly FormSection[]): ReferralPack {
  const field = (key: PackFieldKey): PackField => {
    const def = PACK_FIELDS.find((d) => d.key === key)!;
    return { key, label: def.label, value: def.value(f).trim() };
  };
  const placed = new Set(layout.flatMap((s) => s.fields));
  return {
    sections: layout.map((s) => ({ name: s.name, fields: s.fields.map(field) })),
    unplaced: PACK_FIELD_KEYS.filter((k) => !placed.has(k)).map(field),
  };
}

/** The labels of the pack's fields with nothing recorded, in the form's order. */
export function missingPackFields(pack: ReferralPack): string[] {
  return [...pack.sections.flatMap((s) => s.fields), ...pack.unplaced].filter((f) => !f.value).map((f) => f.label);
}

/** The pack as the PDF prints it: the sections, then any unplaced fields; an empty value says so. */
export function packForPrint(pack: ReferralPack): PackSection[] {
  const rows = (fields: PackField[]) => fields.map((x) => ({ label: x.label, value: x.value || NOT_RECORDED }));
  const sections = pack.sections.map((s) => ({ title: s.name, rows: rows(s.fields) }));
  return pack.unplaced.length ? [...sections, { title: UNPLACED_TITLE, rows: rows(pack.unplaced) }] : sections;
}
