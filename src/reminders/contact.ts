/**
 * Each reminder channel's state for staff (consent, opt-out) and its history, read from the audit
 * trail: registrations and corrections that changed a contact detail or a consent, and opt-outs.
 */
import type { Knex } from "knex";
import { toInstant } from "../db/values.ts";
import { formatUkMobile } from "../patients/mobile.ts";
import type { Patient } from "../patients/model.ts";

export interface ChannelState {
  channel: "Text message" | "Email";
  address: string | null;
  consent: boolean;
  stoppedAt: string | null;
  /** What reminders do on this channel now, in words. */
  status: string;
}

export function channelStates(p: Patient): ChannelState[] {
  const state = (channel: ChannelState["channel"], address: string | null, consent: boolean, stoppedAt: string | null): ChannelState => ({
    channel, address, consent, stoppedAt,
    status: stoppedAt ? "Stopped by the patient" : !consent ? "No consent recorded" : !address ? "Consent recorded, but no address or number" : "Reminders go by this channel",
  });
  return [
    state("Text message", p.mobile ? formatUkMobile(p.mobile) : null, p.smsConsent, p.smsOptedOutAt),
    state("Email", p.email, p.emailConsent, p.emailOptedOutAt),
  ];
}

export interface ContactEvent {
  at: string;
  who: string;
  what: string;
}

const FIELDS: { key: string; label: string; show: (v: unknown) => string }[] = [
  { key: "mobile", label: "Mobile number", show: (v) => (typeof v === "string" && v ? formatUkMobile(v) : "none") },
  { key: "smsConsent", label: "Consent to texts", show: (v) => (v ? "yes" : "no") },
  { key: "email", label: "Email address", show: (v) => (typeof v === "string" && v ? v : "none") },
  { key: "emailConsent", label: "Consent to emails", show: (v) => (v ? "yes" : "no") },
];

const parse = (v: unknown): Record<string, unknown> => (typeof v === "string" ? JSON.parse(v) : ((v as Record<string, unknown>) ?? {}));

/** The patient's contact and consent history, oldest first. */
export async function contactHistory(db: Knex | Knex.Transaction, patientId: number): Promise<ContactEvent[]> {
  const rows = await db("audit_events")
    .where({ patient_id: patientId, entity: "patient" })
    .whereIn("action", ["register", "correct", "email-opt-out", "sms-opt-out"])
    .orderBy([{ column: "at" }, { column: "id" }])
    .select("at", "actor_name", "action", "before", "after");
  const events: ContactEvent[] = [];
  for (const row of rows) {
    const at = toInstant(row.at);
    const who = String(row.actor_name);
    if (row.action === "email-opt-out") events.push({ at, who, what: "Emails stopped" });
    else if (row.action === "sms-opt-out") events.push({ at, who, what: "Texts stopped" });
    else {
      const before = row.before ? parse(row.before) : null;
      const after = parse(row.after);
      for (const f of FIELDS) {
        if (!(f.key in after) && before === null) continue;
        const was = before ? (before[f.key] ?? null) : null;
        const now = after[f.key] ?? null;
        if (before === null ? now !== null && now !== false : JSON.stringify(was) !== JSON.stringify(now)) {
          events.push({ at, who, what: before === null ? `${f.label}: ${f.show(now)} (registered)` : `${f.label}: ${f.show(was)} → ${f.show(now)}` });
        }
      }
    }
  }
  return events;
}
