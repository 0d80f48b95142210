import type { Knex } from "knex";

/**
 * The hospital feed (HL7 v2 ADT over MLLP): the PAS's ward codes mapped to ward records (admins
 * keep the map), every message received with what became of it, and merged patients.
 *
 * `applied_key` (sending application, facility and MSH-10 control id) is set only on a message
 * that changed the record, in the same transaction as the change; its unique index makes a resent
 * message change nothing, even when two copies arrive at once on two connections or instances.
 */
export async function up(knex: Knex): Promise<void> {
  await knex.schema.createTable("feed_ward_codes", (t) => {
    t.increments("id").primary();
    t.string("code", 40).notNullable().unique();
    t.integer("ward_id").notNullable().references("wards.id");
    t.timestamp("created_at", { useTz: true }).notNullable();
    t.timestamp("updated_at", { useTz: true }).notNullable();
  });
  await knex.schema.createTable("feed_messages", (t) => {
    t.increments("id").primary();
    t.timestamp("received_at", { useTz: true }).notNullable();
    t.string("control_id", 200);
    t.string("sender", 200);
    t.string("event", 20); // A01, A02, ... (MSH-9.2)
    t.timestamp("event_at", { useTz: true }); // when it happened (EVN-6, else EVN-2, else MSH-7)
    // applied | ignored | superseded | failed (AE) | rejected (AR)
    t.string("status", 20).notNullable();
    t.string("ack_code", 2).notNullable();
    t.text("reason");
    t.text("raw").notNullable();
    t.text("changes"); // JSON: what the message changed (before and after)
    t.integer("patient_id").references("patients.id");
    t.integer("episode_id").references("episodes.id");
    t.string("applied_key", 450).unique();
    t.integer("cancelled_by_message_id"); // an A01 or A03 that a later A11 or A13 cancelled
    t.index(["received_at"]);
    t.index(["episode_id", "status", "event_at"]);
    t.index(["status", "received_at"]);
  });
  if (knex.client.config.client === "pg") {
    await knex.schema.alterTable("patients", (t) => {
      t.integer("merged_into_patient_id").references("patients.id");
      t.timestamp("merged_at", { useTz: true });
    });
  } else {
    // SQLite adds a column with a reference in place (knex would rebuild the referenced table).
    await knex.raw("alter table patients add column merged_into_patient_id integer references patients(id)");
    await knex.raw("alter table patients add column merged_at datetime");
  }
}

export async function down(knex: Knex): Promise<void> {
  await knex.schema.dropTable("feed_messages");
  await knex.schema.dropTable("feed_ward_codes");
  await knex.schema.alterTable("patients", (t) => {
    t.dropColumn("merged_into_patient_id");
    t.dropColumn("merged_at");
  });
}
