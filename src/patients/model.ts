/** Patients and their CES surgery episodes, as the rest of the app sees them. */
export const SEXES = ["female", "male", "indeterminate", "not-known"] as const;
export type Sex = (typeof SEXES)[number];

export const PRESENTATIONS = ["CES-I", "CES-R"] as const;
export type Presentation = (typeof PRESENTATIONS)[number];

export const PROCEDURES = ["total-laminectomy", "hemilaminectomy", "laminotomy"] as const;
export type Procedure = (typeof PROCEDURES)[number];

export const PROCEDURE_NAMES: Record<Procedure, string> = {
  "total-laminectomy": "Total laminectomy",
  hemilaminectomy: "Hemilaminectomy",
  laminotomy: "Laminotomy",
};

export const CATHETER_STATUSES = ["none", "flip-flow", "isc", "indwelling-free-drainage", "suprapubic"] as const;
export type CatheterStatus = (typeof CATHETER_STATUSES)[number];
/**
 * A discharge recorded by the hospital feed: the PAS does not send the catheter status, and the
 * app does not guess it. Until a clinician records it on the discharge page, the rule engine reads
 * the ward's record instead (as before discharge). Never offered on a form or the API.
 */
export const CATHETER_NOT_RECORDED = "not-recorded";
export type RecordedCatheterStatus = CatheterStatus | typeof CATHETER_NOT_RECORDED;
export const CATHETER_STATUS_NAMES: Record<RecordedCatheterStatus, string> = {
  none: "No catheter",
  "flip-flow": "Long-term catheter with flip-flow valve",
  isc: "Intermittent self-catheterisation (ISC)",
  "indwelling-free-drainage": "Indwelling catheter on free drainage",
  suprapubic: "Suprapubic catheter",
  "not-recorded": "Not recorded (discharge from the hospital feed): a clinician should record it on the discharge page",
};

export interface GpPractice {
  name: string | null;
  address: string | null;
  email: string | null;
}

export interface PatientInput {
  nhsNumber: string;
  familyName: string;
  givenName: string;
  dateOfBirth: string; // YYYY-MM-DD
  sex: Sex;
  email: string | null;
  emailConsent: boolean;
  /** A UK mobile number, +447...; absent from callers that do not record one (stored as none). */
  mobile?: string | null;
  /** The patient agrees to reminder text messages. */
  smsConsent?: boolean;
  gp: GpPractice;
}

export interface Patient extends PatientInput {
  id: number;
  mobile: string | null;
  smsConsent: boolean;
  emailOptedOutAt: string | null;
  /** Set when the PAS merged this patient into another (HL7 A40): the record lives on there. */
  mergedIntoPatientId?: number | null;
  smsOptedOutAt: string | null;
  createdAt: string;
  updatedAt: string;
}

export interface EpisodeInput {
  presentation: Presentation;
  mriAt: string;
  anaesthesiaStartAt: string;
  procedure: Procedure;
  level: string | null;
  /** The surgeon's name as letters show it; who is responsible is consultantUserId. */
  surgeon: string | null;
  hospital: string | null;
  /** The ward's name when the episode was written (kept for the history); where the patient is, is wardId. */
  ward: string | null;
  /** The ward record (wards.id). Absent: the caller does not set it, and a correction leaves it as it was. */
  wardId?: number | null;
  /** The responsible consultant: a clinician's account (users.id). Absent as for wardId. */
  consultantUserId?: number | null;
  bed: string | null;
  delayReason: string | null;
  consultantSanction: boolean | null;
  preopReviewAt: string | null;
  consentRecorded: boolean | null;
  bsrRegistered: boolean | null;
  catheterisedBeforeSurgery: boolean | null;
}

export interface Discharge {
  dischargedAt: string;
  destination: string;
  catheterStatus: RecordedCatheterStatus;
}

export interface Episode extends EpisodeInput {
  id: number;
  wardId: number | null;
  consultantUserId: number | null;
  patientId: number;
  discharge: Discharge | null;
  createdAt: string;
  updatedAt: string;
}

/** "O'BRIEN, Mary": how patients are named on screens (family name first, in capitals). */
export function patientDisplayName(p: { familyName: string; givenName: string }): string {
  return `${p.familyName.toUpperCase()}, ${p.givenName}`;
}

/**
 * Words a name is searched by: lower case, accents dropped, split at spaces, hyphens and
 * apostrophes, with apostrophes also closed up: "Ó'Brien-Smith" -> ["o", "brien", "obrien", "smith"].
 * A search word matches the start of any of them, so "brien", "obrien", "o'brien" and "smith" all find her.
 */
export function searchWords(text: string): string[] {
  const plain = text.normalize("NFKD").replace(/\p{M}/gu, "").toLowerCase();
  const words = [...plain.split(/[^\p{L}\p{N}]+/u), ...plain.replace(/['\u2019]/g, "").split(/[^\p{L}\p{N}]+/u)];
  return [...new Set(words.filter((w) => w !== ""))];
}

/** The stored search words of a patient's name (the `search_name` column). */
export function searchName(familyName: string, givenName: string): string {
  return searchWords(`${familyName} ${givenName}`).join(" ").slice(0, 210);
}

/** A ward's name for matching: trimmed, inner spaces collapsed, case ignored ("  Ward 3 " is "ward 3"). */
export function wardNameKey(name: string): string {
  return name.trim().replace(/\s+/g, " ").toLowerCase();
}

/** A person's name for matching: as a ward's, and dots ignored too ("Mr A. Surgeon" is "mr a surgeon"). */
export function personNameKey(name: string): string {
  return wardNameKey(name.replace(/\./g, " "));
}

/** The surgery date in London, YYYY-MM-DD: the day the pain phase counts from. */
export function surgeryDate(episode: Pick<Episode, "anaesthesiaStartAt">, londonDate: (instant: string) => string): string {
  return londonDate(episode.anaesthesiaStartAt);
}
