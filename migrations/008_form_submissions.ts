import type { Knex } from "knex";

/** One row per submitted page form (its one-time key), so a double click or a resubmit saves once. */
export async function up(knex: Knex): Promise<void> {
  await knex.schema.createTable("form_submissions", (t) => {
    t.string("key", 120).primary();
    t.string("result_path", 500);
    t.timestamp("created_at", { useTz: true }).notNullable().index();
  });
}

export async function down(knex: Knex): Promise<void> {
  await knex.schema.dropTableIfExists("form_submissions");
}
