import type { Knex } from "knex";

/**
 * The ward: bladder events (append-only; a correction is a new row that supersedes the old one),
 * flip-flow schedules, clinician overrides of the U6 lock and the failed-TWOC action ticks.
 * Every row carries an idempotency key, unique per episode, so a form posted twice or an API
 * call repeated with the same clientId stores one row.
 */
export async function up(knex: Knex): Promise<void> {
  await knex.schema.createTable("bladder_events", (t) => {
    t.increments("id");
    t.integer("episode_id").notNullable().references("episodes.id");
    // catheter-removed | scan | void | recatheterised | flip-flow-opening
    t.string("type", 30).notNullable();
    t.timestamp("at", { useTz: true }).notNullable();
    t.string("phase", 10); // scan: pre-void | post-void
    t.integer("volume_ml"); // scan, void (optional), flip-flow-opening (drained)
    t.boolean("sensation_to_void"); // scan
    t.string("catheter_type", 30); // recatheterised: long-term-flip-flow | other
    t.integer("superseded_by"); // the correction that replaced this row
    t.integer("corrected_from"); // the row this one corrects
    t.text("correction_reason");
    t.string("idempotency_key", 120).notNullable();
    t.string("source", 10).notNullable(); // form | api | system
    t.string("recorded_by", 200).notNullable();
    t.timestamp("recorded_at", { useTz: true }).notNullable();
    t.unique(["episode_id", "idempotency_key"]);
    t.index(["episode_id", "at"]);
  });

  await knex.schema.createTable("flip_flow_schedules", (t) => {
    t.increments("id");
    t.integer("episode_id").notNullable().references("episodes.id");
    t.integer("interval_minutes").notNullable();
    t.timestamp("first_opening_at", { useTz: true }).notNullable(); // the grid's origin
    t.string("reason", 40).notNullable(); // started | f2-accepted | changed
    t.text("note");
    t.timestamp("ended_at", { useTz: true });
    t.string("idempotency_key", 120).notNullable();
    t.string("recorded_by", 200).notNullable();
    t.timestamp("recorded_at", { useTz: true }).notNullable();
    t.unique(["episode_id", "idempotency_key"]);
    t.index(["episode_id", "ended_at"]);
  });

  await knex.schema.createTable("twoc_overrides", (t) => {
    t.increments("id");
    t.integer("episode_id").notNullable().references("episodes.id").index();
    t.integer("failed_removal_event_id").notNullable(); // the catheter removal of the failed attempt
    t.text("reason").notNullable();
    t.string("idempotency_key", 120).notNullable();
    t.string("recorded_by", 200).notNullable();
    t.timestamp("recorded_at", { useTz: true }).notNullable();
    t.unique(["episode_id", "idempotency_key"]);
  });

  await knex.schema.createTable("twoc_actions", (t) => {
    t.increments("id");
    t.integer("episode_id").notNullable().references("episodes.id").index();
    t.string("action", 40).notNullable(); // isc-referred | isc-taught | follow-up-arranged
    t.boolean("done").notNullable();
    t.string("idempotency_key", 120).notNullable();
    t.string("recorded_by", 200).notNullable();
    t.timestamp("recorded_at", { useTz: true }).notNullable();
    t.unique(["episode_id", "idempotency_key"]);
  });
}

export async function down(knex: Knex): Promise<void> {
  for (const table of ["twoc_actions", "twoc_overrides", "flip_flow_schedules", "bladder_events"]) {
    await knex.schema.dropTableIfExists(table);
  }
}
