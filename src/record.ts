import type { Db } from "./db/knex.ts";
import { addAfterChangeStep } from "./patients/change.ts";
import { refreshReminders } from "./reminders/index.ts";
import { keepReportFacts } from "./reports/keep.ts";

/**
 * Assembles the episode record: what every change to an episode refreshes, in the same
 * transaction. The app, the seeds, scripts and tests open their database through this, so a
 * change made by any writer re-derives the same things.
 */
export function openRecord(db: Db): Db {
  addAfterChangeStep(db, "reminders", (trx, { episodeId, patientId, now }) => refreshReminders(trx, episodeId, now, patientId));
  // After the reminders: the reports read the first "SCI referral outstanding" reminder.
  addAfterChangeStep(db, "report answers", keepReportFacts);
  return db;
}
