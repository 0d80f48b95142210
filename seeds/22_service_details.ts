import { SYSTEM_ACTOR } from "../src/audit/audit.ts";
import { findUser, userActor } from "../src/auth/users.ts";
import type { Db } from "../src/db/knex.ts";
import type { SeedContext } from "../src/db/migrate.ts";
import { findServiceDetails, saveServiceDetails, type ServiceDetails } from "../src/letters/letterhead.ts";
import { findLetter, findVersion } from "../src/letters/repository.ts";
import { regenerateDraft } from "../src/letters/service.ts";

/** The demo service's letterhead (the phone number is from the range kept for drama: it rings nowhere). */
export const DEMO_SERVICE: ServiceDetails = {
  hospital: "Pinderfields Hospital",
  department: "Department of Spinal Surgery",
  address: "Aberford Road\nWakefield\nWF1 4DG",
  phone: "01632 960000",
};

export async function seed(db: Db, { now }: SeedContext): Promise<void> {
  if ((await findServiceDetails(db)).hospital) return;
  const at = now.toISOString();
  await saveServiceDetails(db, SYSTEM_ACTOR, DEMO_SERVICE, at);
  // The demo draft letters were generated before the letterhead existed: regenerate them, as their
  // author would, so the demo does not open on a draft the record has moved past.
  const row = await db("users").where({ username: "clinician" }).first("id");
  const clinician = row ? await findUser(db, row.id) : null;
  const author = clinician ? userActor(clinician) : SYSTEM_ACTOR;
  const drafts: { letter_id: number; version: number }[] = await db("letter_versions").where({ status: "draft" }).select("letter_id", "version");
  for (const d of drafts) {
    const letter = (await findLetter(db, d.letter_id))!;
    const version = (await findVersion(db, d.letter_id, d.version))!;
    await regenerateDraft(db, author, letter, version.version, version.recipientId, version.freeText, at, version.ccGp);
  }
}
