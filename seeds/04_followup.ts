import { SYSTEM_ACTOR } from "../src/audit/audit.ts";
import type { Db } from "../src/db/knex.ts";
import type { SeedContext } from "../src/db/migrate.ts";
import { addMedication, setAppointment, setIssue, setTick } from "../src/followup/service.ts";
import { addDays } from "../src/followup/state.ts";
import { checklist } from "../src/pathway/index.ts";
import { findEpisode } from "../src/patients/repository.ts";
import { londonDate, londonLocalToInstant } from "../src/time.ts";
import { DEMO_PATIENTS } from "./02_patients.ts";

/** The demo patient's latest episode, by the demo key. */
export async function demoEpisode(db: Db, key: string) {
  const demo = DEMO_PATIENTS.find((p) => p.key === key)!;
  const row = await db("episodes").join("patients", "patients.id", "episodes.patient_id").where("patients.nhs_number", demo.nhsNumber).orderBy("episodes.id", "desc").first("episodes.id");
  return row ? findEpisode(db, row.id as number) : null;
}

const item = (domain: "bowel" | "sexual" | "psychological" | "pain", rule: string) =>
  [...checklist(domain, "acute"), ...checklist(domain, "chronic")].find((i) => i.rule === rule)!;

/**
 * Follow-up demo data. "outpatient-review-due" (surgery about 95 days ago, so in the chronic
 * phase) has an outpatient appointment in 3 days, co-codamol and pregabalin on the list (P5/P6
 * flags) and an ongoing bowel issue, so the SCI referral is indicated. Others have a few ticks.
 */
export async function seed(db: Db, { now }: SeedContext): Promise<void> {
  if (await db("followup_ticks").first()) return;
  const at = now.toISOString();
  const today = londonDate(now);

  const review = await demoEpisode(db, "outpatient-review-due");
  if (review) {
    const surgery = londonDate(review.anaesthesiaStartAt);
    for (const [domain, rule] of [["bowel", "B1"], ["bowel", "B3"], ["sexual", "X1"], ["psychological", "Y1"], ["psychological", "Y2"], ["pain", "P2"]] as const) {
      await setTick(db, SYSTEM_ACTOR, review, item(domain, rule), true, at);
    }
    const appointment = londonLocalToInstant(addDays(today, 3), "10:30");
    if (appointment.ok) await setAppointment(db, SYSTEM_ACTOR, review, appointment.instant, "Spinal outpatients", at);
    for (const [name, dose] of [
      ["Co-codamol 30/500", "2 tablets four times a day"],
      ["Pregabalin 75 mg", "75 mg twice a day"],
      ["Senna 7.5 mg", "2 tablets at night"],
      ["Docusate sodium 100 mg", "100 mg twice a day"],
    ] as const) {
      await addMedication(db, SYSTEM_ACTOR, review, { name, dose, startedOn: addDays(surgery, 1) }, at);
    }
    await setIssue(db, SYSTEM_ACTOR, review, "bowel", true, "Constipation and incomplete evacuation despite senna and docusate; needs digital stimulation most days.", at);
    await setIssue(db, SYSTEM_ACTOR, review, "sexual", false, null, at);
  }

  const twoc = await demoEpisode(db, "twoc-under-way");
  if (twoc) {
    await setTick(db, SYSTEM_ACTOR, twoc, item("bowel", "B1"), true, at);
    await setTick(db, SYSTEM_ACTOR, twoc, item("sexual", "X1"), true, at);
    await addMedication(db, SYSTEM_ACTOR, twoc, { name: "Paracetamol 1 g", dose: "1 g four times a day", startedOn: londonDate(twoc.anaesthesiaStartAt) }, at);
    await addMedication(db, SYSTEM_ACTOR, twoc, { name: "Oramorph 10 mg/5 ml", dose: "5 mg when needed", startedOn: londonDate(twoc.anaesthesiaStartAt) }, at);
  }

  const failed = await demoEpisode(db, "failed-twoc-flip-flow");
  if (failed) await setTick(db, SYSTEM_ACTOR, failed, item("psychological", "Y1"), true, at);
}
