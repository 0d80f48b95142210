import type { Knex } from "knex";

/**
 * Time-bound messages:
 * - reminders.useful_until: when a reminder's message stops being useful (a patient's flip-flow
 *   opening reminder once the next opening is due; an appointment reminder at the appointment);
 *   null for reminders with no natural end;
 * - outbox.useful_until: the same for each message, set when it is queued; a message at or past it
 *   is never sent but closed with status "expired" and outbox.expired_reason, in words, for staff.
 */
export async function up(knex: Knex): Promise<void> {
  await knex.schema.alterTable("reminders", (t) => {
    t.timestamp("useful_until", { useTz: true });
  });
  await knex.schema.alterTable("outbox", (t) => {
    t.timestamp("useful_until", { useTz: true });
    t.text("expired_reason");
  });
}

export async function down(knex: Knex): Promise<void> {
  // A plain ALTER TABLE ... DROP COLUMN on both databases: knex would rebuild SQLite tables that others reference.
  for (const column of ["expired_reason", "useful_until"]) await knex.raw(`alter table outbox drop column ${column}`);
  await knex.raw("alter table reminders drop column useful_until");
}
