import { SYSTEM_ACTOR } from "../src/audit/audit.ts";
import { findUser, userActor } from "../src/auth/users.ts";
import type { Db } from "../src/db/knex.ts";
import type { SeedContext } from "../src/db/migrate.ts";
import { findLetter } from "../src/letters/repository.ts";
import { createLetter, markSent } from "../src/letters/service.ts";
import { demoEpisode } from "./04_followup.ts";

/**
 * A sent letter in the demo data (the GP letter of the outpatient-review-due patient), so that the
 * FHIR API's demo shows a DocumentReference with its PDF as well as the other resources.
 */
export async function seed(db: Db, { now }: SeedContext): Promise<void> {
  const review = await demoEpisode(db, "outpatient-review-due");
  if (!review) return;
  const sent = await db("letter_versions").join("letters", "letters.id", "letter_versions.letter_id").where({ "letters.episode_id": review.id, "letter_versions.status": "sent" }).first("letter_versions.id");
  if (sent) return;
  const row = await db("users").where({ username: "clinician" }).first("id");
  const clinician = row ? await findUser(db, row.id) : null;
  const author = clinician ? userActor(clinician) : SYSTEM_ACTOR;
  const at = now.toISOString();
  const letterId = await createLetter(db, author, review, "gp", null, "She is managing well at home; the bowel regime is being adjusted by the team.", at);
  await markSent(db, author, (await findLetter(db, letterId))!, 1, "post", at);
}
