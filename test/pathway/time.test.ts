import { test, describe } from "node:test";
import assert from "node:assert/strict";
import fc from "fast-check";
import {
  formatLondon,
  parseInstant,
  parseDate,
  describeLondon,
  describeMinutes,
  requireVolume,
  daysInMonth,
} from "../../src/pathway/time.ts";
import { throwsInput } from "./helpers.ts";

describe("time: instants with offsets (Europe/London)", () => {
  const formats: [string, string][] = [
    ["2026-01-15T12:00:00Z", "2026-01-15T12:00:00+00:00"],
    ["2026-07-15T12:00:00Z", "2026-07-15T13:00:00+01:00"],
    ["2026-03-29T00:59:59Z", "2026-03-29T00:59:59+00:00"],
    ["2026-03-29T01:00:00Z", "2026-03-29T02:00:00+01:00"],
    ["2026-10-25T00:59:59Z", "2026-10-25T01:59:59+01:00"],
    ["2026-10-25T01:00:00Z", "2026-10-25T01:00:00+00:00"],
    ["2026-07-15T12:00:00.999+01:00", "2026-07-15T12:00:00+01:00"],
    ["2026-07-15T08:30-04:00", "2026-07-15T13:30:00+01:00"],
    ["2026-12-31T23:30:00-01:00", "2027-01-01T00:30:00+00:00"],
  ];
  for (const [input, expected] of formats) {
    test(`formatLondon(${input}) -> ${expected}`, () => {
      assert.equal(formatLondon(parseInstant(input, "at")), expected);
    });
  }

  test("describeLondon reads as a person would", () => {
    assert.equal(describeLondon(parseInstant("2026-03-29T13:05:00Z", "at")), "14:05 on 29 March 2026");
  });

  const bad: [string, unknown, string][] = [
    ["no offset", "2026-03-29T14:00:00", "missing-offset"],
    ["no offset, space separator", "2026-03-29 14:00", "missing-offset"],
    ["date only", "2026-03-29", "invalid-time"],
    ["words", "yesterday at two", "invalid-time"],
    ["30 February", "2026-02-30T10:00:00Z", "invalid-time"],
    ["month 13", "2026-13-01T10:00:00Z", "invalid-time"],
    ["hour 24", "2026-03-29T24:00:00Z", "invalid-time"],
    ["minute 60", "2026-03-29T10:60:00Z", "invalid-time"],
    ["second 60", "2026-03-29T10:00:60Z", "invalid-time"],
    ["offset +15:00", "2026-03-29T10:00:00+15:00", "invalid-time"],
    ["offset minutes 60", "2026-03-29T10:00:00+01:60", "invalid-time"],
    ["year 1899", "1899-12-31T10:00:00Z", "invalid-time"],
    ["year 3000", "3000-01-01T10:00:00Z", "invalid-time"],
    ["a number", 1774785600000, "invalid-value"],
    ["missing", undefined, "missing-field"],
    ["null", null, "missing-field"],
    ["empty", "", "missing-field"],
  ];
  for (const [name, value, code] of bad) {
    test(`PathwayInputError ${code}: ${name}`, () => {
      throwsInput(() => parseInstant(value, "at"), code, "at");
    });
  }
});

describe("time: dates, volumes, minutes", () => {
  test("leap years: February has 29 days in 2028 and 2000, 28 in 2026 and 1900", () => {
    assert.equal(daysInMonth(2028, 2), 29);
    assert.equal(daysInMonth(2000, 2), 29);
    assert.equal(daysInMonth(2026, 2), 28);
    assert.equal(daysInMonth(1900, 2), 28);
  });
  test("parseDate accepts 2028-02-29 and refuses 2027-02-29", () => {
    assert.deepEqual(parseDate("2028-02-29", "d"), { year: 2028, month: 2, day: 29 });
    throwsInput(() => parseDate("2027-02-29", "d"), "invalid-date", "d");
    throwsInput(() => parseDate("29/02/2028", "d"), "invalid-date", "d");
  });
  test("requireVolume: whole millilitres 0..3000", () => {
    assert.equal(requireVolume(0, "v"), 0);
    assert.equal(requireVolume(3000, "v"), 3000);
    for (const v of [3001, -1, 1.5, Number.NaN, "100"]) throwsInput(() => requireVolume(v, "v"), "invalid-volume", "v");
    throwsInput(() => requireVolume(undefined, "v"), "missing-field", "v");
  });
  test("describeMinutes", () => {
    assert.equal(describeMinutes(30), "30 min");
    assert.equal(describeMinutes(240), "4 h");
    assert.equal(describeMinutes(210), "3 h 30 min");
  });
});

describe("time: the cached Europe/London offset agrees with the zone database", () => {
  const zone = new Intl.DateTimeFormat("en-GB", {
    timeZone: "Europe/London", hourCycle: "h23", year: "numeric", month: "2-digit", day: "2-digit",
    hour: "2-digit", minute: "2-digit", second: "2-digit",
  });
  const expected = (ms: number) => {
    const p = Object.fromEntries(zone.formatToParts(new Date(ms)).map((x) => [x.type, x.value]));
    return `${p.year}-${p.month}-${p.day}T${p.hour}:${p.minute}:${p.second}`;
  };

  test("every second either side of the 2026 clock changes, and random instants 1900-2999", () => {
    const changes = [Date.UTC(2026, 2, 29, 1), Date.UTC(2026, 9, 25, 1)];
    const instants = changes.flatMap((c) => Array.from({ length: 7201 }, (_, i) => c - 3600_000 + i * 1000));
    fc.assert(fc.property(fc.integer({ min: Date.UTC(1900, 0, 1), max: Date.UTC(2999, 11, 31) }), (ms) => {
      assert.equal(formatLondon(ms).slice(0, 19), expected(Math.floor(ms / 1000) * 1000));
    }), { numRuns: 2000 });
    for (const ms of instants) assert.equal(formatLondon(ms).slice(0, 19), expected(ms));
  });
});
