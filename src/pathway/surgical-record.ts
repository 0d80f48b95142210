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
