/**
 * What patients receive: reminder and appointment messages by email and text, rendered from the
 * templates in views/messages. No clinical detail (words.ts), no name but the given name in a
 * text, the ward's or clinic's phone number in every one, the place for appointments, and a way to stop.
 */
import ical from "ical-generator";
import { formatDateTime } from "../time.ts";
import type { ReminderKind } from "./derive.ts";
import { type EmailSettings, type OutboxMessage, type ReminderForEmail, renderTemplate } from "./emails.ts";
import { stopTextsToken, unsubscribeToken } from "./unsubscribe.ts";

export const PATIENT_SUBJECT = "A reminder from the spinal team";
export const TEXT_SUBJECT = "Text message";
/** The name patient-facing pages and messages use: neutral, so a message seen by others discloses nothing. */
export const PATIENT_SERVICE_NAME = "Spinal team reminders";

export const PATIENT_KINDS: readonly ReminderKind[] = ["flipflow-opening-patient", "outpatient-appointment-patient"];

/** Who to call and, for an appointment, where it is. */
export interface PatientContact {
  givenName: string;
  phone: string;
  /** The clinic and its address (appointments). */
  place: string | null;
}

export function unsubscribeUrls(settings: EmailSettings, patientId: number): { page: string; oneClick: string } {
  const token = unsubscribeToken(patientId, settings.secret);
  return { page: `${settings.baseUrl}/unsubscribe/${token}`, oneClick: `${settings.baseUrl}/api/v1/unsubscribe/${token}` };
}

/** The short link in a text message that stops texts. */
export function stopTextsUrl(settings: EmailSettings, patientId: number): string {
  return `${settings.baseUrl}/stop/${stopTextsToken(patientId, settings.secret)}`;
}

function templateData(r: ReminderForEmail, contact: PatientContact, appointmentAt: string | undefined, stopUrl: string) {
  return { when: formatDateTime(appointmentAt ?? r.dueAt), phone: contact.phone, place: contact.place ?? "", givenName: contact.givenName, stopUrl };
}

const appointmentOf = (r: ReminderForEmail, appointmentAt?: string) => (r.kind === "outpatient-appointment-patient" && appointmentAt ? appointmentAt : undefined);

/** A reminder email to a patient: the time, who it is from, a phone number, the place, and a way to stop them. */
export function patientEmail(r: ReminderForEmail, to: string, contact: PatientContact, settings: EmailSettings, appointmentAt?: string): OutboxMessage {
  const urls = unsubscribeUrls(settings, r.patientId);
  const appointment = appointmentOf(r, appointmentAt);
  const data = templateData(r, contact, appointment, urls.page);
  const template = appointment ? "appointment" : "reminder";
  return {
    ...addressedToPatient(r, to),
    channel: "email",
    subject: PATIENT_SUBJECT,
    text: renderTemplate("messages", `${template}.email.text`, data),
    html: renderTemplate("messages", `${template}.email.html`, data),
    headers: { "List-Unsubscribe": `<${urls.oneClick}>`, "List-Unsubscribe-Post": "List-Unsubscribe=One-Click" },
    attachments: appointment
      ? [{ filename: "appointment.ics", contentType: "text/calendar; charset=utf-8; method=PUBLISH", content: appointmentIcs(r.key, appointment, contact) }]
      : null,
  };
}

/** Who a patient message is for and which reminder it carries (its outbox key). */
function addressedToPatient(r: ReminderForEmail, to: string) {
  return { key: r.key, reminderId: r.id, patientId: r.patientId, episodeId: r.episodeId, kind: r.kind, recipient: to };
}

/** A text message to a patient's mobile: given name only, the time, a phone number, the place, and how to stop. */
export function patientText(r: ReminderForEmail, to: string, contact: PatientContact, settings: EmailSettings, appointmentAt?: string): OutboxMessage {
  const appointment = appointmentOf(r, appointmentAt);
  const data = templateData(r, contact, appointment, stopTextsUrl(settings, r.patientId));
  return {
    ...addressedToPatient(r, to),
    channel: "sms",
    subject: TEXT_SUBJECT,
    text: renderTemplate("messages", appointment ? "appointment.sms" : "reminder.sms", data),
    html: null,
    headers: null,
    attachments: null,
  };
}

/** An iCalendar file for an appointment: a time, the place and who it is with, nothing clinical. */
export function appointmentIcs(uid: string, at: string, contact: Pick<PatientContact, "phone" | "place">): string {
  const calendar = ical({ name: "Spinal team appointment", prodId: { company: "NHS", product: "Follow-up reminders" } });
  calendar.createEvent({
    id: `${uid.replace(/[^A-Za-z0-9]/g, "-")}@spinal-team`,
    start: new Date(at),
    end: new Date(Date.parse(at) + 30 * 60_000),
    summary: "Appointment with the spinal team",
    location: contact.place ?? undefined,
    description: `Questions: call ${contact.phone}`,
  });
  return calendar.toString();
}
