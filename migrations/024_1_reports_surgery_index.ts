import type { Knex } from "knex";

/** Reports choose a period's episodes by the start of anaesthesia: an index, so a period never scans the whole history. */
export async function up(knex: Knex): Promise<void> {
  await knex.schema.alterTable("episodes", (t) => {
    t.index(["anaesthesia_start_at"], "episodes_anaesthesia_start_at_index");
  });
}

export async function down(knex: Knex): Promise<void> {
  await knex.schema.alterTable("episodes", (t) => {
    t.dropIndex(["anaesthesia_start_at"], "episodes_anaesthesia_start_at_index");
  });
}
