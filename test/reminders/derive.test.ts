import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { assessFlipFlow, assessTwoc, flipFlowSchedule } from "../../src/pathway/index.ts";
import { deriveReminders, type EpisodeState } from "../../src/reminders/derive.ts";

function state(overrides: Partial<EpisodeState> = {}): EpisodeState {
  return {
    episode: { id: 7, ward: "Ward 3 (Spinal)", anaesthesiaStartAt: "2026-11-20T10:00:00.000Z", dischargedAt: null },
    patient: { email: "pat@example.com", emailConsent: true, emailOptedOutAt: null },
    ward: null,
    followup: null,
    ...overrides,
  };
}

function ward(overrides: Partial<NonNullable<EpisodeState["ward"]>> = {}): NonNullable<EpisodeState["ward"]> {
  return {
    events: [],
    twoc: { status: "not-started", rules: ["U1"], noVoidDeadline: null },
    flipFlow: null,
    failedTwoc: false,
    u7FollowUpArranged: false,
    ...overrides,
  };
}

const kinds = (list: { kind: string }[]) => list.map((r) => r.kind);
const only = (list: ReturnType<typeof deriveReminders>, kind: string) => list.filter((r) => r.kind === kind);

describe("reminder derivation", () => {
  it("reminds the ward of the engine's no-void deadline while a TWOC is open, keyed by episode, kind and UTC due time", () => {
    const now = "2026-11-24T10:00:00Z";
    const events = [{ type: "catheter-removed" as const, at: "2026-11-24T08:00:00Z" }];
    const twoc = assessTwoc(events, now);
    const list = deriveReminders(state({ ward: ward({ events, twoc }) }), now);
    const [u4] = only(list, "twoc-no-void-deadline");
    assert.equal(u4.dueAt, "2026-11-24T14:00:00.000Z");
    assert.equal(u4.key, "7:twoc-no-void-deadline:2026-11-24T14:00:00.000Z");
    assert.deepEqual([u4.audience, u4.channel, u4.rules], ["ward", "email", ["U4"]]);
  });

  it("a passed TWOC derives no deadline; a later void moves the deadline (new key)", () => {
    const removed = { type: "catheter-removed" as const, at: "2026-11-24T08:00:00Z" };
    const voided = { type: "void" as const, at: "2026-11-24T09:30:00Z" };
    const post = { type: "scan" as const, phase: "post-void" as const, volumeMl: 40, at: "2026-11-24T09:35:00Z" };
    const now = "2026-11-24T10:00:00Z";
    const moved = deriveReminders(state({ ward: ward({ events: [removed, voided], twoc: assessTwoc([removed, voided], now) }) }), now);
    assert.equal(only(moved, "twoc-no-void-deadline")[0].dueAt, "2026-11-24T15:30:00.000Z");
    const passed = deriveReminders(state({ ward: ward({ twoc: assessTwoc([removed, voided, post], now) }) }), now);
    assert.deepEqual(only(passed, "twoc-no-void-deadline"), []);
  });

  it("the deadline across the spring clock change is 6 elapsed hours (29 March 2026)", () => {
    const events = [{ type: "catheter-removed" as const, at: "2026-03-28T22:30:00Z" }];
    const now = "2026-03-28T23:00:00Z";
    const [u4] = only(deriveReminders(state({ ward: ward({ events, twoc: assessTwoc(events, now) }) }), now), "twoc-no-void-deadline");
    assert.equal(u4.dueAt, "2026-03-29T04:30:00.000Z"); // 05:30 BST, 6 h after 22:30 GMT
  });

  it("flip-flow: the ward's next opening, a missed alert at F1's 4 hours, and the patient's openings with elapsed 4 h gaps over 29 March", () => {
    const flipFlow = { intervalMinutes: 240, startedAt: "2026-03-28T18:00:00Z", lastOpeningAt: "2026-03-28T22:00:00Z", nextOpeningAt: "2026-03-29T02:00:00Z" };
    const now = "2026-03-28T23:00:00Z";
    const list = deriveReminders(state({ ward: ward({ flipFlow }) }), now);
    assert.equal(only(list, "flipflow-opening")[0].dueAt, "2026-03-29T02:00:00.000Z");
    const missed = only(list, "flipflow-missed");
    assert.equal(missed.length, 1);
    assert.equal(missed[0].dueAt, "2026-03-29T02:00:00.000Z");
    assert.deepEqual([missed[0].audience, missed[0].channel, missed[0].rules], ["ward", "email", ["F1"]]);
    const patient = only(list, "flipflow-opening-patient").map((r) => r.dueAt);
    const expected = flipFlowSchedule({ from: "2026-03-29T02:00:00Z", until: "2026-03-30T02:00:00Z", intervalMinutes: 240 }).map((t) => new Date(t).toISOString());
    assert.deepEqual(patient, expected);
    for (let i = 1; i < patient.length; i++) assert.equal(Date.parse(patient[i]) - Date.parse(patient[i - 1]), 4 * 3600_000);
  });

  for (const intervalMinutes of [60, 180, 240]) {
    it(`a patient's opening reminder is useful until the schedule's next opening (every ${intervalMinutes} min), across the clock change`, () => {
      const flipFlow = { intervalMinutes, startedAt: "2026-03-28T18:00:00Z", lastOpeningAt: "2026-03-28T22:00:00Z", nextOpeningAt: "2026-03-29T00:00:00Z" };
      const list = only(deriveReminders(state({ ward: ward({ flipFlow }) }), "2026-03-28T23:00:00Z"), "flipflow-opening-patient");
      assert.ok(list.length > 3);
      for (const r of list) assert.equal(Date.parse(r.usefulUntil!) - Date.parse(r.dueAt), intervalMinutes * 60_000, r.dueAt);
      for (let i = 1; i < list.length; i++) assert.equal(list[i - 1].usefulUntil, list[i].dueAt, "useful until the next one is due");
    });
  }

  it("a shorter schedule still alerts a missed opening only when 4 hours have passed since the last one", () => {
    const flipFlow = { intervalMinutes: 180, startedAt: "2026-11-24T06:00:00Z", lastOpeningAt: null, nextOpeningAt: "2026-11-24T09:00:00Z" };
    const list = deriveReminders(state({ ward: ward({ flipFlow }) }), "2026-11-24T07:00:00Z");
    assert.equal(only(list, "flipflow-missed")[0].dueAt, "2026-11-24T10:00:00.000Z");
    assert.equal(only(list, "flipflow-opening")[0].dueAt, "2026-11-24T09:00:00.000Z");
  });

  it("an hourly schedule alerts a missed opening when the next one is due, as the ward's page says missed (the engine's missedAt)", () => {
    const flipFlow = { intervalMinutes: 60, startedAt: "2026-11-24T06:00:00Z", lastOpeningAt: "2026-11-24T08:00:00Z", nextOpeningAt: "2026-11-24T09:00:00Z" };
    const now = "2026-11-24T08:30:00Z";
    const [missed] = only(deriveReminders(state({ ward: ward({ flipFlow }) }), now), "flipflow-missed");
    assert.equal(missed.dueAt, "2026-11-24T10:00:00.000Z");
    const page = assessFlipFlow({ schedule: { intervalMinutes: 60, firstOpeningAt: "2026-11-24T07:00:00Z", startedAt: flipFlow.startedAt }, openings: [{ at: "2026-11-24T07:00:00Z" }, { at: "2026-11-24T08:00:00Z" }], now });
    assert.equal(page.missedAt, missed.dueAt);
  });

  for (const [label, patient] of [
    ["no email address", { email: null, emailConsent: true, emailOptedOutAt: null }],
    ["no consent", { email: "a@example.com", emailConsent: false, emailOptedOutAt: null }],
    ["opted out", { email: "a@example.com", emailConsent: true, emailOptedOutAt: "2026-11-01T00:00:00Z" }],
  ] as const) {
    it(`no patient emails when the patient has ${label}`, () => {
      const flipFlow = { intervalMinutes: 240, startedAt: "2026-11-24T06:00:00Z", lastOpeningAt: null, nextOpeningAt: "2026-11-24T10:00:00Z" };
      const followup = { painPhase: "acute", chronicFrom: "2027-02-20", outpatientAppointmentAt: "2026-12-10T10:00:00Z", reassessmentDone: false, sciReferral: { indicated: false, reasons: [], sentAt: null } };
      const list = deriveReminders(state({ patient: { ...patient }, ward: ward({ flipFlow }), followup }), "2026-11-24T07:00:00Z");
      assert.deepEqual(list.filter((r) => r.audience === "patient"), []);
      assert.ok(kinds(list).includes("flipflow-opening"));
      assert.ok(kinds(list).includes("outpatient-reassessment"));
    });
  }

  it("P4: the GP drug review is due at 08:00 London 7 days after discharge and overdue after 14, across the spring change", () => {
    const list = deriveReminders(state({ episode: { id: 7, ward: null, anaesthesiaStartAt: "2026-03-20T10:00:00Z", dischargedAt: "2026-03-25T15:00:00Z" } }), "2026-03-26T10:00:00Z");
    const [p4] = only(list, "gp-drug-review");
    assert.equal(p4.dueAt, "2026-04-01T07:00:00.000Z"); // 08:00 BST
    assert.equal(p4.overdueAt, "2026-04-08T07:00:00.000Z");
    assert.deepEqual(p4.rules, ["P4"]);
  });

  it("P4 across the autumn change: 08:00 GMT", () => {
    const list = deriveReminders(state({ episode: { id: 7, ward: null, anaesthesiaStartAt: "2026-10-15T10:00:00Z", dischargedAt: "2026-10-20T23:30:00Z" } }), "2026-10-21T10:00:00Z");
    const [p4] = only(list, "gp-drug-review");
    // 23:30Z on 20 October is 00:30 BST on the 21st: the London date counts.
    assert.equal(p4.dueAt, "2026-10-28T08:00:00.000Z");
    assert.equal(p4.overdueAt, "2026-11-04T08:00:00.000Z");
  });

  it("P4: a discharge 3 days before the phase turns chronic still gets the check the GP letter asks for", () => {
    // Surgery 20 January: chronic from 20 April. Discharged 17 April (acute): review 24 April to 1 May.
    const list = deriveReminders(state({ episode: { id: 7, ward: null, anaesthesiaStartAt: "2026-01-20T10:00:00Z", dischargedAt: "2026-04-17T12:00:00Z" } }), "2026-04-18T10:00:00Z");
    const [p4] = only(list, "gp-drug-review");
    assert.equal(p4.dueAt, "2026-04-24T07:00:00.000Z");
    assert.equal(p4.overdueAt, "2026-05-01T07:00:00.000Z");
    const chronic = deriveReminders(state({ episode: { id: 7, ward: null, anaesthesiaStartAt: "2026-01-20T10:00:00Z", dischargedAt: "2026-04-20T12:00:00Z" } }), "2026-04-21T10:00:00Z");
    assert.deepEqual(only(chronic, "gp-drug-review"), [], "no P4 check after a chronic-phase discharge");
  });

  it("no P4 reminder before discharge", () => {
    assert.deepEqual(only(deriveReminders(state(), "2026-11-24T10:00:00Z"), "gp-drug-review"), []);
  });

  it("P5-P8: the chronic phase review falls on the engine's chronic date at 08:00 London", () => {
    const list = deriveReminders(state({ episode: { id: 7, ward: null, anaesthesiaStartAt: "2026-01-31T10:00:00Z", dischargedAt: null } }), "2026-02-01T10:00:00Z");
    const [chronic] = only(list, "pain-chronic-review");
    assert.equal(chronic.dueAt, "2026-04-30T07:00:00.000Z"); // 31 Jan + 3 months, clamped; 08:00 BST
    assert.deepEqual(chronic.rules, ["P5", "P6", "P7", "P8"]);
  });

  it("B6/X4: the clinician's re-assessment at the appointment and the patient's notice the day before, both gone once done", () => {
    const followup = { painPhase: "acute", chronicFrom: "2027-02-20", outpatientAppointmentAt: "2026-12-10T10:00:00Z", reassessmentDone: false, sciReferral: { indicated: false, reasons: [], sentAt: null } };
    const list = deriveReminders(state({ followup }), "2026-11-24T10:00:00Z");
    assert.equal(only(list, "outpatient-reassessment")[0].dueAt, "2026-12-10T10:00:00.000Z");
    const [notice] = only(list, "outpatient-appointment-patient");
    assert.equal(notice.dueAt, "2026-12-09T10:00:00.000Z");
    assert.equal(notice.audience, "patient");
    assert.equal(notice.usefulUntil, "2026-12-10T10:00:00.000Z", "useful until the appointment");
    assert.equal(only(list, "outpatient-reassessment")[0].usefulUntil, null, "staff items do not expire");
    const after = deriveReminders(state({ followup: { ...followup, reassessmentDone: true } }), "2026-12-10T12:00:00Z");
    assert.deepEqual(only(after, "outpatient-reassessment"), []);
    assert.deepEqual(only(after, "outpatient-appointment-patient"), []);
  });

  it("U7: outstanding after a failed TWOC until follow-up is arranged", () => {
    const events = [{ type: "catheter-removed", at: "2026-11-23T08:00:00Z" }];
    const failed = ward({ events, failedTwoc: true, twoc: { status: "failed", rules: ["U4"], noVoidDeadline: null } });
    const [u7] = only(deriveReminders(state({ ward: failed }), "2026-11-24T10:00:00Z"), "u7-follow-up");
    assert.deepEqual([u7.dueAt, u7.rules, u7.audience], ["2026-11-23T08:00:00.000Z", ["U7"], "clinician"]);
    assert.deepEqual(only(deriveReminders(state({ ward: { ...failed, u7FollowUpArranged: true } }), "2026-11-24T10:00:00Z"), "u7-follow-up"), []);
    assert.deepEqual(only(deriveReminders(state({ ward: failed }), "2026-11-24T10:00:00Z"), "twoc-no-void-deadline"), []);
  });

  it("R1: no item while an inpatient; due at discharge when indicated by then, or when the symptoms are recorded later; none once sent", () => {
    const followup = (sci: Record<string, unknown>) => ({ painPhase: "acute", chronicFrom: "2027-02-20", outpatientAppointmentAt: null, reassessmentDone: false, sciReferral: { indicated: true, reasons: [], sentAt: null, ...sci } });
    const discharged = { id: 7, ward: "Ward 3 (Spinal)", anaesthesiaStartAt: "2026-11-20T10:00:00.000Z", dischargedAt: "2026-11-23T15:00:00.000Z" };
    const r1 = (s: EpisodeState) => only(deriveReminders(s, "2026-11-24T10:00:00Z"), "sci-referral-outstanding");
    assert.deepEqual(r1(state({ followup: followup({ indicatedAt: null }) })), [], "not overdue from the hour of surgery: nothing while an inpatient");
    const atDischarge = r1(state({ episode: discharged, followup: followup({ indicatedAt: null }) }));
    assert.deepEqual(atDischarge.map((r) => [r.dueAt, r.rules]), [["2026-11-23T15:00:00.000Z", ["R1"]]]);
    assert.equal(r1(state({ episode: discharged, followup: followup({ indicatedAt: "2026-11-21T09:00:00Z" }) }))[0].dueAt, "2026-11-23T15:00:00.000Z", "recorded on the ward: due at discharge");
    assert.equal(r1(state({ episode: discharged, followup: followup({ indicatedAt: "2026-11-24T09:30:00Z" }) }))[0].dueAt, "2026-11-24T09:30:00.000Z", "recorded after discharge: due then");
    assert.deepEqual(r1(state({ episode: discharged, followup: followup({ sentAt: "2026-11-24T09:00:00Z" }) })), []);
  });

  it("derivation is deterministic: the same state gives the same keys", () => {
    const flipFlow = { intervalMinutes: 240, startedAt: "2026-11-24T06:00:00Z", lastOpeningAt: null, nextOpeningAt: "2026-11-24T10:00:00Z" };
    const s = state({ ward: ward({ flipFlow }) });
    const a = deriveReminders(s, "2026-11-24T07:00:00Z").map((r) => r.key);
    const b = deriveReminders(s, "2026-11-24T07:00:00Z").map((r) => r.key);
    assert.deepEqual(a, b);
    assert.equal(new Set(a).size, a.length);
  });
});
