import type { Knex } from "knex";

/**
 * Re-derives an episode's reminders from its current state (issue: scheduled reminders).
 * Ward and follow-up services call this inside the transaction that changes the state,
 * so reminders never disagree with the record.
 */
export async function refreshReminders(_trx: Knex | Knex.Transaction, _episodeId: number, _now: string): Promise<void> {
  // Implemented by the reminders feature.
}
