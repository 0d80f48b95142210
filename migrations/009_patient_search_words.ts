import type { Knex } from "knex";
import { searchName } from "../src/patients/model.ts";

/** Data only: patients' search words without accents and split at hyphens and apostrophes. */
export async function up(knex: Knex): Promise<void> {
  for (let lastId = 0; ; ) {
    const rows: { id: number; family_name: string; given_name: string }[] = await knex("patients")
      .select("id", "family_name", "given_name")
      .where("id", ">", lastId)
      .orderBy("id")
      .limit(500);
    if (rows.length === 0) return;
    for (const row of rows) {
      await knex("patients").where({ id: row.id }).update({ search_name: searchName(row.family_name, row.given_name) });
    }
    lastId = rows[rows.length - 1].id;
  }
}

export async function down(): Promise<void> {
  // The older search words were a lower-cased copy of the name; the new ones serve the same search.
}
