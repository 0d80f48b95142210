/**
 * GOV.UK Notify's callbacks: delivery receipts (the final status of a message we sent) and
 * received text messages (a patient's STOP reply). Notify sends the bearer token set in its
 * dashboard; without NOTIFY_CALLBACK_TOKEN every callback is refused.
 */
import { createHash, timingSafeEqual } from "node:crypto";
import type { Db } from "../db/knex.ts";
import { normaliseUkMobile } from "../patients/mobile.ts";
import { DELIVERY_STATUSES, type DeliveryStatus } from "./outbox.ts";
import { PATIENT_STOP_REPLY, optOutOfTexts } from "./service.ts";

/** Whether the Authorization header carries the callback token (compared in constant time). */
export function callbackAuthorised(header: unknown, token: string | null): boolean {
  if (!token || typeof header !== "string") return false;
  const m = /^Bearer (.+)$/.exec(header);
  if (!m) return false;
  const digest = (s: string) => createHash("sha256").update(s).digest();
  return timingSafeEqual(digest(m[1]), digest(token));
}

/** What each status means, for staff. */
export const DELIVERY_REASONS: Record<DeliveryStatus, string> = {
  delivered: "Delivered",
  "permanent-failure": "The provider could not deliver it: the number or address does not exist or is not in use",
  "temporary-failure": "The provider could not deliver it for now: the phone was off or the inbox full, for longer than it keeps trying",
  "technical-failure": "The provider had a technical problem and did not deliver it",
};

export interface ReceiptResult {
  status: number;
  body: Record<string, unknown>;
}

/** Records a delivery receipt against the outbox message it names (by Notify's id or our reference). */
export async function recordReceipt(db: Db, body: unknown, nowIso: string): Promise<ReceiptResult> {
  const b = (typeof body === "object" && body !== null ? body : {}) as Record<string, unknown>;
  const status = b.status;
  const errors: { field: string; message: string }[] = [];
  if (typeof status !== "string" || !(DELIVERY_STATUSES as readonly string[]).includes(status)) {
    errors.push({ field: "status", message: `status must be one of ${DELIVERY_STATUSES.join(", ")}` });
  }
  const id = typeof b.id === "string" && b.id.length <= 100 ? b.id : null;
  const reference = typeof b.reference === "string" && /^\d{1,12}$/.test(b.reference) ? Number(b.reference) : null;
  if (!id && reference === null) errors.push({ field: "id", message: "id (Notify's notification id) or reference (the outbox id) is required" });
  if (errors.length) return { status: 400, body: { code: "invalid", message: "Not a delivery receipt", errors } };
  const q = db("outbox").where("status", "sent");
  q.andWhere((w) => {
    if (id) w.orWhere("message_id", id);
    if (reference !== null) w.orWhere("id", reference);
  });
  const row = await q.first("id", "message_id");
  if (!row || (id && row.message_id && row.message_id !== id)) return { status: 404, body: { code: "not-found", message: "No sent message matches this receipt", errors: [] } };
  const at = typeof b.completed_at === "string" && !Number.isNaN(Date.parse(b.completed_at)) ? new Date(b.completed_at).toISOString() : nowIso;
  await db("outbox").where({ id: row.id }).update({
    delivery_status: status,
    delivery_status_at: at,
    delivery_detail: DELIVERY_REASONS[status as DeliveryStatus],
    updated_at: nowIso,
  });
  return { status: 200, body: { id: row.id, deliveryStatus: status } };
}

/** A received text: "STOP" (any case, first word) from a patient's mobile stops texts to every patient with that number. */
export async function recordReceivedText(db: Db, body: unknown, nowIso: string): Promise<ReceiptResult> {
  const b = (typeof body === "object" && body !== null ? body : {}) as Record<string, unknown>;
  const from = typeof b.source_number === "string" && b.source_number.length <= 30 ? normaliseUkMobile(b.source_number) : null;
  const message = typeof b.message === "string" ? b.message.slice(0, 1000) : null;
  if (message === null || typeof b.source_number !== "string") {
    return { status: 400, body: { code: "invalid", message: "Not a received text message", errors: [{ field: "message", message: "source_number and message are required" }] } };
  }
  if (!/^\s*(stop|stopall|unsubscribe)\b/i.test(message) || !from) return { status: 200, body: { stopped: 0 } };
  const patients = await db("patients").where({ mobile: from }).select("id");
  let stopped = 0;
  for (const p of patients) if ((await optOutOfTexts(db, p.id as number, nowIso, PATIENT_STOP_REPLY)) === "stopped") stopped++;
  return { status: 200, body: { stopped } };
}
