import type { Knex } from "knex";
import type { Db } from "../db/knex.ts";
import { toInstant } from "../db/values.ts";
import { auditSentence, changesInWords, type ChangeInWords, type RecordNames } from "./words.ts";

/** Who made a change: a signed-in user, an API token, or the app itself (scheduler, seeds). */
export interface Actor {
  type: "user" | "api" | "system";
  id: number | null;
  /** As the audit trail shows it: "Dr Cara Clinician (clinician)". */
  name: string;
  role?: string;
  /** A user's own name, for what they sign (letters): "Dr Cara Clinician". */
  displayName?: string;
}

export const SYSTEM_ACTOR: Actor = { type: "system", id: null, name: "system" };

export interface AuditEntry {
  at: string;
  actor: Actor;
  patientId: number | null;
  entity: string;
  entityId: number | null;
  action: string;
  before: unknown;
  after: unknown;
}

/** Writes one audit row. Call it with the transaction that makes the change, so both land or neither. */
export async function writeAudit(trx: Knex | Knex.Transaction, entry: AuditEntry): Promise<void> {
  await trx("audit_events").insert({
    at: entry.at,
    actor_type: entry.actor.type,
    actor_id: entry.actor.id,
    actor_name: entry.actor.name,
    patient_id: entry.patientId,
    entity: entry.entity,
    entity_id: entry.entityId,
    action: entry.action,
    before: entry.before === null || entry.before === undefined ? null : JSON.stringify(entry.before),
    after: entry.after === null || entry.after === undefined ? null : JSON.stringify(entry.after),
  });
}

export interface AuditRecord {
  id: number;
  at: string;
  actorName: string;
  actorType: string;
  entity: string;
  entityId: number | null;
  action: string;
  /** "Dr Cara Clinician (clinician) started Co-codamol 30/500" */
  sentence: string;
  /** Which part of the record: "medicine list" */
  place: string;
  /** Each changed field in words, with its value before and after. */
  changes: ChangeInWords[];
}

export async function auditForPatient(db: Db, patientId: number, limit = 500): Promise<AuditRecord[]> {
  const rows = await db("audit_events").where({ patient_id: patientId }).orderBy("id", "desc").limit(limit);
  return inWords(db, rows);
}

/** Which changes to reference data and administration to list: all kinds, or one, in a period. */
export interface AdminAuditFilter {
  entity: string | null;
  /** UTC instants: from (included) and until (excluded). */
  fromUtc: string | null;
  untilUtc: string | null;
  /** Only entries older than this one (the next page). */
  olderThanId: number | null;
  limit: number;
}

/**
 * The changes that belong to no patient (wards, users, letter recipients, the referral form's
 * layout ...), newest first, a page at a time: `olderThanId` is where the next page starts, if any.
 */
export async function auditWithoutPatient(db: Db, filter: AdminAuditFilter): Promise<{ records: AuditRecord[]; olderThanId: number | null }> {
  const query = db("audit_events").whereNull("patient_id");
  if (filter.entity !== null) query.where({ entity: filter.entity });
  if (filter.fromUtc !== null) query.where("at", ">=", filter.fromUtc);
  if (filter.untilUtc !== null) query.where("at", "<", filter.untilUtc);
  if (filter.olderThanId !== null) query.where("id", "<", filter.olderThanId);
  const rows = await query.orderBy("id", "desc").limit(filter.limit + 1);
  const shown = rows.slice(0, filter.limit);
  return { records: await inWords(db, shown), olderThanId: rows.length > filter.limit ? shown[shown.length - 1].id : null };
}

async function inWords(db: Db, rows: Record<string, unknown>[]): Promise<AuditRecord[]> {
  const values = rows.map((row) => ({ before: parse(row.before as string | null), after: parse(row.after as string | null) }));
  // One lookup for both: the records the entries are about, and those their fields point to by id.
  const recordNamesById = await namesOfRecords(db, [
    ...rows.map((row) => ({ entity: String(row.entity), id: row.entity_id as number | null })),
    ...values.flatMap((v) => idFieldRefs({ ...v.before, ...v.after })),
  ]);
  const names = fieldNames(recordNamesById);
  return rows.map((row, i) => {
    const { before, after } = values[i];
    const entity = String(row.entity);
    const entityId = row.entity_id as number | null;
    const entry = { actorName: String(row.actor_name), entity, entityId, action: String(row.action), before, after };
    return {
      id: row.id as number,
      at: toInstant(row.at),
      actorType: String(row.actor_type),
      ...entry,
      ...auditSentence({ ...entry, recordName: entityId === null ? undefined : recordNamesById.get(`${entity}:${entityId}`) }),
      changes: changesInWords(before, after, entity, names),
    };
  });
}

/** Where the name of a record of each kind is kept, so an entry that carries no name ("retired a ward") can say which. */
const NAMED_RECORDS = {
  ward: { table: "wards", column: "name" },
  user: { table: "users", column: "display_name" },
  "api-token": { table: "api_tokens", column: "name" },
  clinic: { table: "clinics", column: "name" },
  "letter-recipient": { table: "letter_recipients", column: "name" },
  "ward-display": { table: "ward_displays", column: "name" },
} as const satisfies Record<string, { table: string; column: string }>;

/** The current names of the records the entries are about, by "entity:id". */
async function namesOfRecords(db: Db, refs: { entity: string; id: number | null }[]): Promise<Map<string, string>> {
  const found = new Map<string, string>();
  await Promise.all(
    Object.entries(NAMED_RECORDS).map(async ([entity, { table, column }]) => {
      const ids = [...new Set(refs.filter((r) => r.entity === entity && typeof r.id === "number").map((r) => r.id as number))];
      if (!ids.length) return;
      for (const row of await db(table).whereIn("id", ids).select("id", column)) found.set(`${entity}:${row.id}`, String(row[column]));
    }),
  );
  return found;
}

/** The fields that point to a named record by id (wardId -> a ward), so the trail shows its name. */
const ID_FIELDS: Record<keyof RecordNames, keyof typeof NAMED_RECORDS> = { wardId: "ward", consultantUserId: "user", recipientId: "letter-recipient" };

function idFieldRefs(values: Record<string, unknown>): { entity: string; id: number }[] {
  return Object.entries(ID_FIELDS).flatMap(([field, entity]) => (typeof values[field] === "number" ? [{ entity, id: values[field] as number }] : []));
}

/** The names found, per id field, as changesInWords reads them. */
function fieldNames(found: Map<string, string>): RecordNames {
  const byField = (entity: string) => new Map([...found].filter(([key]) => key.startsWith(`${entity}:`)).map(([key, name]) => [Number(key.slice(entity.length + 1)), name]));
  return Object.fromEntries(Object.entries(ID_FIELDS).map(([field, entity]) => [field, byField(entity)])) as RecordNames;
}

function parse(text: string | null): Record<string, unknown> {
  if (!text) return {};
  const value = JSON.parse(text) as unknown;
  return value && typeof value === "object" && !Array.isArray(value) ? (value as Record<string, unknown>) : { value };
}
