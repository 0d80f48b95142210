import type { Db } from "../../src/db/knex.ts";
import { wardNameKey } from "../../src/patients/model.ts";

/**
 * The id of the ward record a test episode's ward text names: the ward of that name (trimmed, case
 * ignored), created (with no email or phone) when there is none. Null for no ward text.
 */
export async function wardIdFor(db: Db, name: string | null): Promise<number | null> {
  if (name === null || wardNameKey(name) === "") return null;
  const find = async () => {
    const wards: { id: number; name: string }[] = await db("wards").select("id", "name").orderBy("id");
    return wards.find((w) => w.name === name) ?? wards.find((w) => wardNameKey(w.name) === wardNameKey(name)) ?? null;
  };
  const found = await find();
  if (found) return found.id;
  const now = new Date().toISOString();
  try {
    const [row] = await db("wards").insert({ name, created_at: now, updated_at: now }).returning("id");
    return typeof row === "object" ? (row as { id: number }).id : (row as number);
  } catch (err) {
    // Another episode of the same test created it at the same moment.
    const raced = await find();
    if (raced) return raced.id;
    throw err;
  }
}
