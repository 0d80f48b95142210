import type { Knex } from "knex";

/** Failed sign-in counts, shared by every app instance (the limit would otherwise be per instance). */
export async function up(knex: Knex): Promise<void> {
  await knex.schema.createTable("sign_in_attempts", (t) => {
    t.string("key", 300).primary();
    t.integer("hits").notNullable();
    t.timestamp("reset_at", { useTz: true }).notNullable().index();
  });
}

export async function down(knex: Knex): Promise<void> {
  await knex.schema.dropTableIfExists("sign_in_attempts");
}
