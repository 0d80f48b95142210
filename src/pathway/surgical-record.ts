import { PathwayInputError } from "./errors.ts";
import type { RuleId } from "./rules.ts";
import { HOUR_MS, describeLondon, londonParts, parseInstant } from "./time.ts";

export interface SurgicalRecord {
  presentation: "CES-I" | "CES-R";
  mriAt: string;
  anaesthesiaStartAt: string;
  delayReason?: string;
  consultantSanction?: boolean;
  preopReviewAt?: string;
  consentRecorded?: boolean;
  bsrRegistered?: boolean;
  catheterisedBeforeSurgery?: boolean;
}

export interface SurgicalFlag {
  rule: RuleId;
  message: string;
}

/** S-NIGHT: anaesthesia starting from 00:00 up to (not including) 07:30 Europe/London. */
const NIGHT_ENDS_MINUTES = 7 * 60 + 30;

function optionalBoolean(value: unknown, field: string): boolean | undefined {
  if (value !== undefined && typeof value !== "boolean") {
    throw new PathwayInputError("invalid-value", field, `${field} must be true or false.`);
  }
  return value as boolean | undefined;
}

/**
 * Surgical-record checks the source states. They flag, they do not block.
 * S-TIME-I (CES-I "as quickly as possible") has no threshold in the source, so it is never
 * raised from times alone.
 */
export function surgicalRecordFlags(record: SurgicalRecord): SurgicalFlag[] {
  if (typeof record !== "object" || record === null) {
    throw new PathwayInputError("missing-field", "record", "The surgical record is required.");
  }
  if (record.presentation !== "CES-I" && record.presentation !== "CES-R") {
    throw new PathwayInputError("invalid-value", "presentation", `presentation must be "CES-I" (incomplete) or "CES-R" (retention).`);
  }
  const mri = parseInstant(record.mriAt, "mriAt");
  const start = parseInstant(record.anaesthesiaStartAt, "anaesthesiaStartAt");
  if (start < mri) {
    throw new PathwayInputError("out-of-order", "anaesthesiaStartAt", "anaesthesiaStartAt is before mriAt: check both times.");
  }
  const review = record.preopReviewAt === undefined ? undefined : parseInstant(record.preopReviewAt, "preopReviewAt");
  const sanction = optionalBoolean(record.consultantSanction, "consultantSanction");
  const consent = optionalBoolean(record.consentRecorded, "consentRecorded");
  const bsr = optionalBoolean(record.bsrRegistered, "bsrRegistered");
  const cath = optionalBoolean(record.catheterisedBeforeSurgery, "catheterisedBeforeSurgery");
  if (record.delayReason !== undefined && typeof record.delayReason !== "string") {
    throw new PathwayInputError("invalid-value", "delayReason", "delayReason must be text.");
  }
  const hasDelayReason = record.delayReason !== undefined && record.delayReason.trim() !== "";

  const flags: SurgicalFlag[] = [];
  if (review === undefined) {
    flags.push({ rule: "S-DOC", message: "No time-stamped pre-operative review of history and examination is recorded." });
  } else if (review > start) {
    flags.push({ rule: "S-DOC", message: `The documented review of history and examination (${describeLondon(review)}) is after anaesthesia started (${describeLondon(start)}).` });
  }
  if (consent !== true) flags.push({ rule: "S-CONSENT", message: "Consent for surgery is not recorded." });
  if (bsr !== true) flags.push({ rule: "S-BSR", message: "The patient is not recorded as registered on the British Spine Registry." });
  if (cath !== true) flags.push({ rule: "S-CATH", message: "The patient is not recorded as catheterised before the start of surgery." });
  if (record.presentation === "CES-R" && start - mri > 24 * HOUR_MS && !hasDelayReason) {
    const hours = Math.floor((start - mri) / HOUR_MS);
    flags.push({
      rule: "S-TIME-R",
      message: `CES-R: anaesthesia started more than 24 hours after MRI (about ${hours} h: MRI ${describeLondon(mri)}, anaesthesia ${describeLondon(start)}) and no reason for the delay is recorded.`,
    });
  }
  const local = londonParts(start);
  if (local.hour * 60 + local.minute < NIGHT_ENDS_MINUTES && sanction !== true) {
    flags.push({
      rule: "S-NIGHT",
      message: `Anaesthesia started at ${describeLondon(start)} (between midnight and 07:30) and no consultant on-call sanction is recorded.`,
    });
  }
  return flags;
}

export interface SurgicalCheck {
  rule: RuleId;
  text: string;
}

export interface SurgicalChecks {
  /** The checks that apply to this record and are met, in the rule book's order. */
  met: SurgicalCheck[];
  /** The checks not met (surgicalRecordFlags' flags), in the rule book's order. */
  flagged: SurgicalCheck[];
}

const MET_TEXT: Record<"S-DOC" | "S-CONSENT" | "S-BSR" | "S-CATH" | "S-NIGHT", string> = {
  "S-DOC": "A time-stamped review of history and examination is recorded before anaesthesia started.",
  "S-CONSENT": "Consent for surgery is recorded.",
  "S-BSR": "The patient is recorded as registered on the British Spine Registry.",
  "S-CATH": "The patient is recorded as catheterised before the start of surgery.",
  "S-NIGHT": "Anaesthesia started outside midnight to 07:30, or the consultant on-call sanction is recorded.",
};

/**
 * Every surgical-record check that applies to the record, met or flagged: S-DOC, S-CONSENT, S-BSR,
 * S-CATH, then S-TIME-R for CES-R or S-TIME-I for CES-I, then S-NIGHT. S-TIME-I has no time limit
 * in the source, so it is never flagged from times alone (see surgicalRecordFlags).
 */
export function surgicalRecordChecks(record: SurgicalRecord): SurgicalChecks {
  const flags = surgicalRecordFlags(record);
  const timing: RuleId = record.presentation === "CES-R" ? "S-TIME-R" : "S-TIME-I";
  const order: RuleId[] = ["S-DOC", "S-CONSENT", "S-BSR", "S-CATH", timing, "S-NIGHT"];
  const met: SurgicalCheck[] = [];
  const flagged: SurgicalCheck[] = [];
  for (const rule of order) {
    const flag = flags.find((f) => f.rule === rule);
    if (flag) {
      flagged.push({ rule, text: flag.message });
    } else if (rule === "S-TIME-R") {
      const within = parseInstant(record.anaesthesiaStartAt, "anaesthesiaStartAt") - parseInstant(record.mriAt, "mriAt") <= 24 * HOUR_MS;
      met.push({ rule, text: within ? "CES-R: anaesthesia started within 24 hours of MRI." : "CES-R: anaesthesia started more than 24 hours after MRI, and the reason for the delay is recorded." });
    } else if (rule === "S-TIME-I") {
      met.push({ rule, text: "CES-I: surgery as quickly as possible (NCEPOD E1/E2); the source sets no time limit, so times alone raise no flag." });
    } else {
      met.push({ rule, text: MET_TEXT[rule as keyof typeof MET_TEXT] });
    }
  }
  return { met, flagged };
}
