/** The emails reminders become for staff (patients' messages: messages.ts). */
import fs from "node:fs";
import path from "node:path";
import Handlebars from "handlebars";
import { viewsDir } from "../paths.ts";
import { formatDate, formatDateTime } from "../time.ts";
import type { ReminderKind } from "./derive.ts";

export interface OutboxMessage {
  key: string;
  reminderId: number | null;
  patientId: number | null;
  episodeId: number | null;
  kind: string;
  recipient: string;
  /** email (the default) or sms: a text message to recipient, a mobile number, of `text`. */
  channel?: "email" | "sms";
  subject: string;
  text: string;
  html: string | null;
  headers: Record<string, string> | null;
  attachments: { filename: string; contentType: string; content: string }[] | null;
  /**
   * When the message stops being useful: at or after this instant it is never sent but closed as
   * expired (outbox.ts). Absent or null: it does not expire.
   */
  usefulUntil?: string | null;
}

export interface EmailSettings {
  baseUrl: string;
  secret: string;
}

const text = Handlebars.create();
const html = Handlebars.create();
const cache = new Map<string, HandlebarsTemplateDelegate>();

/** Renders views/<folder>/<name>.hbs: HTML-escaped when the name ends in .html, plain text otherwise. */
export function renderTemplate(folder: "emails" | "messages", name: string, data: Record<string, unknown>): string {
  const file = path.join(viewsDir, folder, `${name}.hbs`);
  let template = cache.get(file);
  if (!template) {
    const source = fs.readFileSync(file, "utf8");
    template = name.endsWith(".html") ? html.compile(source, { strict: true }) : text.compile(source, { noEscape: true, strict: true });
    cache.set(file, template);
  }
  return template(data);
}

const render = (name: string, data: Record<string, unknown>) => renderTemplate("emails", name, data);

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
