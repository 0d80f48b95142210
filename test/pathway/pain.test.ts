import { test, describe } from "node:test";
import assert from "node:assert/strict";
import { painPhase } from "../../src/pathway/index.ts";
import { chronicPhaseStarts, gpDrugReviewWindow } from "../../src/pathway/pain.ts";
import { throwsInput } from "./helpers.ts";

describe("P3-P8 pain phase: chronic from surgery date + 3 calendar months", () => {
  const table: [string, string, "acute" | "chronic"][] = [
    ["2026-01-15", "2026-01-15", "acute"],
    ["2026-01-15", "2026-04-14", "acute"],
    ["2026-01-15", "2026-04-15", "chronic"],
    ["2026-01-31", "2026-04-29", "acute"],
    ["2026-01-31", "2026-04-30", "chronic"],
    ["2026-11-30", "2027-02-27", "acute"],
    ["2026-11-30", "2027-02-28", "chronic"],
    ["2027-11-30", "2028-02-28", "acute"],
    ["2027-11-30", "2028-02-29", "chronic"],
    ["2027-11-29", "2028-02-29", "chronic"],
    ["2028-02-29", "2028-05-28", "acute"],
    ["2028-02-29", "2028-05-29", "chronic"],
    ["2026-10-31", "2027-01-30", "acute"],
    ["2026-10-31", "2027-01-31", "chronic"],
    ["2026-12-31", "2027-03-30", "acute"],
    ["2026-12-31", "2027-03-31", "chronic"],
    ["2026-03-31", "2026-06-30", "chronic"],
    ["2026-01-15", "2030-01-01", "chronic"],
  ];
  for (const [surgery, on, phase] of table) {
    test(`P3/P5 phase: surgery ${surgery}, on ${on} -> ${phase}`, () => {
      assert.equal(painPhase(surgery, on), phase);
    });
  }
  test("P5: the first chronic day, with month-end clamping", () => {
    assert.equal(chronicPhaseStarts("2026-01-31"), "2026-04-30");
    assert.equal(chronicPhaseStarts("2027-11-30"), "2028-02-29");
    assert.equal(chronicPhaseStarts("2026-11-30"), "2027-02-28");
    assert.equal(chronicPhaseStarts("2026-10-05"), "2027-01-05");
  });
  test("P3 PathwayInputError: date before surgery, bad dates", () => {
    throwsInput(() => painPhase("2026-01-15", "2026-01-14"), "date-before-surgery", "onDate");
    throwsInput(() => painPhase("2026-02-30", "2026-03-01"), "invalid-date", "surgeryDate");
    throwsInput(() => painPhase("2026-01-15", "15/04/2026"), "invalid-date", "onDate");
    throwsInput(() => painPhase("2026-01-15", "2026-04-15T10:00:00Z"), "invalid-date", "onDate");
    throwsInput(() => painPhase(undefined as unknown as string, "2026-04-15"), "missing-field", "surgeryDate");
  });
});

describe("P4 GP drug review: 1-2 weeks after a discharge in the acute phase", () => {
  const table: [string, string, string, { from: string; to: string } | null][] = [
    ["discharged on the surgery day", "2026-01-15", "2026-01-15", { from: "2026-01-22", to: "2026-01-29" }],
    ["discharged the day before the phase turns chronic (the review falls after it)", "2026-01-15", "2026-04-14", { from: "2026-04-21", to: "2026-04-28" }],
    ["discharged on the first chronic day", "2026-01-15", "2026-04-15", null],
    ["month end: 30 Nov surgery, discharged 27 Feb (acute to 27 Feb)", "2026-11-30", "2027-02-27", { from: "2027-03-06", to: "2027-03-13" }],
    ["month end: 30 Nov surgery, discharged 28 Feb (chronic)", "2026-11-30", "2027-02-28", null],
    ["across a year end", "2026-12-20", "2026-12-28", { from: "2027-01-04", to: "2027-01-11" }],
    ["across 29 February in a leap year", "2028-02-01", "2028-02-25", { from: "2028-03-03", to: "2028-03-10" }],
  ];
  for (const [name, surgery, discharged, window] of table) {
    test(`P4: ${name}`, () => assert.deepEqual(gpDrugReviewWindow(surgery, discharged), window));
  }
  test("P4: a discharge dated before the surgery counts from the surgery day", () => {
    assert.deepEqual(gpDrugReviewWindow("2026-01-15", "2026-01-14"), { from: "2026-01-22", to: "2026-01-29" });
  });
  test("P4 PathwayInputError: a date that is not a date", () => {
    throwsInput(() => gpDrugReviewWindow("2026-01-15", "2026-02-30"), "invalid-date", "dischargeDate");
    throwsInput(() => gpDrugReviewWindow("15/01/2026", "2026-02-01"), "invalid-date", "surgeryDate");
  });
});
