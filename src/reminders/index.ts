import type { Knex } from "knex";
import { type DerivedReminder, deriveReminders } from "./derive.ts";
import { loadEpisodeState } from "./load.ts";
import { toInstantOrNull } from "../db/values.ts";

type Conn = Knex | Knex.Transaction;

/**
 * Re-derives an episode's reminders from its current state. It is the episode record's
 * after-change step (src/record.ts), so it runs inside the transaction of every change and
 * reminders never disagree with the record.
 */
export async function refreshReminders(trx: Conn, episodeId: number, nowIso: string, patientId: number): Promise<void> {
  const state = await loadEpisodeState(trx, episodeId, nowIso);
  if (!state) return;
  await applyDerived(trx, episodeId, patientId, deriveReminders(state, nowIso), nowIso);
}

/**
 * Upserts the derived reminders by key and cancels (never deletes) the scheduled ones no longer
 * derived. Reminders already fired, done or skipped are history and are left alone.
 */
export async function applyDerived(trx: Conn, episodeId: number, patientId: number, derived: DerivedReminder[], nowIso: string): Promise<void> {
  const existing = await trx("reminders").where({ episode_id: episodeId }).select("id", "key", "status", "useful_until");
  const byKey = new Map(existing.map((r) => [r.key as string, r as { id: number; key: string; status: string; useful_until: unknown }]));
  const wanted = new Set(derived.map((d) => d.key));

  const toInsert = derived.filter((d) => !byKey.has(d.key));
  for (let i = 0; i < toInsert.length; i += 100) {
    await trx("reminders")
      .insert(toInsert.slice(i, i + 100).map((d) => ({
        key: d.key,
        episode_id: episodeId,
        patient_id: patientId,
        kind: d.kind,
        audience: d.audience,
        channel: d.channel,
        due_at: d.dueAt,
        overdue_at: d.overdueAt,
        rules: JSON.stringify(d.rules),
        reason: d.reason,
        useful_until: d.usefulUntil ?? null,
        status: "scheduled",
        created_at: nowIso,
        updated_at: nowIso,
      })))
      .onConflict("key")
      .ignore();
  }
  const revive = derived.filter((d) => byKey.get(d.key)?.status === "cancelled").map((d) => byKey.get(d.key)!.id);
  if (revive.length) {
    await trx("reminders").whereIn("id", revive).update({ status: "scheduled", status_reason: null, updated_at: nowIso });
  }
  // A schedule changed under a reminder that keeps its key (same time, new interval): its useful-until follows.
  for (const d of derived) {
    const row = byKey.get(d.key);
    if (!row || (row.status !== "scheduled" && row.status !== "cancelled")) continue;
    if ((toInstantOrNull(row.useful_until) ?? null) === (d.usefulUntil ?? null)) continue;
    await trx("reminders").where({ id: row.id }).update({ useful_until: d.usefulUntil ?? null, updated_at: nowIso });
  }
  const cancel = existing.filter((r) => r.status === "scheduled" && !wanted.has(r.key)).map((r) => r.id as number);
  for (let i = 0; i < cancel.length; i += 500) {
    await trx("reminders")
      .whereIn("id", cancel.slice(i, i + 500))
      .andWhere("status", "scheduled")
      .update({ status: "cancelled", status_reason: "No longer applies to the episode's current record", updated_at: nowIso });
  }
}
