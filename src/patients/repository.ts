import type { Knex } from "knex";
import type { Db } from "../db/knex.ts";
import { toBool, toBoolOrNull, toInstant, toInstantOrNull } from "../db/values.ts";
import { searchName, searchWords, type RecordedCatheterStatus, type Discharge, type Episode, type EpisodeInput, type Patient, type PatientInput, type Presentation, type Procedure, type Sex } from "./model.ts";

type Conn = Db | Knex.Transaction;
type Row = Record<string, unknown>;

export function toPatient(row: Row): Patient {
  return {
    id: row.id as number,
    nhsNumber: row.nhs_number as string,
    familyName: row.family_name as string,
    givenName: row.given_name as string,
    dateOfBirth: String(row.date_of_birth).slice(0, 10),
    sex: row.sex as Sex,
    email: (row.email as string) ?? null,
    emailConsent: toBool(row.email_consent),
    emailOptedOutAt: toInstantOrNull(row.email_opted_out_at),
    mobile: (row.mobile as string) ?? null,
    smsConsent: toBool(row.sms_consent ?? false),
    smsOptedOutAt: toInstantOrNull(row.sms_opted_out_at),
    gp: {
      name: (row.gp_practice_name as string) ?? null,
      address: (row.gp_address as string) ?? null,
      email: (row.gp_email as string) ?? null,
    },
    mergedIntoPatientId: (row.merged_into_patient_id as number) ?? null,
    createdAt: toInstant(row.created_at),
    updatedAt: toInstant(row.updated_at),
  };
}

export function patientColumns(input: PatientInput): Row {
  return {
    nhs_number: input.nhsNumber,
    family_name: input.familyName,
    given_name: input.givenName,
    date_of_birth: input.dateOfBirth,
    sex: input.sex,
    email: input.email,
    email_consent: input.emailConsent,
    mobile: input.mobile ?? null,
    sms_consent: input.smsConsent ?? false,
    gp_practice_name: input.gp.name,
    gp_address: input.gp.address,
    gp_email: input.gp.email,
    search_name: searchName(input.familyName, input.givenName),
  };
}

export function toEpisode(row: Row): Episode {
  return {
    id: row.id as number,
    patientId: row.patient_id as number,
    presentation: row.presentation as Presentation,
    mriAt: toInstant(row.mri_at),
    anaesthesiaStartAt: toInstant(row.anaesthesia_start_at),
    procedure: row.procedure as Procedure,
    level: (row.level as string) ?? null,
    surgeon: (row.surgeon as string) ?? null,
    hospital: (row.hospital as string) ?? null,
    ward: (row.ward as string) ?? null,
    wardId: (row.ward_id as number) ?? null,
    consultantUserId: (row.consultant_user_id as number) ?? null,
    bed: (row.bed as string) ?? null,
    delayReason: (row.delay_reason as string) ?? null,
    consultantSanction: toBoolOrNull(row.consultant_sanction),
    preopReviewAt: toInstantOrNull(row.preop_review_at),
    consentRecorded: toBoolOrNull(row.consent_recorded),
    bsrRegistered: toBoolOrNull(row.bsr_registered),
    catheterisedBeforeSurgery: toBoolOrNull(row.catheterised_before_surgery),
    discharge: row.discharged_at
      ? {
          dischargedAt: toInstant(row.discharged_at),
          destination: row.discharge_destination as string,
          catheterStatus: row.catheter_status_at_discharge as RecordedCatheterStatus,
        }
      : null,
    createdAt: toInstant(row.created_at),
    updatedAt: toInstant(row.updated_at),
  };
}

export function episodeColumns(input: EpisodeInput): Row {
  return {
    presentation: input.presentation,
    mri_at: input.mriAt,
    anaesthesia_start_at: input.anaesthesiaStartAt,
    procedure: input.procedure,
    level: input.level,
    surgeon: input.surgeon,
    hospital: input.hospital,
    ward: input.ward,
    ...(input.wardId === undefined ? {} : { ward_id: input.wardId }),
    ...(input.consultantUserId === undefined ? {} : { consultant_user_id: input.consultantUserId }),
    bed: input.bed,
    delay_reason: input.delayReason,
    consultant_sanction: input.consultantSanction,
    preop_review_at: input.preopReviewAt,
    consent_recorded: input.consentRecorded,
    bsr_registered: input.bsrRegistered,
    catheterised_before_surgery: input.catheterisedBeforeSurgery,
  };
}

export async function findPatient(db: Conn, id: number): Promise<Patient | null> {
  const row = await db("patients").where({ id }).first();
  return row ? toPatient(row) : null;
}

export async function findPatientByNhsNumber(db: Conn, nhsNumber: string): Promise<Patient | null> {
  const row = await db("patients").where({ nhs_number: nhsNumber }).first();
  return row ? toPatient(row) : null;
}

export interface PatientListItem {
  patient: Patient;
  latestEpisode: { id: number; ward: string | null; bed: string | null; inpatient: boolean; anaesthesiaStartAt: string } | null;
}

/**
 * Patients matching a search (NHS number digits, or the start of a family or given name),
 * newest first, one page at a time, with each patient's latest episode in the same query.
 */
export async function searchPatients(db: Db, query: string, page: number, pageSize: number): Promise<{ items: PatientListItem[]; total: number }> {
  const digits = query.replace(/\s/g, "");
  const base = db("patients");
  if (/^\d{1,10}$/.test(digits)) base.where("nhs_number", "like", `${digits}%`);
  else if (query.trim()) {
    // Apostrophes close up first ("O'Brien" -> "obrien"), as names are stored both ways.
    const words = searchWords(query.replace(/['\u2019]/g, "")).slice(0, 3);
    if (words.length === 0) base.whereRaw("1 = 0"); // only punctuation or wildcards: nothing to find
    for (const word of words) {
      base.where((q) => q.where("search_name", "like", `${word}%`).orWhere("search_name", "like", `% ${word}%`));
    }
  }
  // Two queries: a window count(*) over () would make SQLite build every matching row, not 50.
  const [{ count }] = await base.clone().count<{ count: number | string }[]>({ count: "*" });
  const rows: Row[] = await base.clone().select("*").orderBy("id", "desc").limit(pageSize).offset((page - 1) * pageSize);
  const latestByPatient = await latestEpisodes(db, rows.map((r) => r.id as number));
  return {
    total: Number(count),
    items: rows.map((row) => {
      const episode = latestByPatient.get(row.id as number);
      return {
        patient: toPatient(row),
        latestEpisode: episode
          ? { id: episode.id, ward: episode.wardName, bed: episode.bed, inpatient: !episode.discharge, anaesthesiaStartAt: episode.anaesthesiaStartAt }
          : null,
      };
    }),
  };
}

/** Each patient's most recent episode with its ward's name (the record's, else the text), in one query. */
async function latestEpisodes(db: Db, patientIds: number[]): Promise<Map<number, Episode & { wardName: string | null }>> {
  if (patientIds.length === 0) return new Map();
  const rows = await db("episodes")
    .leftJoin("wards", "wards.id", "episodes.ward_id")
    .whereIn("episodes.id", db("episodes").max("id").whereIn("patient_id", patientIds).groupBy("patient_id"))
    .select("episodes.*", "wards.name as ward_name");
  return new Map(rows.map((row) => [row.patient_id as number, { ...toEpisode(row), wardName: (row.ward_name as string) ?? (row.ward as string) ?? null }]));
}

export async function episodesForPatient(db: Conn, patientId: number): Promise<Episode[]> {
  return (await db("episodes").where({ patient_id: patientId }).orderBy("id", "desc")).map(toEpisode);
}

export async function findEpisode(db: Conn, id: number): Promise<Episode | null> {
  const row = await db("episodes").where({ id }).first();
  return row ? toEpisode(row) : null;
}

export interface WardChoice {
  id: number;
  name: string;
  retired: boolean;
}

export interface ConsultantChoice {
  id: number;
  name: string;
}

/** What an episode form offers: wards not retired and clinicians not disabled, plus the episode's own. */
export async function episodeChoices(db: Conn, current?: Pick<Episode, "wardId" | "consultantUserId">): Promise<{ wards: WardChoice[]; consultants: ConsultantChoice[] }> {
  const wardRows: Row[] = await db("wards")
    .where((q) => {
      q.whereNull("retired_at");
      if (current?.wardId) q.orWhere("id", current.wardId);
    })
    .select("id", "name", "retired_at");
  const userRows: Row[] = await db("users")
    .where("role", "clinician")
    .andWhere((q) => {
      q.whereNull("disabled_at");
      if (current?.consultantUserId) q.orWhere("id", current.consultantUserId);
    })
    .select("id", "display_name");
  const byName = (a: { name: string }, b: { name: string }) => a.name.localeCompare(b.name, "en-GB", { numeric: true });
  return {
    wards: wardRows.map((r) => ({ id: r.id as number, name: r.name as string, retired: r.retired_at !== null && r.retired_at !== undefined })).sort(byName),
    consultants: userRows.map((r) => ({ id: r.id as number, name: r.display_name as string })).sort(byName),
  };
}

/** The names of the wards and consultants some episodes point to, for display. */
export async function episodeLinkNames(db: Conn, episodes: Pick<Episode, "wardId" | "consultantUserId">[]): Promise<{ wards: Map<number, string>; consultants: Map<number, string> }> {
  const wardIds = [...new Set(episodes.map((e) => e.wardId).filter((id): id is number => id !== null))];
  const userIds = [...new Set(episodes.map((e) => e.consultantUserId).filter((id): id is number => id !== null))];
  const wards: Row[] = wardIds.length ? await db("wards").whereIn("id", wardIds).select("id", "name") : [];
  const users: Row[] = userIds.length ? await db("users").whereIn("id", userIds).select("id", "display_name") : [];
  return {
    wards: new Map(wards.map((r) => [r.id as number, r.name as string])),
    consultants: new Map(users.map((r) => [r.id as number, r.display_name as string])),
  };
}

// ---------------------------------------------------------------- writes (inside a transaction)

/** Another patient already holding this NHS number (other than `exceptId`). */
export async function nhsNumberTaken(conn: Conn, nhsNumber: string, exceptId?: number): Promise<boolean> {
  const row = await conn("patients").where({ nhs_number: nhsNumber }).modify((q) => (exceptId ? q.whereNot({ id: exceptId }) : q)).first("id");
  return Boolean(row);
}

export async function insertPatient(conn: Conn, input: PatientInput, now: string): Promise<Patient> {
  const [row] = await conn("patients").insert({ ...patientColumns(input), created_at: now, updated_at: now }).returning("*");
  return toPatient(row);
}

export async function updatePatient(conn: Conn, id: number, input: PatientInput, now: string): Promise<Patient> {
  const [row] = await conn("patients").where({ id }).update({ ...patientColumns(input), updated_at: now }).returning("*");
  return toPatient(row);
}

export async function episodeIdsOfPatient(conn: Conn, patientId: number): Promise<number[]> {
  return (await conn("episodes").where({ patient_id: patientId }).orderBy("id").pluck("id")) as number[];
}

export async function insertEpisode(conn: Conn, patientId: number, input: EpisodeInput, now: string, clientKey: string | null = null): Promise<Episode> {
  const [row] = await conn("episodes").insert({ ...episodeColumns(input), patient_id: patientId, client_key: clientKey, created_at: now, updated_at: now }).returning("*");
  return toEpisode(row);
}

/** The episode a hospital system registered for the patient with this clientId, if any. */
export async function episodeIdByClientKey(conn: Conn, patientId: number, clientKey: string): Promise<number | null> {
  const row = await conn("episodes").where({ patient_id: patientId, client_key: clientKey }).first("id");
  return row ? (row.id as number) : null;
}

export async function updateEpisode(conn: Conn, id: number, input: EpisodeInput, now: string): Promise<Episode> {
  const [row] = await conn("episodes").where({ id }).update({ ...episodeColumns(input), updated_at: now }).returning("*");
  return toEpisode(row);
}

export async function updateDischarge(conn: Conn, id: number, discharge: Discharge, now: string): Promise<Episode> {
  const [row] = await conn("episodes")
    .where({ id })
    .update({ discharged_at: discharge.dischargedAt, discharge_destination: discharge.destination, catheter_status_at_discharge: discharge.catheterStatus, updated_at: now })
    .returning("*");
  return toEpisode(row);
}

/** Where the patient is: the ward record, its name as the ward text (kept for the history) and the bed. */
export async function updateEpisodeLocation(conn: Conn, id: number, location: { wardId: number | null; ward: string | null; bed: string | null }, now: string): Promise<Episode> {
  const [row] = await conn("episodes").where({ id }).update({ ward_id: location.wardId, ward: location.ward, bed: location.bed, updated_at: now }).returning("*");
  return toEpisode(row);
}

/** Takes a discharge back (the PAS cancelled it); the audit row keeps what it was. */
export async function clearDischarge(conn: Conn, id: number, now: string): Promise<Episode> {
  const [row] = await conn("episodes")
    .where({ id })
    .update({ discharged_at: null, discharge_destination: null, catheter_status_at_discharge: null, updated_at: now })
    .returning("*");
  return toEpisode(row);
}

/**
 * When the episode's latest current (not superseded) bladder record was taken, or null: a discharge
 * cannot be dated before it, whoever records the discharge.
 */
export async function lastBladderRecordAt(conn: Conn, episodeId: number): Promise<string | null> {
  const row = (await conn("bladder_events").max({ at: "at" }).where({ episode_id: episodeId }).whereNull("superseded_by").first()) as { at: unknown } | undefined;
  return row?.at ? toInstant(row.at) : null;
}
