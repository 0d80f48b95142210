import { SYSTEM_ACTOR } from "../src/audit/audit.ts";
import { findUser, userActor } from "../src/auth/users.ts";
import type { Db } from "../src/db/knex.ts";
import type { SeedContext } from "../src/db/migrate.ts";
import { createLetter } from "../src/letters/service.ts";
import type { RecipientInput } from "../src/letters/model.ts";
import { demoEpisode } from "./04_followup.ts";

const centre = (name: string, department: string, address: string, regional = false): RecipientInput => ({
  kind: "sci-centre", name, department, address, email: null, phone: null, regional, active: true,
});

/** The eight spinal cord injury centres of England (rule book section 7); Pinderfields is West Yorkshire's regional one. */
export const SCI_CENTRES: RecipientInput[] = [
  centre("Yorkshire Regional Spinal Injuries Centre", "Pinderfields Hospital", "Aberford Road, Wakefield", true),
  centre("Princess Royal Spinal Injuries Centre", "Northern General Hospital", "Sheffield"),
  centre("Golden Jubilee Spinal Cord Injury Centre", "James Cook University Hospital", "Middlesbrough"),
  centre("North West Regional Spinal Injuries Centre", "Southport and Formby District General Hospital", "Southport"),
  centre("National Spinal Injuries Centre", "Stoke Mandeville Hospital", "Aylesbury"),
  centre("Duke of Cornwall Spinal Treatment Centre", "Salisbury District Hospital", "Salisbury"),
  centre("London Spinal Cord Injury Centre", "Royal National Orthopaedic Hospital", "Stanmore"),
  centre("Midland Centre for Spinal Injuries", "Robert Jones and Agnes Hunt Orthopaedic Hospital", "Oswestry"),
];

/** Local services: demo entries for an admin to replace with the real local ones. */
const LOCAL: RecipientInput[] = [
  { kind: "continence", name: "Community Continence Service (demo)", department: "Wakefield community services", address: "Wakefield", email: "continence@example.nhs.uk", phone: null, regional: false, active: true },
  { kind: "urology", name: "Urology Department (demo)", department: "Pinderfields Hospital", address: "Aberford Road, Wakefield", email: "urology@example.nhs.uk", phone: null, regional: false, active: true },
];

export async function seed(db: Db, { now }: SeedContext): Promise<void> {
  const at = now.toISOString();
  if (!(await db("letter_recipients").first())) {
    await db("letter_recipients").insert([...SCI_CENTRES, ...LOCAL].map((r) => ({ ...r, updated_at: at })));
  }
  if (await db("letters").first()) return;
  const review = await demoEpisode(db, "outpatient-review-due");
  if (!review) return;
  const regional = await db("letter_recipients").where({ kind: "sci-centre", regional: true }).first("id");
  // Drafted by the demo clinician, so the demo letter is signed as a real one would be.
  const row = await db("users").where({ username: "clinician" }).first("id");
  const clinician = row ? await findUser(db, row.id) : null;
  const author = clinician ? userActor(clinician) : SYSTEM_ACTOR;
  await createLetter(db, author, review, "sci-referral", regional?.id ?? null, "Bowel symptoms have not settled with the current regime; she would value specialist bowel management advice.", at);
}
