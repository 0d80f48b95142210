import type { Knex } from "knex";

/**
 * Outpatient follow-up: checklist ticks (append-only history), ongoing issues per section,
 * outpatient appointments and re-assessments, and the medication list (stopping is a record).
 */
export async function up(knex: Knex): Promise<void> {
  await knex.schema.createTable("followup_ticks", (t) => {
    t.increments("id");
    t.integer("episode_id").notNullable().references("episodes.id");
    t.string("item_id", 80).notNullable(); // the engine's checklist item id
    t.string("rule", 20).notNullable();
    t.boolean("done").notNullable(); // true = ticked, false = un-ticked; the latest row is the state
    t.timestamp("at", { useTz: true }).notNullable();
    t.integer("by_user_id");
    t.string("by_name", 200).notNullable();
    t.index(["episode_id", "item_id"]);
  });

  await knex.schema.createTable("followup_issues", (t) => {
    t.increments("id");
    t.integer("episode_id").notNullable().references("episodes.id");
    t.string("domain", 20).notNullable(); // bowel | pain | sexual | psychological
    t.boolean("ongoing").notNullable();
    t.text("details");
    t.timestamp("updated_at", { useTz: true }).notNullable();
    t.string("updated_by", 200).notNullable();
    t.unique(["episode_id", "domain"]);
  });

  await knex.schema.createTable("outpatient_appointments", (t) => {
    t.increments("id");
    t.integer("episode_id").notNullable().references("episodes.id").unique();
    t.timestamp("appointment_at", { useTz: true }).notNullable();
    t.string("clinic", 200);
    t.timestamp("updated_at", { useTz: true }).notNullable();
    t.string("updated_by", 200).notNullable();
  });

  await knex.schema.createTable("outpatient_reassessments", (t) => {
    t.increments("id");
    t.integer("episode_id").notNullable().references("episodes.id").index();
    t.date("appointment_date").notNullable();
    t.boolean("bowel_reassessed").notNullable();
    t.boolean("bowel_issue").notNullable();
    t.boolean("sexual_reassessed").notNullable();
    t.boolean("sexual_issue").notNullable();
    t.text("outcome").notNullable();
    t.string("referral", 20).notNullable(); // none | local | sci | both
    t.timestamp("recorded_at", { useTz: true }).notNullable();
    t.integer("recorded_by_id");
    t.string("recorded_by", 200).notNullable();
  });

  await knex.schema.createTable("medications", (t) => {
    t.increments("id");
    t.integer("episode_id").notNullable().references("episodes.id").index();
    t.string("name", 200).notNullable();
    t.string("dose", 200);
    t.date("started_on").notNullable();
    t.date("stopped_on");
    t.string("stop_reason", 500);
    t.timestamp("created_at", { useTz: true }).notNullable();
    t.string("created_by", 200).notNullable();
    t.timestamp("stopped_at", { useTz: true });
    t.string("stopped_by", 200);
  });
}

export async function down(knex: Knex): Promise<void> {
  for (const table of ["medications", "outpatient_reassessments", "outpatient_appointments", "followup_issues", "followup_ticks"]) {
    await knex.schema.dropTableIfExists(table);
  }
}
