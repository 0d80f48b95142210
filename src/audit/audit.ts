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
  const [names, recordNamesById] = await Promise.all([
    recordNames(db, values.map((v) => ({ ...v.before, ...v.after }))),
    namesOfRecords(db, rows.map((row) => ({ entity: String(row.entity), id: row.entity_id as number | null }))),
  ]);
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
const NAMED_RECORDS: Record<string, { table: string; column: string }> = {
  ward: { table: "wards", column: "name" },
  user: { table: "users", column: "display_name" },
  "api-token": { table: "api_tokens", column: "name" },
  clinic: { table: "clinics", column: "name" },
  "letter-recipient": { table: "letter_recipients", column: "name" },
  "ward-display": { table: "ward_displays", column: "name" },
};

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

/** The names of the wards, consultants and letter recipients the entries point to by id, so the trail shows names. */
async function recordNames(db: Db, values: Record<string, unknown>[]): Promise<RecordNames> {
  const ids = (field: string) => [...new Set(values.map((v) => v[field]).filter((id): id is number => typeof id === "number"))];
  const [wards, users, recipients] = await Promise.all([
    ids("wardId").length ? db("wards").whereIn("id", ids("wardId")).select("id", "name") : [],
    ids("consultantUserId").length ? db("users").whereIn("id", ids("consultantUserId")).select("id", "display_name") : [],
    ids("recipientId").length ? db("letter_recipients").whereIn("id", ids("recipientId")).select("id", "name") : [],
  ]);
  return {
    wardId: new Map(wards.map((w: { id: number; name: string }) => [w.id, w.name])),
    consultantUserId: new Map(users.map((u: { id: number; display_name: string }) => [u.id, u.display_name])),
    recipientId: new Map(recipients.map((r: { id: number; name: string }) => [r.id, r.name])),
  };
}

function parse(text: string | null): Record<string, unknown> {
  if (!text) return {};
  const value = JSON.parse(text) as unknown;
  return value && typeof value === "object" && !Array.isArray(value) ? (value as Record<string, unknown>) : { value };
}
