/** Europe/London display and entry of instants. Everything is stored in UTC. */
import { type LondonParts, londonParts as pathwayLondonParts } from "./pathway/time.ts";

export const ZONE = "Europe/London";

/** Wall-clock fields of a London time (the rule engine's reading, less its offset). */
export type LocalParts = Omit<LondonParts, "offsetMinutes">;

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

// Reading the time-zone database is the slow part of formatting, and screens format the same
// minutes over and over (every row of a board, every event of a chart). What these functions print
// depends only on the London minute (the zone's offsets and dates have changed on whole minutes
// since 1900), so each remembers the text per minute of the instants it has formatted.
const MINUTE_MS = 60_000;
const REMEMBER_FROM = Date.UTC(1900, 0, 1);
const REMEMBER_AT_MOST = 5000;

function perMinute(format: (at: Date) => string): (instant: string | Date) => string {
  const texts = new Map<number, string>();
  return (instant) => {
    const ms = new Date(instant).getTime();
    // Before 1900 (local mean time) and invalid instants (which throw) are formatted every time.
    if (!(ms >= REMEMBER_FROM)) return format(new Date(ms));
    const minute = Math.floor(ms / MINUTE_MS);
    let text = texts.get(minute);
    if (text === undefined) {
      text = format(new Date(ms));
      if (texts.size >= REMEMBER_AT_MOST) texts.clear();
      texts.set(minute, text);
    }
    return text;
  };
}

/** "Tue 24 Nov 2026, 08:30 GMT" */
export const formatDateTime: (instant: string | Date) => string = perMinute((at) => `${dateTimeFormatter.format(at)} ${zoneAbbreviation(at)}`);

/** "24 November 2026" for an instant, in London. */
export const formatDate: (instant: string | Date) => string = perMinute((at) => dateFormatter.format(at));

/** "24 November 2026" for a calendar date (YYYY-MM-DD), with no time-zone shift. */
const calendarDateFormatter = new Intl.DateTimeFormat("en-GB", { timeZone: "UTC", day: "numeric", month: "long", year: "numeric" });
const calendarDates = new Map<string, string>();
export function formatCalendarDate(date: string): string {
  let text = calendarDates.get(date);
  if (text === undefined) {
    text = calendarDateFormatter.format(new Date(`${date}T00:00:00Z`));
    if (calendarDates.size >= REMEMBER_AT_MOST) calendarDates.clear();
    calendarDates.set(date, text);
  }
  return text;
}

/** "08:30" */
export const formatTime: (instant: string | Date) => string = perMinute((at) => timeFormatter.format(at));

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
