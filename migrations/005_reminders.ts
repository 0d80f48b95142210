import type { Knex } from "knex";

/**
 * Reminders derived from each episode's state, and the outbox of emails they turn into.
 * A reminder's key (episode, kind, due time) and an outbox row's key are unique, so deriving
 * or dispatching twice never makes a second row.
 */
export async function up(knex: Knex): Promise<void> {
  await knex.schema.createTable("reminders", (t) => {
    t.increments("id");
    t.string("key", 200).notNullable().unique();
    t.integer("episode_id").notNullable().references("episodes.id").index();
    t.integer("patient_id").notNullable().references("patients.id");
    t.string("kind", 60).notNullable();
    t.string("audience", 20).notNullable(); // patient | ward | clinician | gp
    t.string("channel", 10).notNullable(); // email | screen
    t.timestamp("due_at", { useTz: true }).notNullable();
    t.timestamp("overdue_at", { useTz: true });
    t.string("rules", 200).notNullable(); // JSON array of rule ids
    t.text("reason").notNullable();
    // scheduled -> fired (an email went to the outbox) | done (staff marked it) | skipped | cancelled
    t.string("status", 20).notNullable();
    t.string("status_reason", 300);
    t.integer("outbox_id");
    t.timestamp("done_at", { useTz: true });
    t.string("done_by", 200);
    t.timestamp("created_at", { useTz: true }).notNullable();
    t.timestamp("updated_at", { useTz: true }).notNullable();
    t.index(["status", "channel", "due_at"]);
  });

  await knex.schema.createTable("outbox", (t) => {
    t.increments("id");
    t.string("key", 200).notNullable().unique();
    t.integer("reminder_id").references("reminders.id");
    t.integer("patient_id").references("patients.id").index();
    t.integer("episode_id").references("episodes.id");
    t.string("kind", 60).notNullable();
    t.string("recipient", 320).notNullable();
    t.string("subject", 300).notNullable();
    t.text("body_text").notNullable();
    t.text("body_html");
    t.text("headers"); // JSON object of extra headers
    t.text("attachments"); // JSON array of {filename, contentType, content}
    // queued -> claimed -> sending -> sent; failed after the last attempt; in-doubt after a crash mid-send
    t.string("status", 20).notNullable();
    t.integer("attempts").notNullable().defaultTo(0);
    t.timestamp("next_attempt_at", { useTz: true }).notNullable();
    t.string("claimed_by", 100);
    t.timestamp("claimed_until", { useTz: true });
    t.text("last_error");
    t.string("message_id", 300);
    t.string("eml_file", 300);
    t.timestamp("sent_at", { useTz: true });
    t.timestamp("created_at", { useTz: true }).notNullable();
    t.timestamp("updated_at", { useTz: true }).notNullable();
    t.index(["status", "next_attempt_at"]);
  });
}

export async function down(knex: Knex): Promise<void> {
  await knex.schema.dropTableIfExists("outbox");
  await knex.schema.dropTableIfExists("reminders");
}
