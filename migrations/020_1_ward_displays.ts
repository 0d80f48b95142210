import type { Knex } from "knex";

/**
 * Wall screens: a display link per ward, issued and revoked by an admin. The link's token is kept
 * only as its sha256 hash, as API tokens are.
 */
export async function up(knex: Knex): Promise<void> {
  await knex.schema.createTable("ward_displays", (t) => {
    t.increments("id");
    t.integer("ward_id").notNullable().references("wards.id");
    t.string("name", 120).notNullable();
    t.string("token_hash", 64).notNullable().unique();
    // Initials and bed only: no names or NHS numbers, for screens visitors can see.
    t.boolean("initials_only").notNullable();
    t.string("theme", 10).notNullable();
    t.integer("created_by").references("users.id");
    t.timestamp("created_at", { useTz: true }).notNullable();
    t.timestamp("revoked_at", { useTz: true });
  });
}

export async function down(knex: Knex): Promise<void> {
  await knex.schema.dropTable("ward_displays");
}
