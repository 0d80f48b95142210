import { hashPassword } from "../src/auth/passwords.ts";
import type { Db } from "../src/db/knex.ts";
import type { SeedContext } from "../src/db/migrate.ts";

/** One demo sign-in per role. Seeds run only outside production. */
export const DEMO_SIGN_INS = [
  { username: "nurse", password: "demo-nurse-pass", role: "nurse", displayName: "Nia Nurse", email: "nurse@example.nhs.uk" },
  { username: "clinician", password: "demo-clinician-pass", role: "clinician", displayName: "Dr Cara Clinician", email: "clinician@example.nhs.uk" },
  { username: "admin", password: "demo-admin-pass", role: "admin", displayName: "Ada Admin", email: "admin@example.nhs.uk" },
] as const;

export async function seed(db: Db, { now }: SeedContext): Promise<void> {
  if (await db("users").first()) return;
  const at = now.toISOString();
  for (const user of DEMO_SIGN_INS) {
    await db("users").insert({
      username: user.username,
      display_name: user.displayName,
      role: user.role,
      email: user.email,
      password_hash: await hashPassword(user.password),
      created_at: at,
      updated_at: at,
    });
  }
  await db("wards").insert([
    { name: "Ward 3 (Spinal)", email: "ward3@example.nhs.uk", phone: "0113 000 0003" },
    { name: "Ward 7 (Orthopaedics)", email: "ward7@example.nhs.uk", phone: "0113 000 0007" },
  ]);
}
