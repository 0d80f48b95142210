/** The emails reminders become. Patients' emails carry no clinical detail (see words.ts). */
import fs from "node:fs";
import path from "node:path";
import Handlebars from "handlebars";
import ical from "ical-generator";
import { viewsDir } from "../paths.ts";
import { formatDate, formatDateTime } from "../time.ts";
import type { ReminderKind } from "./derive.ts";
import { unsubscribeToken } from "./unsubscribe.ts";

export interface OutboxMessage {
  key: string;
  reminderId: number | null;
  patientId: number | null;
  episodeId: number | null;
  kind: string;
  recipient: string;
  subject: string;
  text: string;
  html: string | null;
  headers: Record<string, string> | null;
  attachments: { filename: string; contentType: string; content: string }[] | null;
}

export interface EmailSettings {
  baseUrl: string;
  secret: string;
}

const text = Handlebars.create();
const html = Handlebars.create();
const cache = new Map<string, HandlebarsTemplateDelegate>();

function render(name: string, data: Record<string, unknown>): string {
  let template = cache.get(name);
  if (!template) {
    const source = fs.readFileSync(path.join(viewsDir, "emails", `${name}.hbs`), "utf8");
    template = name.endsWith(".html") ? html.compile(source, { strict: true }) : text.compile(source, { noEscape: true, strict: true });
    cache.set(name, template);
  }
  return template(data);
}

/** What staff read for each kind of reminder (screens, ward alerts, digests). */
export const KIND_TITLES: Record<ReminderKind, string> = {
  "twoc-no-void-deadline": "TWOC no-void deadline passed",
  "flipflow-opening": "Flip-flow valve opening",
  "flipflow-opening-patient": "Flip-flow opening reminder to the patient",
  "flipflow-missed": "Flip-flow opening missed",
  "gp-drug-review": "GP drug review 1-2 weeks after discharge",
  "pain-chronic-review": "Pain phase now chronic: review medication",
  "outpatient-reassessment": "Outpatient re-assessment of bowel and sexual function",
  "outpatient-appointment-patient": "Appointment reminder to the patient",
  "u7-follow-up": "Failed TWOC: SCI or urology follow-up to arrange",
  "sci-referral-outstanding": "SCI referral outstanding",
};

export const PATIENT_SUBJECT = "A reminder from the spinal team";

export interface ReminderForEmail {
  id: number;
  key: string;
  kind: ReminderKind;
  episodeId: number;
  patientId: number;
  dueAt: string;
  rules: string[];
  reason: string;
}

export function unsubscribeUrls(settings: EmailSettings, patientId: number): { page: string; oneClick: string } {
  const token = unsubscribeToken(patientId, settings.secret);
  return { page: `${settings.baseUrl}/unsubscribe/${token}`, oneClick: `${settings.baseUrl}/api/v1/unsubscribe/${token}` };
}

/** A reminder email to a patient: the time, who it is from, a phone number, and a way to stop them. */
export function patientEmail(r: ReminderForEmail, to: string, phone: string, settings: EmailSettings, appointmentAt?: string): OutboxMessage {
  const urls = unsubscribeUrls(settings, r.patientId);
  const appointment = r.kind === "outpatient-appointment-patient" && appointmentAt;
  const data = { when: formatDateTime(appointment || r.dueAt), phone, unsubscribeUrl: urls.page };
  const template = appointment ? "patient-appointment" : "patient-reminder";
  return {
    key: r.key,
    reminderId: r.id,
    patientId: r.patientId,
    episodeId: r.episodeId,
    kind: r.kind,
    recipient: to,
    subject: PATIENT_SUBJECT,
    text: render(`${template}.text`, data),
    html: render(`${template}.html`, data),
    headers: { "List-Unsubscribe": `<${urls.oneClick}>`, "List-Unsubscribe-Post": "List-Unsubscribe=One-Click" },
    attachments: appointment ? [{ filename: "appointment.ics", contentType: "text/calendar; charset=utf-8; method=PUBLISH", content: appointmentIcs(r.key, appointment, phone) }] : null,
  };
}

/** An iCalendar file for an appointment: a time and who it is with, nothing clinical. */
export function appointmentIcs(uid: string, at: string, phone: string): string {
  const calendar = ical({ name: "Spinal team appointment", prodId: { company: "NHS", product: "Follow-up reminders" } });
  calendar.createEvent({
    id: `${uid.replace(/[^A-Za-z0-9]/g, "-")}@spinal-team`,
    start: new Date(at),
    end: new Date(Date.parse(at) + 30 * 60_000),
    summary: "Appointment with the spinal team",
    description: `Questions: call ${phone}`,
  });
  return calendar.toString();
}

export interface EpisodePlace {
  ward: string | null;
  bed: string | null;
}

export function placeText(p: EpisodePlace): string {
  return [p.ward, p.bed ? `bed ${p.bed}` : null].filter(Boolean).join(", ") || "Ward not recorded";
}

/** An immediate alert to a ward's address: where, what, the rule, and a link. No names. */
export function wardAlert(r: ReminderForEmail, to: string, place: EpisodePlace, settings: EmailSettings): OutboxMessage {
  const title = KIND_TITLES[r.kind];
  return {
    key: r.key,
    reminderId: r.id,
    patientId: null,
    episodeId: r.episodeId,
    kind: r.kind,
    recipient: to,
    subject: `${title}: ${placeText(place)}`,
    text: render("ward-alert.text", {
      title,
      where: placeText(place),
      when: formatDateTime(r.dueAt),
      reason: r.reason,
      rules: r.rules.join(", "),
      link: `${settings.baseUrl}/episodes/${r.episodeId}`,
      dueLink: `${settings.baseUrl}/due`,
    }),
    html: null,
    headers: null,
    attachments: null,
  };
}

export interface DigestItem {
  kind: ReminderKind;
  episodeId: number;
  dueAt: string;
  rules: string[];
  place: EpisodePlace;
}

/** The 08:00 digest of overdue items for a ward or a clinician. */
export function digestEmail(key: string, to: string, recipientName: string, date: string, items: DigestItem[], settings: EmailSettings): OutboxMessage {
  return {
    key,
    reminderId: null,
    patientId: null,
    episodeId: null,
    kind: "digest",
    recipient: to,
    subject: `Overdue follow-up items: ${items.length} (${formatDate(`${date}T12:00:00Z`)})`,
    text: render("digest.text", {
      recipientName,
      date: formatDate(`${date}T12:00:00Z`),
      count: items.length,
      dueLink: `${settings.baseUrl}/due`,
      items: items.map((i) => ({
        title: KIND_TITLES[i.kind],
        rules: i.rules.join(", "),
        where: placeText(i.place),
        when: formatDateTime(i.dueAt),
        link: `${settings.baseUrl}/episodes/${i.episodeId}`,
      })),
    }),
    html: null,
    headers: null,
    attachments: null,
  };
}
