import type { Knex } from "knex";

/**
 * A hospital system registering an episode over the API may send a clientId: the same one again
 * for the same patient stores nothing new (engines resend when an answer is lost).
 */
export async function up(knex: Knex): Promise<void> {
  await knex.schema.alterTable("episodes", (t) => {
    t.string("client_key", 120);
  });
  await knex.schema.alterTable("episodes", (t) => {
    t.unique(["patient_id", "client_key"], { indexName: "episodes_patient_client_key_unique" });
  });
}

export async function down(knex: Knex): Promise<void> {
  await knex.schema.alterTable("episodes", (t) => {
    t.dropUnique(["patient_id", "client_key"], "episodes_patient_client_key_unique");
  });
  await knex.schema.alterTable("episodes", (t) => {
    t.dropColumn("client_key");
  });
}
