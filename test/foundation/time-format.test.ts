import assert from "node:assert/strict";
import { describe, test } from "node:test";
import { formatCalendarDate, formatDate, formatDateTime, formatTime } from "../../src/time.ts";

// What the formatters printed before they remembered their answers per minute.
const zone = "Europe/London";
const direct = {
  dateTime: (d: Date) => {
    const name = new Intl.DateTimeFormat("en-GB", { timeZone: zone, timeZoneName: "short" }).formatToParts(d).find((p) => p.type === "timeZoneName")!.value;
    const text = new Intl.DateTimeFormat("en-GB", { timeZone: zone, weekday: "short", day: "numeric", month: "short", year: "numeric", hour: "2-digit", minute: "2-digit", hourCycle: "h23" }).format(d);
    return `${text} ${name === "GMT+1" ? "BST" : name}`;
  },
  date: (d: Date) => new Intl.DateTimeFormat("en-GB", { timeZone: zone, day: "numeric", month: "long", year: "numeric" }).format(d),
  time: (d: Date) => new Intl.DateTimeFormat("en-GB", { timeZone: zone, hour: "2-digit", minute: "2-digit", hourCycle: "h23" }).format(d),
};

function check(ms: number): void {
  const d = new Date(ms);
  for (const input of [d.toISOString(), d]) {
    assert.equal(formatDateTime(input), direct.dateTime(d), `formatDateTime ${d.toISOString()}`);
    assert.equal(formatDate(input), direct.date(d), `formatDate ${d.toISOString()}`);
    assert.equal(formatTime(input), direct.time(d), `formatTime ${d.toISOString()}`);
  }
}

describe("London formatting, remembered per minute", () => {
  test("prints what the time-zone database says, second by second across both clock changes and midnight", () => {
    for (const around of ["2026-03-29T01:00:00Z", "2026-10-25T01:00:00Z", "2026-11-24T23:59:00Z", "2026-06-30T23:00:00Z"]) {
      const at = Date.parse(around);
      for (let s = -3 * 3600; s <= 3 * 3600; s += 37) check(at + s * 1000);
      for (const edge of [-1, 0, 1, 59_999, 60_000]) check(at + edge);
    }
  });

  test("the same minute read again (from a string or a Date, with other seconds) prints the same", () => {
    const first = formatDateTime("2026-11-24T08:30:00Z");
    assert.match(first, /24 Nov 2026, 08:30 GMT$/);
    assert.equal(formatDateTime("2026-11-24T08:30:59.999Z"), first);
    assert.equal(formatDateTime(new Date("2026-07-01T07:30:10Z")), direct.dateTime(new Date("2026-07-01T07:30:10Z")));
    assert.match(formatDateTime("2026-07-01T07:30:10Z"), / BST$/);
    assert.equal(formatTime("2026-07-01T07:30:10+01:00"), "07:30");
  });

  test("many more minutes than it remembers, then early ones again, still print right", () => {
    const start = Date.parse("2025-01-01T00:00:00Z");
    for (let i = 0; i < 12_000; i += 1) formatTime(new Date(start + i * 60_000));
    for (let i = 0; i < 12_000; i += 997) check(start + i * 60_000 + 1234);
  });

  test("before 1900 and invalid instants behave as before: formatted directly, invalid ones throw", () => {
    check(Date.parse("1850-06-01T12:00:30Z"));
    check(Date.parse("1899-12-31T23:59:59Z"));
    assert.throws(() => formatDateTime("not a time"), RangeError);
    assert.throws(() => formatDate("not a time"), RangeError);
    assert.throws(() => formatTime(new Date(Number.NaN)), RangeError);
  });

  test("calendar dates print with no zone shift, and a bad one still throws", () => {
    assert.equal(formatCalendarDate("2026-03-29"), "29 March 2026");
    assert.equal(formatCalendarDate("2026-03-29"), "29 March 2026");
    assert.equal(formatCalendarDate("1970-01-01"), "1 January 1970");
    assert.throws(() => formatCalendarDate("2026-02-30x"), RangeError);
    assert.throws(() => formatCalendarDate("2026-02-30x"), RangeError);
  });
});
