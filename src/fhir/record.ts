/**
 * One patient's record as FHIR resources. Reads, searches and $everything all answer from this, so
 * they never disagree. A patient's record is small (a few episodes of days of ward events), so it is
 * read whole; the decisions (flags) are the rule engine's, through the ward's getWardState.
 */
import type { Db } from "../db/knex.ts";
import { medicationsFor } from "../followup/repository.ts";
import { lettersForEpisode } from "../letters/repository.ts";
import type { Episode } from "../patients/model.ts";
import { episodeLinkNames, episodesForPatient, findPatient } from "../patients/repository.ts";
import { getWardState } from "../ward/index.ts";
import { activeEvents } from "../ward/repository.ts";
import type { Resource } from "@medplum/fhirtypes";
import {
  isObservation,
  type SentVersion,
  toDocumentReference,
  toEncounter,
  toFhirPatient,
  toFlags,
  toMedicationStatement,
  toObservation,
  toProcedure,
} from "./resources.ts";

export interface PatientRecord {
  /** The Patient first, then each episode's Encounter, Procedure, Observations, Flags, MedicationStatements, DocumentReferences. */
  resources: Resource[];
}

export async function patientRecord(db: Db, patientId: number, now: string, base: string): Promise<PatientRecord | null> {
  const patient = await findPatient(db, patientId);
  if (!patient) return null;
  const episodes = (await episodesForPatient(db, patientId)).reverse();
  const names = await episodeLinkNames(db, episodes);
  const events = await activeEvents(db, episodes.map((e) => e.id));
  const resources: Resource[] = [toFhirPatient(patient)];
  for (const episode of episodes) {
    const wardName = (episode.wardId !== null ? names.wards.get(episode.wardId) : undefined) ?? episode.ward;
    const consultant = episode.consultantUserId !== null ? (names.consultants.get(episode.consultantUserId) ?? null) : null;
    resources.push(toEncounter(episode, { ward: wardName, consultant }), toProcedure(base, episode));
    for (const event of events) if (event.episodeId === episode.id && isObservation(event)) resources.push(toObservation(base, episode, event));
    resources.push(...(await episodeExtras(db, base, episode, now)));
  }
  return { resources };
}

/** An episode's flags (now), medication list and sent letters. */
async function episodeExtras(db: Db, base: string, episode: Episode, now: string): Promise<Resource[]> {
  const ward = await getWardState(db, episode.id, now);
  const medications = await medicationsFor(db, episode.id);
  const letters = await lettersForEpisode(db, episode.id);
  const documents: Resource[] = [];
  for (const letter of [...letters].reverse()) {
    const sent: SentVersion[] = letter.versions.filter((v) => v.status === "sent" && v.sentAt !== null).sort((a, b) => a.version - b.version);
    sent.forEach((version, i) => documents.push(toDocumentReference(base, episode, letter, version, sent[i - 1] ?? null, i === sent.length - 1)));
  }
  return [...toFlags(base, episode, ward.bladder), ...medications.map((m) => toMedicationStatement(episode, m)), ...documents];
}

/** Which patient a resource belongs to (null: no such resource). Only ids of the app's own number form. */
export async function ownerOf(db: Db, type: string, id: string): Promise<number | null> {
  if (type === "Patient") return numericId(id);
  if (type === "Flag") {
    const match = /^(?:usafe|u6)-(\d{1,10})$/.exec(id);
    return match ? episodeOwner(db, numericId(match[1])) : null;
  }
  const n = numericId(id);
  if (n === null) return null;
  switch (type) {
    case "Encounter":
    case "Procedure":
      return episodeOwner(db, n);
    case "Observation":
      return ownerVia(db, "bladder_events", n);
    case "MedicationStatement":
      return ownerVia(db, "medications", n);
    case "DocumentReference":
    case "Binary": {
      const row = await db("letter_versions").join("letters", "letters.id", "letter_versions.letter_id").where("letter_versions.id", n).first("letters.episode_id");
      return row ? episodeOwner(db, row.episode_id as number) : null;
    }
    default:
      return null;
  }
}

function numericId(id: string): number | null {
  return /^[1-9]\d{0,9}$/.test(id) && Number(id) <= 2147483647 ? Number(id) : null;
}

async function episodeOwner(db: Db, episodeId: number | null): Promise<number | null> {
  if (episodeId === null) return null;
  const row = await db("episodes").where({ id: episodeId }).first("patient_id");
  return row ? (row.patient_id as number) : null;
}

async function ownerVia(db: Db, table: "bladder_events" | "medications", id: number): Promise<number | null> {
  const row = await db(table).where({ id }).first("episode_id");
  return row ? episodeOwner(db, row.episode_id as number) : null;
}

/** The entry now standing for a corrected bladder event (through corrections of corrections), or null if it was never corrected. */
export async function correctionOf(db: Db, eventId: string): Promise<number | null> {
  let current = numericId(eventId);
  let replaced = false;
  for (let hops = 0; current !== null && hops < 100; hops++) {
    const row = await db("bladder_events").where({ id: current }).first("superseded_by");
    if (!row?.superseded_by) break;
    current = row.superseded_by as number;
    replaced = true;
  }
  return replaced ? current : null;
}
