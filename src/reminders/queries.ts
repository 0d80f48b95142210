/** Read models for the reminder pages. */
import type { Db } from "../db/knex.ts";
import { toInstant, toInstantOrNull } from "../db/values.ts";
import { patientDisplayName } from "../patients/model.ts";
import type { ReminderKind } from "./derive.ts";
import { KIND_TITLES } from "./emails.ts";
import { type OutboxRow, toOutboxRow } from "./outbox.ts";

export const DUE_HORIZON_MS = 24 * 3600_000;

/**
 * Items that no other record closes, so staff mark them done here. The others close themselves
 * when the ward or follow-up record changes (opening recorded, U7 follow-up ticked, referral sent...).
 */
export const MARKABLE_KINDS: readonly ReminderKind[] = ["gp-drug-review", "pain-chronic-review"];

export type DueState = "overdue" | "due" | "upcoming";

/** Where a reminder stands at `nowMs`: overdue from its overdue time (its due time when it has none), due from its due time. */
export function dueState(dueAt: string, overdueAt: string | null, nowMs: number): DueState {
  return nowMs >= Date.parse(overdueAt ?? dueAt) ? "overdue" : nowMs >= Date.parse(dueAt) ? "due" : "upcoming";
}

export interface DueItem {
  id: number;
  episodeId: number;
  patientId: number;
  patientName: string;
  /** The ward's name (its record's, or the text of an episode linked to no ward). */
  ward: string | null;
  bed: string | null;
  /** A discharged patient's items are outpatient items: shown with no ward or bed, and never under a ward. */
  discharged: boolean;
  surgeon: string | null;
  /** The responsible consultant's name. */
  consultant: string | null;
  kind: ReminderKind;
  title: string;
  audience: string;
  channel: string;
  dueAt: string;
  overdueAt: string | null;
  state: DueState;
  markable: boolean;
  rules: string[];
  reason: string;
}

export interface DueFilter {
  /** A ward record: its inpatients (episodes linked to no ward are matched by the ward name they carry). */
  ward?: { id: number; name: string };
  /** A clinician's user id: the episodes they are the responsible consultant for. */
  consultantUserId?: number;
  episodeId?: number;
}

/** Scheduled items for staff due within the next 24 hours or already due, most urgent first. */
export async function dueItems(db: Db, nowIso: string, filter: DueFilter = {}): Promise<DueItem[]> {
  const horizon = new Date(Date.parse(nowIso) + DUE_HORIZON_MS).toISOString();
  const q = db("reminders as r")
    .join("episodes as e", "e.id", "r.episode_id")
    .join("patients as p", "p.id", "r.patient_id")
    .leftJoin("wards as w", "w.id", "e.ward_id")
    .leftJoin("users as u", "u.id", "e.consultant_user_id")
    .where("r.status", "scheduled")
    .whereIn("r.audience", ["ward", "clinician", "gp"])
    .andWhere("r.due_at", "<=", horizon)
    .orderBy("r.due_at")
    .limit(1000)
    .select("r.*", "e.ward", "w.name as ward_name", "e.bed", "e.discharged_at", "e.surgeon", "u.display_name as consultant_name", "p.family_name", "p.given_name");
  const ward = filter.ward;
  if (ward) q.whereNull("e.discharged_at").andWhere((w) => w.where("e.ward_id", ward.id).orWhere((w2) => w2.whereNull("e.ward_id").andWhere("e.ward", ward.name)));
  if (filter.consultantUserId) q.andWhere("e.consultant_user_id", filter.consultantUserId);
  if (filter.episodeId) q.andWhere("r.episode_id", filter.episodeId);
  const now = Date.parse(nowIso);
  const items = (await q).map((row): DueItem => {
    const dueAt = toInstant(row.due_at);
    const overdueAt = toInstantOrNull(row.overdue_at);
    const state = dueState(dueAt, overdueAt, now);
    return {
      id: row.id, episodeId: row.episode_id, patientId: row.patient_id,
      patientName: patientDisplayName({ familyName: String(row.family_name), givenName: String(row.given_name) }),
      ward: row.ward_name ?? row.ward, bed: row.bed, discharged: row.discharged_at !== null && row.discharged_at !== undefined, surgeon: row.surgeon, consultant: row.consultant_name ?? null,
      kind: row.kind, title: KIND_TITLES[row.kind as ReminderKind] ?? row.kind, audience: row.audience, channel: row.channel,
      dueAt, overdueAt, state, markable: MARKABLE_KINDS.includes(row.kind), rules: JSON.parse(row.rules), reason: row.reason,
    };
  });
  const rank = { overdue: 0, due: 1, upcoming: 2 };
  return items.sort((a, b) => rank[a.state] - rank[b.state] || a.dueAt.localeCompare(b.dueAt));
}

/** The wards /due can show: those not retired, and retired ones an episode still points to. */
export async function dueWards(db: Db): Promise<{ id: number; name: string }[]> {
  const rows = await db("wards")
    .whereNull("retired_at")
    .orWhereIn("id", db("episodes").whereNull("discharged_at").whereNotNull("ward_id").select("ward_id"))
    .select("id", "name");
  return rows.map((r) => ({ id: r.id as number, name: r.name as string })).sort((a, b) => a.name.localeCompare(b.name, "en-GB", { numeric: true }));
}

/** The clinicians /due can show: every clinician account not disabled, and any disabled one still responsible for an episode with items. */
export async function dueClinicians(db: Db): Promise<{ id: number; name: string }[]> {
  const rows = await db("users")
    .where("role", "clinician")
    .andWhere((q) => q.whereNull("disabled_at").orWhereIn("id", db("episodes as e").join("reminders as r", "r.episode_id", "e.id").where("r.status", "scheduled").whereNotNull("e.consultant_user_id").select("e.consultant_user_id")))
    .select("id", "display_name");
  return rows.map((r) => ({ id: r.id as number, name: r.display_name as string })).sort((a, b) => a.name.localeCompare(b.name, "en-GB"));
}

export async function outboxRows(db: Db, filter: { statuses?: string[]; deliveryStatuses?: string[]; patientId?: number; limit?: number }): Promise<OutboxRow[]> {
  const q = db("outbox").orderBy("id", "desc").limit(filter.limit ?? 200);
  if (filter.statuses) q.whereIn("status", filter.statuses);
  if (filter.deliveryStatuses) q.whereIn("delivery_status", filter.deliveryStatuses);
  if (filter.patientId) q.where("patient_id", filter.patientId);
  return (await q).map(toOutboxRow);
}

export async function outboxCounts(db: Db): Promise<Record<string, number>> {
  const rows = await db("outbox").select("status").count<{ status: string; count: number | string }[]>({ count: "*" }).groupBy("status");
  return Object.fromEntries(rows.map((r) => [r.status, Number(r.count)]));
}

export async function findOutbox(db: Db, id: number): Promise<OutboxRow | null> {
  const row = await db("outbox").where({ id }).first();
  return row ? toOutboxRow(row) : null;
}

export interface EpisodeReminder {
  kind: ReminderKind;
  audience: string;
  channel: string;
  dueAt: string;
  status: string;
  rules: string[];
}

/** Every reminder row of one episode, whatever its status, in due order (read-only, for the API). */
export async function episodeReminders(db: Db, episodeId: number): Promise<EpisodeReminder[]> {
  const rows = await db("reminders").where({ episode_id: episodeId }).orderBy([{ column: "due_at" }, { column: "id" }]).select("kind", "audience", "channel", "due_at", "status", "rules");
  return rows.map((row) => ({
    kind: row.kind as ReminderKind,
    audience: String(row.audience),
    channel: String(row.channel),
    dueAt: toInstant(row.due_at),
    status: String(row.status),
    rules: JSON.parse(row.rules) as string[],
  }));
}
