/** Europe/London display and entry of instants. Everything is stored in UTC. */
import { londonParts as pathwayLondonParts } from "./pathway/time.ts";

export const ZONE = "Europe/London";

export interface LocalParts {
  year: number;
  month: number;
  day: number;
  hour: number;
  minute: number;
  second: number;
}

/** Wall-clock time in London at an instant (the rule engine's reading of the zone, cached per hour). */
export function londonParts(instant: string | Date): LocalParts {
  const { offsetMinutes: _offset, ...parts } = pathwayLondonParts(new Date(instant).getTime());
  return parts;
}

const dateTimeFormatter = new Intl.DateTimeFormat("en-GB", {
  timeZone: ZONE,
  weekday: "short",
  day: "numeric",
  month: "short",
  year: "numeric",
  hour: "2-digit",
  minute: "2-digit",
  hourCycle: "h23",
});
const dateFormatter = new Intl.DateTimeFormat("en-GB", { timeZone: ZONE, day: "numeric", month: "long", year: "numeric" });
const timeFormatter = new Intl.DateTimeFormat("en-GB", { timeZone: ZONE, hour: "2-digit", minute: "2-digit", hourCycle: "h23" });
const zoneNameFormatter = new Intl.DateTimeFormat("en-GB", { timeZone: ZONE, timeZoneName: "short" });

/** "Tue 24 Nov 2026, 08:30 GMT" */
export function formatDateTime(instant: string | Date): string {
  return `${dateTimeFormatter.format(new Date(instant))} ${zoneAbbreviation(instant)}`;
}

/** "24 November 2026" for an instant, in London. */
export function formatDate(instant: string | Date): string {
  return dateFormatter.format(new Date(instant));
}

/** "24 November 2026" for a calendar date (YYYY-MM-DD), with no time-zone shift. */
const calendarDateFormatter = new Intl.DateTimeFormat("en-GB", { timeZone: "UTC", day: "numeric", month: "long", year: "numeric" });
export function formatCalendarDate(date: string): string {
  return calendarDateFormatter.format(new Date(`${date}T00:00:00Z`));
}

/** "08:30" */
export function formatTime(instant: string | Date): string {
  return timeFormatter.format(new Date(instant));
}

/** "GMT" or "BST" */
export function zoneAbbreviation(instant: string | Date): string {
  const name = zoneNameFormatter.formatToParts(new Date(instant)).find((p) => p.type === "timeZoneName")?.value ?? "";
  return name === "GMT+1" ? "BST" : name;
}

/** Today's calendar date in London, YYYY-MM-DD. */
export function londonDate(instant: string | Date): string {
  const p = londonParts(instant);
  return `${p.year}-${pad(p.month)}-${pad(p.day)}`;
}

/** "5 h 20 min" / "45 min"; negative durations read as overdue by the caller. */
export function formatDuration(ms: number): string {
  const minutes = Math.floor(Math.abs(ms) / 60000);
  const h = Math.floor(minutes / 60);
  const m = minutes % 60;
  return h > 0 ? `${h} h ${m} min` : `${m} min`;
}

/** Which of October's two 01:xx times is meant: the first (BST) or the second (GMT). */
export type UkZone = "BST" | "GMT";

export type LocalTimeResult = { ok: true; instant: string; repeated: boolean } | { ok: false; reason: "invalid" | "nonexistent" };

/**
 * The UTC instant of a London wall-clock time. In October's repeated hour (`repeated`) the zone
 * chooses; without one the first (BST) occurrence is taken. In March's skipped hour there is no
 * such time and the caller says so.
 */
export function londonLocalToInstant(date: string, time: string, zone?: UkZone): LocalTimeResult {
  const d = /^(\d{4})-(\d{2})-(\d{2})$/.exec(date);
  const t = /^(\d{1,2}):(\d{2})$/.exec(time);
  if (!d || !t) return { ok: false, reason: "invalid" };
  const [year, month, day, hour, minute] = [d[1], d[2], d[3], t[1], t[2]].map(Number);
  if (hour > 23 || minute > 59) return { ok: false, reason: "invalid" };
  const asUtc = Date.UTC(year, month - 1, day, hour, minute);
  const check = new Date(asUtc);
  if (check.getUTCFullYear() !== year || check.getUTCMonth() !== month - 1 || check.getUTCDate() !== day) {
    return { ok: false, reason: "invalid" };
  }
  const matches = [1, 0]
    .map((offsetHours) => new Date(asUtc - offsetHours * 3600_000))
    .filter((candidate) => {
      const p = londonParts(candidate);
      return p.year === year && p.month === month && p.day === day && p.hour === hour && p.minute === minute;
    });
  if (matches.length === 0) return { ok: false, reason: "nonexistent" };
  const chosen = matches.length === 2 && zone === "GMT" ? matches[1] : matches[0];
  return { ok: true, instant: chosen.toISOString(), repeated: matches.length === 2 };
}

function pad(n: number): string {
  return String(n).padStart(2, "0");
}
