import { SYSTEM_ACTOR } from "../src/audit/audit.ts";
import { hashToken } from "../src/auth/api-tokens.ts";
import type { Db } from "../src/db/knex.ts";
import type { SeedContext } from "../src/db/migrate.ts";
import { createDisplayWithToken } from "../src/displays/repository.ts";
import { DEMO_WARD } from "./02_patients.ts";

/**
 * A wall screen link for the demo ward, initials only, dark theme. Its token is fixed (demo data
 * only, like the demo passwords) so that `npm start` can print the link.
 */
export const DEMO_DISPLAY_TOKEN = "wall_demo-ward-3-bay-screen";

export async function seed(db: Db, { now }: SeedContext): Promise<void> {
  const ward = await db("wards").where({ name: DEMO_WARD }).first("id");
  if (!ward) return;
  if (await db("ward_displays").where({ token_hash: hashToken(DEMO_DISPLAY_TOKEN) }).first("id")) return;
  await createDisplayWithToken(db, SYSTEM_ACTOR, { wardId: ward.id as number, name: "Demo bay screen", initialsOnly: true, theme: "dark" }, DEMO_DISPLAY_TOKEN, now.toISOString());
}
