import { isValidNhsNumber } from "../pathway/index.ts";
import { CONTROL_CHARACTERS, type InputReader } from "../web/validation.ts";
import { normaliseUkMobile } from "./mobile.ts";
import { CATHETER_STATUSES, type Discharge, type EpisodeInput, type PatientInput, PRESENTATIONS, PROCEDURES, SEXES, wardNameKey } from "./model.ts";
import type { ConsultantChoice, WardChoice } from "./repository.ts";

export const PATIENT_FIELDS = ["nhsNumber", "familyName", "givenName", "dateOfBirth", "sex", "email", "emailConsent", "mobile", "smsConsent", "gp"] as const;
export const EPISODE_FIELDS = [
  "presentation", "mriAt", "anaesthesiaStartAt", "procedure", "level", "surgeon", "hospital", "ward", "bed",
  "delayReason", "consultantSanction", "preopReviewAt", "consentRecorded", "bsrRegistered", "catheterisedBeforeSurgery",
] as const;
/** The episode form's fields: the ward and the responsible consultant are chosen from lists. */
export const EPISODE_FORM_FIELDS = [...EPISODE_FIELDS, "wardId", "consultantUserId"] as const;

/** The wards and consultants an episode may point to (see episodeChoices). */
export interface EpisodeChoices {
  wards: WardChoice[];
  consultants: ConsultantChoice[];
}

/**
 * Reads a required NHS number: spaces and hyphens allowed, then 10 digits with a valid Modulus 11
 * check digit. Null (with a field error on `field`) when it is missing or not valid.
 */
export function readNhsNumber(input: InputReader, field = "nhsNumber"): string | null {
  const text = input.text(field, { label: "NHS number", required: true, max: 20 });
  const nhsNumber = text === null ? null : text.replace(/[\s-]/g, "");
  if (nhsNumber === null) return null;
  if (!/^\d{10}$/.test(nhsNumber)) input.fail(field, "NHS number must be 10 digits");
  else if (!isValidNhsNumber(nhsNumber)) input.fail(field, "NHS number is not valid: check the digits (the last digit is a check digit)");
  else return nhsNumber;
  return null;
}

/** Reads a patient from a form or JSON body. `today` (YYYY-MM-DD, London) bounds the date of birth. */
export function readPatient(input: InputReader, today: string): PatientInput {
  const nhsNumber = readNhsNumber(input);
  const familyName = input.text("familyName", { label: "Family name", required: true, max: 100, name: true });
  const givenName = input.text("givenName", { label: "Given name", required: true, max: 100, name: true });
  const dateOfBirth = input.date("dateOfBirth", { label: "Date of birth", required: true });
  if (dateOfBirth && dateOfBirth > today) input.fail("dateOfBirth", "Date of birth must be today or in the past");
  const sex = input.choice("sex", SEXES, { label: "Sex", required: true });
  const email = input.email("email", { label: "Email address" });
  const emailConsent = input.bool("emailConsent", { label: "The patient agrees to reminder emails" }) ?? false;
  if (emailConsent && !email) input.fail("email", "Enter an email address, or record that the patient does not want reminder emails");
  const { mobile, smsConsent } = readMobile(input);
  const gp = readGp(input);
  return input.result({
    nhsNumber: nhsNumber!,
    familyName: familyName!,
    givenName: givenName!,
    dateOfBirth: dateOfBirth!,
    sex: sex!,
    email,
    emailConsent,
    mobile,
    smsConsent,
    gp,
  });
}

/** The mobile number for reminder texts (a UK mobile, stored as +447...) and consent to them. */
function readMobile(input: InputReader): { mobile: string | null; smsConsent: boolean } {
  const typed = input.text("mobile", { label: "Mobile number", max: 30 });
  const mobile = typed === null ? null : normaliseUkMobile(typed);
  if (typed !== null && mobile === null) input.fail("mobile", "Enter a UK mobile number, like 07700 900123 or +44 7700 900123");
  const smsConsent = input.bool("smsConsent", { label: "The patient agrees to reminder text messages" }) ?? false;
  if (smsConsent && typed === null) input.fail("mobile", "Enter a mobile number, or record that the patient does not want reminder text messages");
  return { mobile, smsConsent };
}

/** GP practice: JSON sends {gp: {name, address, email}}; forms send gpName, gpAddress, gpEmail. */
function readGp(input: InputReader) {
  if (input.mode === "json") {
    const gp = input.raw("gp");
    if (gp === undefined || gp === null) return { name: null, address: null, email: null };
    if (typeof gp !== "object" || Array.isArray(gp)) {
      input.fail("gp", "gp must be an object with name, address and email");
      return { name: null, address: null, email: null };
    }
    const g = gp as Record<string, unknown>;
    const text = (key: string, max: number) => {
      const v = g[key];
      if (v === undefined || v === null || v === "") return null;
      if (typeof v !== "string" || v.length > max || CONTROL_CHARACTERS.test(v)) {
        input.fail(`gp.${key}`, `gp.${key} must be text of ${max} characters or fewer, without control characters`);
        return null;
      }
      return v.trim();
    };
    const email = text("email", 320);
    if (email && !/^[^\s@]+@[^\s@]+\.[^\s@]+$/.test(email)) input.fail("gp.email", "gp.email must be an email address");
    return { name: text("name", 200), address: text("address", 500), email };
  }
  return {
    name: input.text("gpName", { label: "GP practice name", max: 200 }),
    address: input.text("gpAddress", { label: "GP practice address", max: 500 }),
    email: input.email("gpEmail", { label: "GP practice email address" }),
  };
}

/**
 * Reads an episode. Times may not be in the future (`now`); anaesthesia cannot start before the MRI.
 * With `choices`, the ward (wardId, or a ward's name sent as `ward`) and the responsible consultant
 * (consultantUserId) must be among them; the ward's name is kept as the episode's ward text.
 * Without, the ward stays the text sent and no link is set.
 */
export function readEpisode(input: InputReader, now: string, choices?: EpisodeChoices): EpisodeInput {
  const presentation = input.choice("presentation", PRESENTATIONS, { label: "CES presentation", required: true });
  const mriAt = input.instant("mriAt", { label: "MRI time", required: true });
  const anaesthesiaStartAt = input.instant("anaesthesiaStartAt", { label: "Start of anaesthesia", required: true });
  if (mriAt && mriAt > now) input.fail("mriAt", "MRI time must be in the past");
  if (anaesthesiaStartAt && anaesthesiaStartAt > now) input.fail("anaesthesiaStartAt", "Start of anaesthesia must be in the past");
  if (mriAt && anaesthesiaStartAt && anaesthesiaStartAt < mriAt) input.fail("anaesthesiaStartAt", "Start of anaesthesia must be after the MRI");
  const procedure = input.choice("procedure", PROCEDURES, { label: "Procedure", required: true });
  const preopReviewAt = input.instant("preopReviewAt", { label: "Time of the documented pre-operative review" });
  if (preopReviewAt && preopReviewAt > now) input.fail("preopReviewAt", "The pre-operative review time must be in the past");
  return input.result({
    presentation: presentation!,
    mriAt: mriAt!,
    anaesthesiaStartAt: anaesthesiaStartAt!,
    procedure: procedure!,
    level: input.text("level", { label: "Level", max: 60, line: true }),
    surgeon: input.text("surgeon", { label: "Surgeon", max: 200, name: true }),
    hospital: input.text("hospital", { label: "Hospital", max: 200, line: true }),
    ...(choices ? readLinks(input, choices) : { ward: input.text("ward", { label: "Ward", max: 120, line: true }) }),
    bed: input.text("bed", { label: "Bed", max: 40, line: true }),
    delayReason: input.text("delayReason", { label: "Reason for delay", max: 2000 }),
    consultantSanction: input.bool("consultantSanction", { label: "a consultant on call sanctioned the start time" }),
    preopReviewAt,
    consentRecorded: input.bool("consentRecorded", { label: "consent is recorded" }),
    bsrRegistered: input.bool("bsrRegistered", { label: "the patient is registered on the British Spine Registry" }),
    catheterisedBeforeSurgery: input.bool("catheterisedBeforeSurgery", { label: "the patient was catheterised before surgery" }),
  });
}

function readLinks(input: InputReader, choices: EpisodeChoices): Pick<EpisodeInput, "ward" | "wardId" | "consultantUserId"> {
  let ward: WardChoice | null;
  if (input.has("wardId")) {
    const id = input.integer("wardId", { label: "Ward", min: 1, max: 2147483647 });
    ward = choices.wards.find((w) => w.id === id) ?? null;
    if (id !== null && !ward) input.fail("wardId", "Select a ward from the list: that ward is not known, or has been retired");
  } else {
    // A ward's name sent as text (older forms, other systems) is accepted when it names a ward.
    const name = input.text("ward", { label: "Ward", max: 120, line: true });
    ward = name === null ? null : (choices.wards.find((w) => !w.retired && wardNameKey(w.name) === wardNameKey(name)) ?? null);
    if (name !== null && !ward) input.fail("wardId", `Select a ward from the list: there is no ward called "${name}"`);
  }
  let consultantUserId: number | null = null;
  if (input.has("consultantUserId")) {
    const id = input.integer("consultantUserId", { label: "Responsible consultant", min: 1, max: 2147483647 });
    const consultant = choices.consultants.find((c) => c.id === id);
    if (id !== null && !consultant) input.fail("consultantUserId", "Select the responsible consultant from the list: that clinician is not known");
    consultantUserId = consultant?.id ?? null;
  }
  return { ward: ward?.name ?? null, wardId: ward?.id ?? null, consultantUserId };
}

export function readDischarge(input: InputReader, now: string, surgeryAt: string): Discharge {
  const dischargedAt = input.instant("dischargedAt", { label: "Discharge time", required: true });
  if (dischargedAt && dischargedAt > now) input.fail("dischargedAt", "Discharge time must not be in the future");
  if (dischargedAt && dischargedAt < surgeryAt) input.fail("dischargedAt", "Discharge time must be after the surgery");
  const destination = input.text("destination", { label: "Discharge destination", required: true, max: 200 });
  const catheterStatus = input.choice("catheterStatus", CATHETER_STATUSES, { label: "Catheter status at discharge", required: true });
  return input.result({ dischargedAt: dischargedAt!, destination: destination!, catheterStatus: catheterStatus! });
}
