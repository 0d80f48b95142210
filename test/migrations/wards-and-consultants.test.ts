import assert from "node:assert/strict";
import fs from "node:fs";
import path from "node:path";
import { pathToFileURL } from "node:url";
import { after, before, describe, test } from "node:test";
import type { Knex } from "knex";
import type { Db } from "../../src/db/knex.ts";
import { migrationsDir } from "../../src/db/migrate.ts";
import { createTestDb } from "../helpers/app.ts";

/** The migrations folder, up to and including `last`. */
function migrationsUpTo(last: string): Knex.MigrationSource<string> {
  return {
    getMigrations: async () => fs.readdirSync(migrationsDir).filter((f) => /^\d.*\.ts$/.test(f) && f <= last).sort(),
    getMigrationName: (file) => file,
    getMigration: (file) => import(pathToFileURL(path.join(migrationsDir, file)).href),
  };
}

describe("migration 010: wards and consultants become records", () => {
  let db: Db;
  let close: () => Promise<void>;
  const at = "2026-11-24T10:00:00.000Z";
  const ids: Record<string, number> = {};

  before(async () => {
    ({ db, close } = await createTestDb());
    await db.migrate.latest({ migrationSource: migrationsUpTo("009_patient_search_words.ts") });
    const user = async (username: string, displayName: string, role: string) =>
      (await db("users").insert({ username, display_name: displayName, role, password_hash: "x", created_at: at, updated_at: at }).returning("id"))[0].id as number;
    ids.surgeon = await user("asurgeon", "Mr A Surgeon", "clinician");
    ids.nurse = await user("nsurgeon", "Ms N Nurse", "nurse");
    await user("twin1", "Dr Twin", "clinician");
    await user("twin2", "Dr  twin", "clinician");
    await db("wards").insert({ name: "ward 3", email: "w3@example.nhs.uk" });
    const [{ id: patientId }] = await db("patients")
      .insert({ nhs_number: "9434765919", family_name: "Okafor", given_name: "Grace", date_of_birth: "1978-04-12", sex: "female", search_name: "okafor grace", created_at: at, updated_at: at })
      .returning("id");
    const episode = async (key: string, ward: string | null, surgeon: string | null) => {
      const [{ id }] = await db("episodes")
        .insert({ patient_id: patientId, presentation: "CES-I", mri_at: at, anaesthesia_start_at: at, procedure: "laminotomy", ward, surgeon, created_at: at, updated_at: at })
        .returning("id");
      ids[key] = id;
    };
    await episode("spaced", "  Ward 3 ", "Mr A. Surgeon");
    await episode("exact", "ward 3", "  mr a   surgeon");
    await episode("unmatched", "Ward  9 (Spinal)", "Ms N Nurse");
    await episode("unmatchedAgain", "ward 9 (spinal) ", "Dr Twin");
    await episode("none", null, null);
    await episode("blank", "   ", "Mr Locum Nobody");
    await db.migrate.latest({ migrationSource: migrationsUpTo("010_wards_and_consultants.ts") });
  });
  after(() => close());

  const row = (key: string) => db("episodes").where({ id: ids[key] }).first();

  test('"  Ward 3 " is put on the ward "ward 3"; the text stays as typed', async () => {
    const ward3 = await db("wards").where({ name: "ward 3" }).first();
    const spaced = await row("spaced");
    assert.equal(spaced.ward_id, ward3.id);
    assert.equal(spaced.ward, "  Ward 3 ");
    assert.equal((await row("exact")).ward_id, ward3.id);
    assert.equal(ward3.retired_at, null);
    assert.ok(ward3.created_at, "existing wards get a creation time");
  });

  test("a ward name that matches no ward becomes one new ward, shared by the texts that differ only in case and spaces", async () => {
    const created = await db("wards").whereNot({ name: "ward 3" }).select("*");
    assert.deepEqual(created.map((w) => w.name), ["Ward 9 (Spinal)"]);
    assert.equal((await row("unmatched")).ward_id, created[0].id);
    assert.equal((await row("unmatchedAgain")).ward_id, created[0].id);
  });

  test("no ward text, or only spaces, links no ward", async () => {
    assert.equal((await row("none")).ward_id, null);
    assert.equal((await row("blank")).ward_id, null);
  });

  test("the surgeon's name links the one clinician whose name matches, ignoring dots, case and spaces", async () => {
    assert.equal((await row("spaced")).consultant_user_id, ids.surgeon);
    assert.equal((await row("spaced")).surgeon, "Mr A. Surgeon", "the surgeon text is kept for letters");
    assert.equal((await row("exact")).consultant_user_id, ids.surgeon);
    assert.equal((await row("unmatched")).consultant_user_id, null, "a nurse is not a consultant");
    assert.equal((await row("unmatchedAgain")).consultant_user_id, null, "two clinicians with one name: neither is guessed");
    assert.equal((await row("blank")).consultant_user_id, null);
  });

  test("the link is enforced: an episode cannot point to a ward that does not exist", async () => {
    await assert.rejects(db("episodes").where({ id: ids.none }).update({ ward_id: 99999 }));
  });
});
