import type { Knex } from "knex";
import type { Db } from "../db/knex.ts";
import { toInstant } from "../db/values.ts";
import { formatDateTime } from "../time.ts";

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
  changes: { field: string; before: string; after: string }[];
}

export async function auditForPatient(db: Db, patientId: number, limit = 500): Promise<AuditRecord[]> {
  const rows = await db("audit_events").where({ patient_id: patientId }).orderBy("id", "desc").limit(limit);
  return rows.map((row) => ({
    id: row.id,
    at: toInstant(row.at),
    actorName: row.actor_name,
    actorType: row.actor_type,
    entity: row.entity,
    entityId: row.entity_id,
    action: row.action,
    changes: diff(parse(row.before), parse(row.after)),
  }));
}

function parse(text: string | null): Record<string, unknown> {
  if (!text) return {};
  const value = JSON.parse(text) as unknown;
  return value && typeof value === "object" && !Array.isArray(value) ? (value as Record<string, unknown>) : { value };
}

/** The fields whose value differs between before and after, as display text. */
export function diff(before: Record<string, unknown>, after: Record<string, unknown>) {
  const fields = [...new Set([...Object.keys(before), ...Object.keys(after)])];
  return fields
    .filter((f) => JSON.stringify(before[f]) !== JSON.stringify(after[f]))
    .map((field) => ({ field, before: show(before[field]), after: show(after[field]) }));
}

const STORED_INSTANT = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d+)?Z$/;

function isRealInstant(text: string): boolean {
  const ms = Date.parse(text);
  return STORED_INSTANT.test(text) && Number.isFinite(ms) && new Date(ms).toISOString().slice(0, 19) === text.slice(0, 19);
}

/** Display text for a value; stored instants (UTC) are shown in UK time like every other time. */
function show(value: unknown): string {
  if (value === undefined || value === null) return "";
  // Only a real instant is shown as a time: free text shaped like one ("2026-13-01T10:00:00Z" typed as a bed) is shown as typed.
  if (typeof value === "string") return isRealInstant(value) ? formatDateTime(value) : value;
  return JSON.stringify(value);
}
