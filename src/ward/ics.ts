import { londonParts } from "../time.ts";

/**
 * A small RFC 5545 calendar of flip-flow openings in Europe/London. Each opening is its own event
 * (elapsed time, not a wall-clock RRULE, so a clock change never stretches a gap). In October's
 * repeated hour a local time is ambiguous, so the second (GMT) occurrence is written in UTC.
 */
const VTIMEZONE = [
  "BEGIN:VTIMEZONE",
  "TZID:Europe/London",
  "X-LIC-LOCATION:Europe/London",
  "BEGIN:DAYLIGHT",
  "TZOFFSETFROM:+0000",
  "TZOFFSETTO:+0100",
  "TZNAME:BST",
  "DTSTART:19810329T010000",
  "RRULE:FREQ=YEARLY;BYMONTH=3;BYDAY=-1SU",
  "END:DAYLIGHT",
  "BEGIN:STANDARD",
  "TZOFFSETFROM:+0100",
  "TZOFFSETTO:+0000",
  "TZNAME:GMT",
  "DTSTART:19961027T020000",
  "RRULE:FREQ=YEARLY;BYMONTH=10;BYDAY=-1SU",
  "END:STANDARD",
  "END:VTIMEZONE",
];

function pad(n: number): string {
  return String(n).padStart(2, "0");
}

function utcStamp(ms: number): string {
  const d = new Date(ms);
  return `${d.getUTCFullYear()}${pad(d.getUTCMonth() + 1)}${pad(d.getUTCDate())}T${pad(d.getUTCHours())}${pad(d.getUTCMinutes())}${pad(d.getUTCSeconds())}Z`;
}

/** DTSTART in London local time, or in UTC when that local time happens twice. */
function dtStart(ms: number): string {
  const p = londonParts(new Date(ms));
  const hourEarlier = londonParts(new Date(ms - 3600_000));
  const repeated = hourEarlier.hour === p.hour && hourEarlier.day === p.day;
  if (repeated) return `DTSTART:${utcStamp(ms)}`;
  return `DTSTART;TZID=Europe/London:${p.year}${pad(p.month)}${pad(p.day)}T${pad(p.hour)}${pad(p.minute)}${pad(p.second)}`;
}

export function escapeText(text: string): string {
  return text.replace(/\\/g, "\\\\").replace(/;/g, "\\;").replace(/,/g, "\\,").replace(/\r?\n/g, "\\n");
}

/** Folds a content line at 75 octets (RFC 5545 3.1), never inside a UTF-8 character. */
export function fold(line: string): string {
  const bytes = Buffer.from(line, "utf8");
  if (bytes.length <= 75) return line;
  const parts: string[] = [];
  let start = 0;
  let limit = 75;
  while (start < bytes.length) {
    let end = Math.min(start + limit, bytes.length);
    while (end < bytes.length && (bytes[end] & 0xc0) === 0x80) end--;
    parts.push(bytes.subarray(start, end).toString("utf8"));
    start = end;
    limit = 74; // continuation lines start with a space
  }
  return parts.join("\r\n ");
}

export interface CalendarOpening {
  at: string; // UTC ISO
}

export function flipFlowCalendar(opts: { openings: CalendarOpening[]; uidPrefix: string; now: string; summary: string; description: string }): string {
  const stamp = utcStamp(Date.parse(opts.now));
  const lines = ["BEGIN:VCALENDAR", "VERSION:2.0", "PRODID:-//CES follow-up//Flip-flow openings//EN", "CALSCALE:GREGORIAN", "METHOD:PUBLISH", `X-WR-CALNAME:${escapeText(opts.summary)}`, "X-WR-TIMEZONE:Europe/London", ...VTIMEZONE];
  for (const o of opts.openings) {
    const ms = Date.parse(o.at);
    lines.push(
      "BEGIN:VEVENT",
      `UID:${opts.uidPrefix}-${utcStamp(ms)}@ces-follow-up`,
      `DTSTAMP:${stamp}`,
      dtStart(ms),
      "DURATION:PT10M",
      `SUMMARY:${escapeText(opts.summary)}`,
      `DESCRIPTION:${escapeText(opts.description)}`,
      "BEGIN:VALARM",
      "ACTION:DISPLAY",
      `DESCRIPTION:${escapeText(opts.summary)}`,
      "TRIGGER:PT0M",
      "END:VALARM",
      "END:VEVENT",
    );
  }
  lines.push("END:VCALENDAR");
  return lines.map(fold).join("\r\n") + "\r\n";
}
