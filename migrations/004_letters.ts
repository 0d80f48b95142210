import type { Knex } from "knex";

/**
 * Letters generated from the record. Each letter has numbered versions; a version marked sent is
 * frozen (its data snapshot and HTML are kept and never updated). Recipients are reference data.
 */
export async function up(knex: Knex): Promise<void> {
  await knex.schema.createTable("letter_recipients", (t) => {
    t.increments("id");
    t.string("kind", 20).notNullable(); // sci-centre | continence | urology | other
    t.string("name", 200).notNullable();
    t.string("department", 200);
    t.string("address", 500);
    t.string("email", 320);
    t.string("phone", 40);
    t.boolean("regional").notNullable().defaultTo(false);
    t.boolean("active").notNullable().defaultTo(true);
    t.timestamp("updated_at", { useTz: true }).notNullable();
  });

  await knex.schema.createTable("letters", (t) => {
    t.increments("id");
    t.integer("episode_id").notNullable().references("episodes.id").index();
    t.string("kind", 30).notNullable(); // sci-referral | gp | continence | failed-twoc
    t.timestamp("created_at", { useTz: true }).notNullable();
    t.string("created_by", 200).notNullable();
  });

  await knex.schema.createTable("letter_versions", (t) => {
    t.increments("id");
    t.integer("letter_id").notNullable().references("letters.id");
    t.integer("version").notNullable();
    t.string("status", 10).notNullable(); // draft | sent
    t.integer("recipient_id").references("letter_recipients.id");
    t.text("free_text");
    t.text("data_json").notNullable(); // the facts and the rendered document, as generated
    t.text("html").notNullable();
    t.timestamp("generated_at", { useTz: true }).notNullable();
    t.string("generated_by", 200).notNullable();
    t.timestamp("sent_at", { useTz: true });
    t.integer("sent_by_id");
    t.string("sent_by", 200);
    t.unique(["letter_id", "version"]);
  });
}

export async function down(knex: Knex): Promise<void> {
  for (const table of ["letter_versions", "letters", "letter_recipients"]) {
    await knex.schema.dropTableIfExists(table);
  }
}
