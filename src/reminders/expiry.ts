/**
 * When a time-bound message stops being useful, and what staff read when one is closed unsent.
 * A message is expired from its useful-until instant on (at exactly that instant it is expired):
 * a reminder of an opening is no use once the next opening is due.
 */
import { formatDateTime, londonDate } from "../time.ts";
import { DAY_REMINDER_TIME, londonInstant } from "./derive.ts";

/** True at or after `usefulUntil`; never for a message with no end (null). */
export function pastUseful(usefulUntil: string | null | undefined, nowIso: string): boolean {
  return Boolean(usefulUntil) && Date.parse(nowIso) >= Date.parse(usefulUntil!);
}

/** Staff-only words for why an expired message was not sent (never shown to the patient). */
export function expiryReason(kind: string, usefulUntil: string): string {
  const at = formatDateTime(usefulUntil);
  switch (kind) {
    case "flipflow-opening-patient":
      return `Not sent: the next flip-flow opening was already due at ${at}`;
    case "outpatient-appointment-patient":
      return `Not sent: the appointment time had already passed (${at})`;
    case "digest":
      return `Not sent: the next daily digest was already due at ${at}`;
    default:
      return `Not sent: no longer useful after ${at}`;
  }
}

/**
 * A daily digest of overdue items (queued from 08:00 London) is useful until the next day's digest
 * is due: that one lists whatever is still overdue, so an older list would only repeat or mislead.
 */
export function digestUsefulUntil(date: string): string {
  const next = new Date(Date.parse(`${date}T12:00:00Z`) + 24 * 3600_000).toISOString();
  return londonInstant(londonDate(next), DAY_REMINDER_TIME);
}
