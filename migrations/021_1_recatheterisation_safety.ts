import type { Knex } from "knex";

/**
 * U-SAFE documentation on a re-catheterisation: whether the patient is sensate, and whether a
 * catheter tug was done and what it showed. Empty on rows recorded before (not documented).
 */
export async function up(knex: Knex): Promise<void> {
  await knex.schema.alterTable("bladder_events", (t) => {
    t.boolean("sensate");
    t.boolean("catheter_tug_done");
    t.string("catheter_tug_result", 300);
  });
}

export async function down(knex: Knex): Promise<void> {
  await knex.schema.alterTable("bladder_events", (t) => {
    t.dropColumn("catheter_tug_result");
    t.dropColumn("catheter_tug_done");
    t.dropColumn("sensate");
  });
}
