import { SYSTEM_ACTOR } from "../../src/audit/audit.ts";
import type { Db } from "../../src/db/knex.ts";
import { registerEpisode, registerPatient } from "../../src/patients/service.ts";
import { type DerivedReminder, type ReminderKind, reminderKey } from "../../src/reminders/derive.ts";
import { applyDerived } from "../../src/reminders/index.ts";
import { Dispatcher, type DispatcherOptions } from "../../src/reminders/dispatcher.ts";
import type { MailTransport, TextMessage, TextTransport } from "../../src/reminders/mailer.ts";
import { DEFAULT_RETRY } from "../../src/reminders/outbox.ts";
import { wardIdFor } from "../helpers/wards.ts";

let nextNhs = 0;
/** Valid NHS numbers (Modulus 11) not used by the demo data. */
export function nhsNumber(): string {
  for (;;) {
    const base = String(600000000 + nextNhs++ * 7919).padStart(9, "0");
    const sum = [...base].reduce((s, d, i) => s + Number(d) * (10 - i), 0);
    const check = 11 - (sum % 11);
    if (check === 10) continue;
    return `${base}${check === 11 ? 0 : check}`;
  }
}

/** A patient and an episode on a ward (linked to its ward record, created if need be). */
export async function makeEpisode(db: Db, o: { email?: string | null; consent?: boolean; surgeon?: string; ward?: string; now: string }) {
  const patient = await registerPatient(db, SYSTEM_ACTOR, {
    nhsNumber: nhsNumber(), familyName: "Tester", givenName: "Alex", dateOfBirth: "1970-01-01", sex: "female",
    email: o.email === undefined ? "alex.tester@example.com" : o.email, emailConsent: o.consent ?? true,
    gp: { name: null, address: null, email: null },
  }, o.now);
  const ward = o.ward ?? "Ward 3 (Spinal)";
  const episode = await registerEpisode(db, SYSTEM_ACTOR, patient.id, {
    presentation: "CES-I", mriAt: "2026-01-01T08:00:00Z", anaesthesiaStartAt: "2026-01-01T12:00:00Z", procedure: "laminotomy",
    level: null, surgeon: o.surgeon ?? "Mr A Surgeon", hospital: null, ward, wardId: await wardIdFor(db, ward), bed: "9", delayReason: null,
    consultantSanction: null, preopReviewAt: null, consentRecorded: true, bsrRegistered: true, catheterisedBeforeSurgery: true,
  }, o.now);
  return { patient, episode };
}

export function reminder(episodeId: number, kind: ReminderKind, dueAt: string, audience: DerivedReminder["audience"], channel: DerivedReminder["channel"], rules = ["F1"]): DerivedReminder {
  return { key: reminderKey(episodeId, kind, dueAt), episodeId, kind, audience, channel, dueAt: new Date(dueAt).toISOString(), overdueAt: null, rules, reason: "test" };
}

/** Inserts reminders for an episode the way refreshReminders does. */
export async function schedule(db: Db, episodeId: number, patientId: number, list: DerivedReminder[], now: string): Promise<void> {
  await db.transaction((trx) => applyDerived(trx, episodeId, patientId, list, now));
}

/** Text messages kept in memory (the demo patient at home has a mobile number). */
export function memoryTexts(): TextTransport & { sent: TextMessage[] } {
  const sent: TextMessage[] = [];
  return { description: "memory", sent, send: async (m) => { sent.push(m); return { messageId: `text-${m.reference}`, emlFile: null }; }, close: () => undefined };
}

export function dispatcher(db: Db, transport: MailTransport, clock: () => Date, extra: Partial<DispatcherOptions> = {}): Dispatcher {
  return new Dispatcher({
    db, transport, texts: memoryTexts(), clock, refreshAfterFiring: false,
    settings: { baseUrl: "http://localhost:3000", secret: "test-secret", from: "Spinal team <no-reply@example.nhs.uk>" },
    retry: DEFAULT_RETRY,
    ...extra,
  });
}

/** Emails kept in memory: the messages a transport was handed. */
export function memoryMail(): MailTransport & { sent: { to: string; subject: string }[] } {
  const sent: { to: string; subject: string }[] = [];
  return {
    description: "memory", sent, close: () => undefined,
    send: async (m, _file, reference) => { sent.push({ to: String(m.to), subject: String(m.subject) }); return { messageId: `mail-${reference}`, emlFile: null }; },
  };
}
