import { PathwayInputError } from "./errors.ts";

export const MINUTE_MS = 60_000;
export const HOUR_MS = 60 * MINUTE_MS;

const INSTANT = /^(\d{4})-(\d{2})-(\d{2})T(\d{2}):(\d{2})(?::(\d{2})(\.\d{1,9})?)?(Z|[+-]\d{2}:\d{2})$/;
const NO_OFFSET = /^\d{4}-\d{2}-\d{2}[T ]\d{2}:\d{2}(:\d{2}(\.\d+)?)?$/;
const DATE = /^(\d{4})-(\d{2})-(\d{2})$/;
const MONTHS = [
  "January", "February", "March", "April", "May", "June",
  "July", "August", "September", "October", "November", "December",
];

export function isLeapYear(year: number): boolean {
  return (year % 4 === 0 && year % 100 !== 0) || year % 400 === 0;
}

export function daysInMonth(year: number, month: number): number {
  return [31, isLeapYear(year) ? 29 : 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31][month - 1];
}

function validDate(y: number, mo: number, d: number): boolean {
  return y >= 1900 && y <= 2999 && mo >= 1 && mo <= 12 && d >= 1 && d <= daysInMonth(y, mo);
}

function requireString(value: unknown, field: string): string {
  if (value === undefined || value === null || value === "") {
    throw new PathwayInputError("missing-field", field, `${field} is required.`);
  }
  if (typeof value !== "string") {
    throw new PathwayInputError("invalid-value", field, `${field} must be text, for example "2026-03-29T14:00:00+01:00".`);
  }
  return value;
}

/**
 * Parse an ISO 8601 instant that carries an offset ("Z" or "+01:00") into epoch milliseconds.
 * A time without an offset is refused: it is ambiguous across the clock changes.
 */
export function parseInstant(value: unknown, field: string): number {
  const text = requireString(value, field);
  const m = INSTANT.exec(text);
  if (!m) {
    if (NO_OFFSET.test(text)) {
      throw new PathwayInputError(
        "missing-offset",
        field,
        `${field} "${text}" has no UTC offset: add one, e.g. "${text.replace(" ", "T")}+01:00" in summer or "Z" in winter.`,
      );
    }
    throw new PathwayInputError(
      "invalid-time",
      field,
      `${field} "${text}" is not a date and time; use the form 2026-03-29T14:00:00+01:00.`,
    );
  }
  const [y, mo, d, h, mi] = [m[1], m[2], m[3], m[4], m[5]].map(Number);
  const s = m[6] === undefined ? 0 : Number(m[6]);
  const ms = m[7] === undefined ? 0 : Math.floor(Number(`0${m[7]}`) * 1000);
  const zone = m[8];
  const sign = zone.startsWith("-") ? -1 : 1;
  const offH = zone === "Z" ? 0 : Number(zone.slice(1, 3));
  const offM = zone === "Z" ? 0 : Number(zone.slice(4, 6));
  if (!(validDate(y, mo, d) && h <= 23 && mi <= 59 && s <= 59 && offH <= 14 && offM <= 59)) {
    throw new PathwayInputError(
      "invalid-time",
      field,
      `${field} "${text}" is not a real date and time (years 1900-2999, hours 00-23, minutes and seconds 00-59).`,
    );
  }
  return Date.UTC(y, mo - 1, d, h, mi, s, ms) - sign * (offH * 60 + offM) * MINUTE_MS;
}

export interface CalendarDate {
  year: number;
  month: number;
  day: number;
}

/** Parse a calendar date YYYY-MM-DD. */
export function parseDate(value: unknown, field: string): CalendarDate {
  const text = requireString(value, field);
  const m = DATE.exec(text);
  if (!m || !validDate(Number(m[1]), Number(m[2]), Number(m[3]))) {
    throw new PathwayInputError("invalid-date", field, `${field} "${text}" is not a real date in the form YYYY-MM-DD.`);
  }
  return { year: Number(m[1]), month: Number(m[2]), day: Number(m[3]) };
}

/** A calendar date plus whole days (negative to go back). */
export function addDays(date: CalendarDate, days: number): CalendarDate {
  const d = new Date(Date.UTC(date.year, date.month - 1, date.day + days));
  return { year: d.getUTCFullYear(), month: d.getUTCMonth() + 1, day: d.getUTCDate() };
}

export function formatDate(date: CalendarDate): string {
  return `${String(date.year).padStart(4, "0")}-${pad(date.month)}-${pad(date.day)}`;
}

function pad(n: number): string {
  return String(n).padStart(2, "0");
}

const LONDON = new Intl.DateTimeFormat("en-GB", {
  timeZone: "Europe/London",
  hourCycle: "h23",
  year: "numeric",
  month: "2-digit",
  day: "2-digit",
  hour: "2-digit",
  minute: "2-digit",
  second: "2-digit",
});

export interface LondonParts {
  year: number;
  month: number;
  day: number;
  hour: number;
  minute: number;
  second: number;
  offsetMinutes: number;
}

/** The offset in force in Europe/London at an instant, read from the time-zone database. */
function zoneOffsetMinutes(epochMs: number): number {
  const p: Record<string, string> = {};
  for (const part of LONDON.formatToParts(new Date(epochMs))) p[part.type] = part.value;
  const asUtc = Date.UTC(Number(p.year), Number(p.month) - 1, Number(p.day), Number(p.hour), Number(p.minute), Number(p.second));
  return (asUtc - epochMs) / MINUTE_MS;
}

// Europe/London has only ever changed its offset on a whole UTC hour, so one look-up serves the
// whole hour. Reading the zone database is slow; screens format thousands of instants a second.
const OFFSET_SLOTS = 4096;
const offsetHours = new Float64Array(OFFSET_SLOTS).fill(Number.NaN);
const offsetValues = new Int16Array(OFFSET_SLOTS);

function londonOffsetMinutes(epochMs: number): number {
  const hour = Math.floor(epochMs / HOUR_MS);
  const slot = ((hour % OFFSET_SLOTS) + OFFSET_SLOTS) % OFFSET_SLOTS;
  if (offsetHours[slot] !== hour) {
    offsetValues[slot] = zoneOffsetMinutes(hour * HOUR_MS);
    offsetHours[slot] = hour;
  }
  return offsetValues[slot];
}

/** Wall-clock time in Europe/London at an instant, and the offset in force then. */
export function londonParts(epochMs: number): LondonParts {
  const whole = Math.floor(epochMs / 1000) * 1000;
  const offsetMinutes = londonOffsetMinutes(whole);
  const local = new Date(whole + offsetMinutes * MINUTE_MS);
  return {
    year: local.getUTCFullYear(),
    month: local.getUTCMonth() + 1,
    day: local.getUTCDate(),
    hour: local.getUTCHours(),
    minute: local.getUTCMinutes(),
    second: local.getUTCSeconds(),
    offsetMinutes,
  };
}

/** "2026-03-29T03:00:00+01:00": the instant in Europe/London with that moment's offset, to the second. */
export function formatLondon(epochMs: number): string {
  const t = londonParts(epochMs);
  // Europe/London has had no negative offset since 1847 and parseInstant accepts 1900 onwards.
  const off = `+${pad(Math.floor(t.offsetMinutes / 60))}:${pad(t.offsetMinutes % 60)}`;
  return `${t.year}-${pad(t.month)}-${pad(t.day)}T${pad(t.hour)}:${pad(t.minute)}:${pad(t.second)}${off}`;
}

/** "14:00 on 29 March 2026" (Europe/London), for reasons a person reads. */
export function describeLondon(epochMs: number): string {
  const t = londonParts(epochMs);
  return `${pad(t.hour)}:${pad(t.minute)} on ${t.day} ${MONTHS[t.month - 1]} ${t.year}`;
}

/** Whole millilitres in the plausible range 0..3000; anything else is a data-entry error. */
export function requireVolume(value: unknown, field: string): number {
  if (value === undefined || value === null) {
    throw new PathwayInputError("missing-field", field, `${field} is required (whole millilitres, 0 to 3000).`);
  }
  if (typeof value !== "number" || !Number.isInteger(value) || value < 0 || value > 3000) {
    throw new PathwayInputError(
      "invalid-volume",
      field,
      `${field} ${String(value)} is not a plausible volume: enter whole millilitres from 0 to 3000.`,
    );
  }
  return value;
}

/** Minutes as "4 h", "3 h 30 min", "30 min". */
export function describeMinutes(minutes: number): string {
  const h = Math.floor(minutes / 60);
  const m = minutes % 60;
  if (h === 0) return `${m} min`;
  return m === 0 ? `${h} h` : `${h} h ${m} min`;
}
