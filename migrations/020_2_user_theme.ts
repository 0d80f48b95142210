import type { Knex } from "knex";

/** Each user's colour theme: "light" (the default) or "dark", the low-glare theme for night shifts. */
export async function up(knex: Knex): Promise<void> {
  await knex.schema.alterTable("users", (t) => {
    t.string("theme", 10).notNullable().defaultTo("light");
  });
}

export async function down(knex: Knex): Promise<void> {
  await knex.schema.alterTable("users", (t) => {
    t.dropColumn("theme");
  });
}
