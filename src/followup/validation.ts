import type { InputReader } from "../web/validation.ts";
import { FUNCTION_FINDINGS, type MedicationInput, type ReassessmentInput, REFERRALS } from "./model.ts";

/** The outpatient re-assessment form (B6, X4). `today` and `surgery` are London dates. */
export function readReassessment(input: InputReader, today: string, surgery: string): ReassessmentInput {
  const appointmentDate = input.date("appointmentDate", { label: "Date of the outpatient appointment", required: true });
  if (appointmentDate && appointmentDate > today) input.fail("appointmentDate", "Date of the outpatient appointment must be today or in the past: record the re-assessment after it has happened");
  else if (appointmentDate && appointmentDate < surgery) input.fail("appointmentDate", "Date of the outpatient appointment must be after the surgery");
  const bowel = input.choice("bowel", FUNCTION_FINDINGS, { label: "Bowel function at the re-assessment (B6)", required: true });
  const sexual = input.choice("sexual", FUNCTION_FINDINGS, { label: "Sexual function at the re-assessment (X4)", required: true });
  const outcome = input.text("outcome", { label: "Outcome of the re-assessment", required: true });
  const referral = input.choice("referral", REFERRALS, { label: "Referral", required: true });
  if (referral === "none" && (bowel === "yes" || sexual === "yes")) {
    input.fail("referral", "There is an issue: B6 and X4 say refer to local services or the SCI service. Select the referral made");
  }
  return input.result({ appointmentDate: appointmentDate!, bowel: bowel!, sexual: sexual!, outcome: outcome!, referral: referral! });
}

export function readIssue(input: InputReader, issueLabel: string): { ongoing: boolean; details: string | null } {
  const ongoing = input.bool("ongoing", { label: `the patient has ${issueLabel.charAt(0).toLowerCase()}${issueLabel.slice(1)}`, required: true });
  const details = input.text("details", { label: "Details", max: 2000 });
  if (ongoing === true && details === null) input.fail("details", "Describe the ongoing issue");
  return input.result({ ongoing: ongoing!, details });
}

export function readAppointment(input: InputReader): { at: string; clinic: string | null } {
  const at = input.instant("appointmentAt", { label: "Date and time of the outpatient appointment", required: true });
  const clinic = input.text("clinic", { label: "Clinic", max: 200 });
  return input.result({ at: at!, clinic });
}

export function readMedication(input: InputReader, today: string): MedicationInput {
  const name = input.text("name", { label: "Name of the medicine", required: true, max: 200 });
  const dose = input.text("dose", { label: "Dose", max: 200 });
  const startedOn = input.date("startedOn", { label: "Start date", required: true });
  if (startedOn && startedOn > today) input.fail("startedOn", "Start date must be today or in the past");
  return input.result({ name: name!, dose, startedOn: startedOn! });
}

export function readStop(input: InputReader, today: string, startedOn: string): { stoppedOn: string; reason: string | null } {
  const stoppedOn = input.date("stoppedOn", { label: "Stop date", required: true });
  if (stoppedOn && stoppedOn > today) input.fail("stoppedOn", "Stop date must be today or in the past");
  else if (stoppedOn && stoppedOn < startedOn) input.fail("stoppedOn", "Stop date must be on or after the start date");
  const reason = input.text("reason", { label: "Reason for stopping", max: 500 });
  return input.result({ stoppedOn: stoppedOn!, reason });
}
