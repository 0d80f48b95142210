import type { Knex } from "knex";
import { personNameKey, wardNameKey } from "../src/patients/model.ts";

/**
 * Wards and clinicians become records an episode points to: wards can be retired (never deleted),
 * an episode gets a ward_id and a consultant_user_id (a clinician's account). The free-text ward
 * and surgeon columns stay as they were (the history and letters keep them).
 *
 * Existing text is mapped after trimming, collapsing spaces and ignoring case ("  Ward 3 " is
 * "ward 3"); a surgeon's name also ignores dots ("Mr A. Surgeon" is "Mr A Surgeon") and is linked
 * only when exactly one clinician's display name matches. A ward name that matches no ward becomes
 * a new ward.
 */
export async function up(knex: Knex): Promise<void> {
  await knex.schema.alterTable("wards", (t) => {
    t.timestamp("retired_at", { useTz: true });
    t.timestamp("created_at", { useTz: true });
    t.timestamp("updated_at", { useTz: true });
  });
  if (knex.client.config.client === "pg") {
    await knex.schema.alterTable("episodes", (t) => {
      t.integer("ward_id").references("wards.id");
      t.integer("consultant_user_id").references("users.id");
    });
  } else {
    // SQLite adds a column with a reference in place; knex would rebuild the table, which the
    // rows that reference episodes (bladder events, reminders...) do not allow.
    await knex.raw("alter table episodes add column ward_id integer references wards(id)");
    await knex.raw("alter table episodes add column consultant_user_id integer references users(id)");
  }
  await knex.schema.alterTable("episodes", (t) => {
    t.index(["ward_id", "discharged_at"]);
    t.index(["consultant_user_id"]);
  });
  const now = new Date().toISOString();
  await knex("wards").whereNull("created_at").update({ created_at: now, updated_at: now });

  // Wards: each distinct text once, onto the ward with the same key, or a new ward.
  const wards: { id: number; name: string }[] = await knex("wards").select("id", "name").orderBy("id");
  const wardByKey = new Map<string, number>();
  for (const w of wards) if (!wardByKey.has(wardNameKey(w.name))) wardByKey.set(wardNameKey(w.name), w.id);
  const texts: { ward: string }[] = await knex("episodes").distinct("ward").whereNotNull("ward");
  for (const { ward: text } of texts.sort((a, b) => (a.ward < b.ward ? -1 : a.ward > b.ward ? 1 : 0))) {
    const key = wardNameKey(text);
    if (key === "") continue;
    let id = wardByKey.get(key);
    if (id === undefined) {
      const [row] = await knex("wards")
        .insert({ name: text.trim().replace(/\s+/g, " "), created_at: now, updated_at: now })
        .returning("id");
      id = typeof row === "object" ? (row as { id: number }).id : (row as number);
      wardByKey.set(key, id);
    }
    await knex("episodes").where({ ward: text }).whereNull("ward_id").update({ ward_id: id });
  }

  // Surgeons: onto the one clinician whose display name has the same key.
  const clinicians: { id: number; display_name: string }[] = await knex("users").where({ role: "clinician" }).select("id", "display_name");
  const clinicianByKey = new Map<string, number | null>();
  for (const u of clinicians) {
    const key = personNameKey(u.display_name);
    clinicianByKey.set(key, clinicianByKey.has(key) ? null : u.id); // two with one name: link neither
  }
  const surgeons: { surgeon: string }[] = await knex("episodes").distinct("surgeon").whereNotNull("surgeon");
  for (const { surgeon } of surgeons) {
    const id = clinicianByKey.get(personNameKey(surgeon));
    if (id) await knex("episodes").where({ surgeon }).whereNull("consultant_user_id").update({ consultant_user_id: id });
  }
}

export async function down(knex: Knex): Promise<void> {
  // Wards created from episode text stay: they are records now, and the text columns never changed.
  await knex.schema.alterTable("episodes", (t) => {
    t.dropIndex(["ward_id", "discharged_at"]);
    t.dropIndex(["consultant_user_id"]);
  });
  if (knex.client.config.client === "pg") {
    await knex.schema.alterTable("episodes", (t) => {
      t.dropColumn("ward_id");
      t.dropColumn("consultant_user_id");
    });
  }
  // SQLite cannot drop a column that holds a reference without rebuilding the table (which the rows
  // referencing episodes forbid): there the two columns stay, unused by the older code.
  for (const column of ["retired_at", "created_at", "updated_at"]) await knex.raw(`alter table wards drop column ${column}`);
}
