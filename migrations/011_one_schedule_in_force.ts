import type { Knex } from "knex";

/**
 * F1: one flip-flow schedule in force per episode, as a constraint. Before it, concurrent starts
 * on PostgreSQL could leave several in force: each episode keeps its latest one and the older
 * ones end when the latest was recorded (they stay in the history, with a note saying why).
 */
export async function up(knex: Knex): Promise<void> {
  const open: { id: number; episode_id: number; patient_id: number; recorded_at: string; note: string | null }[] = await knex("flip_flow_schedules as s")
    .join("episodes as e", "e.id", "s.episode_id")
    .whereNull("s.ended_at")
    .orderBy([{ column: "s.episode_id" }, { column: "s.id", order: "desc" }])
    .select("s.id", "s.episode_id", "e.patient_id", "s.recorded_at", "s.note");
  const latest = new Map<number, { recorded_at: string }>();
  for (const row of open) {
    const kept = latest.get(row.episode_id);
    if (!kept) {
      latest.set(row.episode_id, row);
      continue;
    }
    const note = "Ended by migration 011: a newer schedule was started at the same time";
    await knex("flip_flow_schedules").where({ id: row.id }).update({ ended_at: kept.recorded_at, note: row.note ? `${row.note}\n${note}` : note });
    await knex("audit_events").insert({
      at: new Date().toISOString(),
      actor_type: "system",
      actor_id: null,
      actor_name: "migration 011",
      patient_id: row.patient_id,
      entity: "flip-flow-schedule",
      entity_id: row.id,
      action: "stop-schedule",
      before: JSON.stringify({ endedAt: null }),
      after: JSON.stringify({ endedAt: kept.recorded_at, reason: note }),
    });
  }
  await knex.raw("create unique index flip_flow_one_in_force on flip_flow_schedules (episode_id) where ended_at is null");
}

export async function down(knex: Knex): Promise<void> {
  await knex.raw("drop index flip_flow_one_in_force");
}
