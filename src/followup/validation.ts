import type { ChecklistItem } from "../pathway/index.ts";
import { type InputReader, inSentence } from "../web/validation.ts";
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
  const ongoing = input.bool("ongoing", { label: `the patient has ${inSentence(issueLabel)}`, required: true });
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

/** A change to one checklist item: tick (done) or un-tick. */
export interface TickChange {
  item: ChecklistItem;
  done: boolean;
}

const NOT_ON_CHECKLIST = "That checklist item is not on this episode's checklist today";

/** One item's tick: `item` and `done` (yes or no). */
export function readOneTick(input: InputReader, items: ChecklistItem[]): TickChange {
  const itemId = input.text("item", { label: "Checklist item", required: true, max: 100 });
  const done = input.bool("done", { label: "The item is done", required: true });
  const item = items.find((i) => i.id === itemId);
  if (itemId && !item) input.fail("item", NOT_ON_CHECKLIST);
  return { item: item!, done: done! };
}

/**
 * The checklist form: `shown` lists each item the page showed as "id=done" or "id=open", and `done`
 * the ids ticked when it was sent. Only what the user changed on the page is a change, so a tick
 * someone else saved meanwhile is not undone by a page opened before it.
 */
export function readTickedForm(input: InputReader, items: ChecklistItem[]): TickChange[] {
  const shown = listOf(input.raw("shown"));
  const ticked = listOf(input.raw("done"));
  if (shown === null || ticked === null || shown.length > items.length) {
    input.fail("checklist-form", "The checklist could not be read: open the page again and tick the items");
    return [];
  }
  const changes: TickChange[] = [];
  for (const entry of shown) {
    const [id, was] = entry.split("=");
    const item = items.find((i) => i.id === id);
    if (!item || (was !== "done" && was !== "open")) {
      input.fail("checklist-form", NOT_ON_CHECKLIST);
      return [];
    }
    const done = ticked.includes(id);
    if (done !== (was === "done")) changes.push({ item, done });
  }
  if (ticked.some((id) => !shown.some((entry) => entry.startsWith(`${id}=`)))) input.fail("checklist-form", NOT_ON_CHECKLIST);
  return changes;
}

/** A form field sent once, several times or not at all, as a list of texts; null when it is not text. */
function listOf(value: unknown): string[] | null {
  if (value === undefined || value === null || value === "") return [];
  const list = Array.isArray(value) ? value : [value];
  return list.every((v) => typeof v === "string" && v.length <= 200) ? (list as string[]) : null;
}

/** "B1 and B3 marked as done; P1 marked as not done". */
export function tickedInWords(changes: TickChange[]): string {
  const rules = (done: boolean) => changes.filter((c) => c.done === done).map((c) => c.item.rule);
  const parts = [
    [rules(true), "marked as done"],
    [rules(false), "marked as not done"],
  ] as const;
  return parts
    .filter(([list]) => list.length > 0)
    .map(([list, what]) => `${list.length === 1 ? list[0] : `${list.slice(0, -1).join(", ")} and ${list[list.length - 1]}`} ${what}`)
    .join("; ");
}
