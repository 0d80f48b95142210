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
  const names = await recordNames(db, rows.map((row) => ({ ...parse(row.before), ...parse(row.after) })));
  return rows.map((row) => {
    const before = parse(row.before);
    const after = parse(row.after);
    const entry = { actorName: row.actor_name, entity: row.entity, entityId: row.entity_id, action: row.action, before, after };
    return {
      id: row.id,
      at: toInstant(row.at),
      actorType: row.actor_type,
      ...entry,
      ...auditSentence(entry),
      changes: changesInWords(before, after, row.entity, names),
    };
  });
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
