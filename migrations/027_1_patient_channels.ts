import type { Knex } from "knex";

/**
 * Patient reminders by text message as well as email, and where appointments happen:
 * - patients: a mobile number (stored as +44...), consent to texts, and a text opt-out time
 *   (beside email, email_consent and email_opted_out_at);
 * - outbox: each message's channel (email or sms) and what the provider later said about its
 *   delivery (delivered, permanent-failure, temporary-failure, technical-failure);
 * - clinics: the places appointments happen, with an address and a phone number (admins keep them).
 */
export async function up(knex: Knex): Promise<void> {
  await knex.schema.alterTable("patients", (t) => {
    t.string("mobile", 20);
    t.boolean("sms_consent").notNullable().defaultTo(false);
    t.timestamp("sms_opted_out_at", { useTz: true });
  });
  await knex.schema.alterTable("outbox", (t) => {
    t.string("channel", 10).notNullable().defaultTo("email");
    t.string("delivery_status", 30);
    t.timestamp("delivery_status_at", { useTz: true });
    t.text("delivery_detail");
  });
  await knex.schema.alterTable("outbox", (t) => t.index(["message_id"]));
  await knex.schema.createTable("clinics", (t) => {
    t.increments("id");
    t.string("name", 200).notNullable().unique();
    t.string("address", 300);
    t.string("phone", 40);
    t.timestamp("retired_at", { useTz: true });
    t.timestamp("created_at", { useTz: true }).notNullable();
    t.timestamp("updated_at", { useTz: true }).notNullable();
  });
}

export async function down(knex: Knex): Promise<void> {
  await knex.schema.dropTableIfExists("clinics");
  await knex.schema.alterTable("outbox", (t) => t.dropIndex(["message_id"]));
  // A plain ALTER TABLE ... DROP COLUMN on both databases: knex would rebuild SQLite tables that others reference.
  for (const column of ["delivery_detail", "delivery_status_at", "delivery_status", "channel"]) await knex.raw(`alter table outbox drop column ${column}`);
  for (const column of ["sms_opted_out_at", "sms_consent", "mobile"]) await knex.raw(`alter table patients drop column ${column}`);
}
