import type { Knex } from "knex";

/**
 * Letters that can be trusted once sent: the service's own details for the letterhead (one row an
 * admin keeps), and on each letter version how it was sent, whether the GP gets a copy, and the
 * National Spinal Cord Injury Database's reference for an SCI referral once it is known.
 */
export async function up(knex: Knex): Promise<void> {
  if (!(await knex.schema.hasTable("service_details"))) {
    await knex.schema.createTable("service_details", (t) => {
      t.integer("id").primary(); // always 1: the one service this installation runs
      t.string("hospital", 200);
      t.string("department", 200);
      t.string("address", 500);
      t.string("phone", 40);
      t.timestamp("updated_at", { useTz: true }).notNullable();
    });
  }
  if (!(await knex.schema.hasColumn("letter_versions", "sent_method"))) {
    await knex.schema.alterTable("letter_versions", (t) => {
      t.string("sent_method", 20); // post | email | hand | nscisb-web-form, set when sent
      t.boolean("cc_gp").notNullable().defaultTo(false);
      t.string("nscisb_reference", 60);
      t.timestamp("nscisb_reference_at", { useTz: true });
      t.string("nscisb_reference_by", 200);
    });
  }
}

export async function down(knex: Knex): Promise<void> {
  await knex.schema.alterTable("letter_versions", (t) => {
    t.dropColumn("sent_method");
    t.dropColumn("cc_gp");
    t.dropColumn("nscisb_reference");
    t.dropColumn("nscisb_reference_at");
    t.dropColumn("nscisb_reference_by");
  });
  await knex.schema.dropTableIfExists("service_details");
}
