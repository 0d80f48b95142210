import type { Db } from "./db/knex.ts";
import { addAfterChangeStep } from "./patients/change.ts";
import { refreshReminders } from "./reminders/index.ts";
import { markReportFactsChanged } from "./reports/keep.ts";

/**
 * Assembles the episode record: what every change to an episode refreshes, in the same
 * transaction. The app, the seeds, scripts and tests open their database through this, so a
 * change made by any writer re-derives the same things.
 */
export function openRecord(db: Db): Db {
  addAfterChangeStep(db, "reminders", (trx, { episodeId, patientId, now }) => refreshReminders(trx, episodeId, now, patientId));
  // The reports' kept answers for the episode are classified again when a report is next read.
  addAfterChangeStep(db, "report answers", markReportFactsChanged);
  return db;
}
