import { test, describe } from "node:test";
import assert from "node:assert/strict";
import { surgicalRecordChecks, surgicalRecordFlags, type SurgicalRecord } from "../../src/pathway/index.ts";
import { throwsInput } from "./helpers.ts";

const complete: SurgicalRecord = {
  presentation: "CES-R",
  mriAt: "2026-07-01T09:00:00+01:00",
  anaesthesiaStartAt: "2026-07-01T14:00:00+01:00",
  preopReviewAt: "2026-07-01T11:00:00+01:00",
  consentRecorded: true,
  bsrRegistered: true,
  catheterisedBeforeSurgery: true,
};
const ids = (r: Partial<SurgicalRecord>) => surgicalRecordFlags({ ...complete, ...r }).map((f) => f.rule);

describe("S-DOC, S-CONSENT, S-BSR, S-CATH: recorded facts", () => {
  test("a complete record has no flags", () => assert.deepEqual(ids({}), []));
  const table: [string, Partial<SurgicalRecord>, string[]][] = [
    ["S-DOC: no pre-operative review", { preopReviewAt: undefined }, ["S-DOC"]],
    ["S-DOC: review after anaesthesia started", { preopReviewAt: "2026-07-01T14:01:00+01:00" }, ["S-DOC"]],
    ["S-DOC: review at the start of anaesthesia is in time", { preopReviewAt: "2026-07-01T14:00:00+01:00" }, []],
    ["S-CONSENT: not recorded", { consentRecorded: undefined }, ["S-CONSENT"]],
    ["S-CONSENT: false", { consentRecorded: false }, ["S-CONSENT"]],
    ["S-BSR: false", { bsrRegistered: false }, ["S-BSR"]],
    ["S-CATH: not recorded", { catheterisedBeforeSurgery: undefined }, ["S-CATH"]],
  ];
  for (const [name, change, expected] of table) test(name, () => assert.deepEqual(ids(change), expected));
  test("S-DOC message gives both times", () => {
    const [f] = surgicalRecordFlags({ ...complete, preopReviewAt: "2026-07-01T15:00:00+01:00" });
    assert.match(f.message, /15:00 on 1 July 2026.*14:00 on 1 July 2026/);
  });
});

describe("S-TIME-R: CES-R within 24 hours of MRI", () => {
  const mri = "2026-07-01T09:00:00+01:00";
  const table: [string, Partial<SurgicalRecord>, string[]][] = [
    ["S-TIME-R: exactly 24 h is within", { mriAt: mri, anaesthesiaStartAt: "2026-07-02T09:00:00+01:00" }, []],
    ["S-TIME-R: 24 h 1 min without a reason", { mriAt: mri, anaesthesiaStartAt: "2026-07-02T09:01:00+01:00" }, ["S-TIME-R"]],
    ["S-TIME-R: 24 h 1 min with a reason", { mriAt: mri, anaesthesiaStartAt: "2026-07-02T09:01:00+01:00", delayReason: "Theatre occupied by a trauma case" }, []],
    ["S-TIME-R: a blank reason is no reason", { mriAt: mri, anaesthesiaStartAt: "2026-07-02T09:01:00+01:00", delayReason: "   " }, ["S-TIME-R"]],
    ["S-TIME-I: CES-I is never flagged from times alone", { presentation: "CES-I", mriAt: mri, anaesthesiaStartAt: "2026-07-03T09:01:00+01:00" }, []],
  ];
  for (const [name, change, expected] of table) test(name, () => assert.deepEqual(ids(change), expected));
  test("S-TIME-R: the 24 h is elapsed time across 29 March 2026", () => {
    assert.deepEqual(ids({ preopReviewAt: "2026-03-28T11:00:00Z", mriAt: "2026-03-28T10:00:00+00:00", anaesthesiaStartAt: "2026-03-29T11:00:00+01:00" }), []);
    assert.deepEqual(ids({ preopReviewAt: "2026-03-28T11:00:00Z", mriAt: "2026-03-28T10:00:00+00:00", anaesthesiaStartAt: "2026-03-29T11:01:00+01:00" }), ["S-TIME-R"]);
  });
  test("S-TIME-R message gives the figures", () => {
    const [f] = surgicalRecordFlags({ ...complete, anaesthesiaStartAt: "2026-07-02T12:00:00+01:00" });
    assert.match(f.message, /about 27 h/);
  });
});

describe("S-NIGHT: anaesthesia from 00:00 to before 07:30 Europe/London needs consultant sanction", () => {
  const table: [string, string, boolean][] = [
    ["summer 23:59 BST", "2026-07-01T23:59:00+01:00", false],
    ["summer 00:00 BST", "2026-07-02T00:00:00+01:00", true],
    ["summer 07:29 BST", "2026-07-02T07:29:00+01:00", true],
    ["summer 07:29:59 BST", "2026-07-02T07:29:59+01:00", true],
    ["summer 07:30 BST", "2026-07-02T07:30:00+01:00", false],
    ["summer 06:30 UTC is 07:30 BST", "2026-07-02T06:30:00Z", false],
    ["summer 23:30 UTC is 00:30 BST", "2026-07-01T23:30:00Z", true],
    ["winter 00:00 GMT", "2026-12-02T00:00:00Z", true],
    ["winter 07:29 GMT", "2026-12-02T07:29:00Z", true],
    ["winter 07:30 GMT", "2026-12-02T07:30:00Z", false],
    ["winter 23:59 GMT", "2026-12-01T23:59:00Z", false],
  ];
  for (const [name, startAt, night] of table) {
    test(`S-NIGHT boundary: ${name} -> ${night ? "flag" : "no flag"}`, () => {
      const mriAt = new Date(Date.parse(startAt) - 3_600_000).toISOString();
      assert.deepEqual(ids({ mriAt, anaesthesiaStartAt: startAt }), night ? ["S-NIGHT"] : []);
      assert.deepEqual(ids({ mriAt, anaesthesiaStartAt: startAt, consultantSanction: true }), []);
      assert.deepEqual(ids({ mriAt, anaesthesiaStartAt: startAt, consultantSanction: false }), night ? ["S-NIGHT"] : []);
    });
  }
  test("S-NIGHT message gives the London time", () => {
    const [f] = surgicalRecordFlags({ ...complete, mriAt: "2026-07-01T22:00:00Z", anaesthesiaStartAt: "2026-07-01T23:30:00Z" });
    assert.match(f.message, /00:30 on 2 July 2026/);
  });
});

describe("S-* PathwayInputError", () => {
  const bad: [string, Partial<Record<keyof SurgicalRecord, unknown>>, string, string][] = [
    ["presentation", { presentation: "CES" }, "invalid-value", "presentation"],
    ["mriAt missing", { mriAt: undefined }, "missing-field", "mriAt"],
    ["anaesthesia without offset", { anaesthesiaStartAt: "2026-07-01T14:00:00" }, "missing-offset", "anaesthesiaStartAt"],
    ["anaesthesia before MRI", { anaesthesiaStartAt: "2026-07-01T08:59:00+01:00" }, "out-of-order", "anaesthesiaStartAt"],
    ["review unparseable", { preopReviewAt: "morning" }, "invalid-time", "preopReviewAt"],
    ["sanction not boolean", { consultantSanction: "yes" }, "invalid-value", "consultantSanction"],
    ["consent not boolean", { consentRecorded: 1 }, "invalid-value", "consentRecorded"],
    ["delay reason not text", { delayReason: 5 }, "invalid-value", "delayReason"],
  ];
  for (const [name, change, code, field] of bad) {
    test(`S-* PathwayInputError ${code}: ${name}`, () => {
      throwsInput(() => surgicalRecordFlags({ ...complete, ...change } as SurgicalRecord), code, field);
    });
  }
  test("S-* PathwayInputError: no record", () => {
    throwsInput(() => surgicalRecordFlags(null as unknown as SurgicalRecord), "missing-field", "record");
  });
});

describe("surgicalRecordChecks: every check that applies, met or flagged", () => {
  const rulesOf = (r: Partial<SurgicalRecord>) => {
    const c = surgicalRecordChecks({ ...complete, ...r });
    return { met: c.met.map((m) => m.rule), flagged: c.flagged.map((f) => f.rule), c };
  };
  test("CES-R within 24 h: all met, S-TIME-R chosen", () => {
    const { met, flagged, c } = rulesOf({});
    assert.deepEqual(met, ["S-DOC", "S-CONSENT", "S-BSR", "S-CATH", "S-TIME-R", "S-NIGHT"]);
    assert.deepEqual(flagged, []);
    assert.match(c.met[4].text, /within 24 hours/);
    for (const m of c.met) assert.ok(m.text.length > 10);
  });
  test("CES-R exactly 24 h after MRI is within; one minute more with a reason is met with the reason", () => {
    assert.match(rulesOf({ anaesthesiaStartAt: "2026-07-02T09:00:00+01:00" }).c.met[4].text, /within 24 hours/);
    const late = rulesOf({ anaesthesiaStartAt: "2026-07-02T09:01:00+01:00", delayReason: "Theatre list" });
    assert.deepEqual(late.flagged, []);
    assert.match(late.c.met[4].text, /reason for the delay is recorded/);
  });
  test("CES-R late without a reason: S-TIME-R flagged with the engine's message", () => {
    const { met, flagged, c } = rulesOf({ anaesthesiaStartAt: "2026-07-02T09:01:00+01:00" });
    assert.deepEqual(flagged, ["S-TIME-R"]);
    assert.ok(!met.includes("S-TIME-R"));
    assert.match(c.flagged[0].text, /more than 24 hours after MRI/);
  });
  test("CES-I: S-TIME-I chosen, never flagged from times", () => {
    const { met, flagged } = rulesOf({ presentation: "CES-I", anaesthesiaStartAt: "2026-07-05T09:00:00+01:00" });
    assert.deepEqual(met, ["S-DOC", "S-CONSENT", "S-BSR", "S-CATH", "S-TIME-I", "S-NIGHT"]);
    assert.deepEqual(flagged, []);
  });
  test("flags keep the rule book's order", () => {
    const { met, flagged } = rulesOf({ consentRecorded: false, anaesthesiaStartAt: "2026-07-03T02:00:00+01:00", bsrRegistered: false });
    assert.deepEqual(flagged, ["S-CONSENT", "S-BSR", "S-TIME-R", "S-NIGHT"]);
    assert.deepEqual(met, ["S-DOC", "S-CATH"]);
  });
});
