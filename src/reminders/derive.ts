/**
 * Which reminders an episode has, as a pure function of its state and "now" (rule book, section 8).
 * Clinical timings are read from the rule engine's answers (assessTwoc's noVoidDeadline,
 * assessFlipFlow, chronicPhaseStarts); the only timings decided here are when to tell people,
 * and each says so in its reason.
 */
import { assessFlipFlow } from "../pathway/index.ts";
import { chronicPhaseStarts, gpDrugReviewWindow } from "../pathway/pain.ts";
import { londonDate, londonLocalToInstant } from "../time.ts";

export type Audience = "patient" | "ward" | "clinician" | "gp";
export type Channel = "email" | "sms" | "screen";

export const REMINDER_KINDS = [
  "twoc-no-void-deadline",
  "flipflow-opening",
  "flipflow-opening-patient",
  "flipflow-missed",
  "gp-drug-review",
  "pain-chronic-review",
  "outpatient-reassessment",
  "outpatient-appointment-patient",
  "u7-follow-up",
  "sci-referral-outstanding",
] as const;
export type ReminderKind = (typeof REMINDER_KINDS)[number];

export interface DerivedReminder {
  key: string;
  episodeId: number;
  kind: ReminderKind;
  audience: Audience;
  channel: Channel;
  /** UTC ISO instant. */
  dueAt: string;
  /** When the item counts as overdue, if later than dueAt (P4: after 14 days). */
  overdueAt: string | null;
  rules: string[];
  reason: string;
  /**
   * When a message of this reminder stops being useful (never sent from then on): a patient's
   * opening reminder once the next opening is due, an appointment reminder at the appointment.
   * Absent or null: no natural end.
   */
  usefulUntil?: string | null;
}

/** What derivation reads. Plain data: the loader fills it from the ward and follow-up features. */
export interface EpisodeState {
  episode: {
    id: number;
    ward: string | null;
    anaesthesiaStartAt: string;
    dischargedAt: string | null;
  };
  patient: {
    email: string | null;
    emailConsent: boolean;
    emailOptedOutAt: string | null;
    /** UK mobile (+447...), consent to texts and a text opt-out; absent means none. */
    mobile?: string | null;
    smsConsent?: boolean;
    smsOptedOutAt?: string | null;
  };
  ward: {
    events: { type: string; at: string }[];
    twoc: { status: string; rules: string[]; noVoidDeadline: string | null };
    flipFlow: { intervalMinutes: number; startedAt: string; nextOpeningAt: string | null; lastOpeningAt: string | null } | null;
    failedTwoc: boolean;
    u7FollowUpArranged: boolean;
  } | null;
  followup: {
    painPhase: string;
    chronicFrom: string;
    outpatientAppointmentAt: string | null;
    reassessmentDone: boolean;
    sciReferral: {
      indicated: boolean;
      reasons: { rules?: string[]; rule?: string }[] | unknown[];
      sentAt: string | null;
      /** When the ongoing symptoms behind the indication were recorded (after discharge); null: known at discharge. */
      indicatedAt?: string | null;
    };
  } | null;
}

const HOUR = 3600_000;
/** How far ahead patients' flip-flow reminders are derived; the scheduler re-derives as they fire. */
export const PATIENT_OPENINGS_AHEAD_MS = 24 * HOUR;
/** Appointment emails go the day before (a service decision, not a clinical one). */
export const APPOINTMENT_NOTICE_MS = 24 * HOUR;
/** Local time at which day-based reminders fall due (and the daily digest is sent). */
export const DAY_REMINDER_TIME = "08:00";

const utc = (instant: string): string => new Date(instant).toISOString();

/** Email and screen items keep the key they always had; a text message's key says so. */
export function reminderKey(episodeId: number, kind: ReminderKind, dueAt: string, channel: Channel = "email"): string {
  return `${episodeId}:${kind}:${utc(dueAt)}${channel === "sms" ? ":sms" : ""}`;
}

/** A patient may be emailed: an address, consent, and no opt-out. */
export function patientEmailable(p: EpisodeState["patient"]): boolean {
  return Boolean(p.email) && p.emailConsent && !p.emailOptedOutAt;
}

/** A patient may be sent texts: a mobile number, consent, and no STOP. */
export function patientTextable(p: EpisodeState["patient"]): boolean {
  return Boolean(p.mobile) && p.smsConsent === true && !p.smsOptedOutAt;
}


/**
 * The UTC instant of a London wall-clock time on a date. In March's skipped hour the time an
 * hour later is used (the clock reads that time first); in October's repeated hour, the first.
 */
export function londonInstant(date: string, time: string): string {
  const r = londonLocalToInstant(date, time);
  if (r.ok) return r.instant;
  const [h, m] = time.split(":").map(Number);
  const later = londonLocalToInstant(date, `${String(h + 1).padStart(2, "0")}:${String(m).padStart(2, "0")}`);
  if (!later.ok) throw new Error(`No London time ${date} ${time}`);
  return later.instant;
}

export function deriveReminders(state: EpisodeState, nowIso: string): DerivedReminder[] {
  const out: DerivedReminder[] = [];
  const id = state.episode.id;
  const add = (kind: ReminderKind, audience: Audience, channel: Channel, dueAt: string, rules: string[], reason: string, overdueAt: string | null = null, usefulUntil: string | null = null) =>
    out.push({ key: reminderKey(id, kind, dueAt, channel), episodeId: id, kind, audience, channel, dueAt: utc(dueAt), overdueAt: overdueAt && utc(overdueAt), rules, reason, usefulUntil: usefulUntil && utc(usefulUntil) });
  const now = Date.parse(nowIso);
  const inpatient = !state.episode.dischargedAt;
  const ward = state.ward;
  const emailPatient = patientEmailable(state.patient);
  const textPatient = patientTextable(state.patient);

  // U4: the engine's no-void deadline while a TWOC is open. A pass or failure clears it.
  if (ward && inpatient && ward.twoc.noVoidDeadline && (ward.twoc.status === "in-progress" || ward.twoc.status === "review")) {
    add("twoc-no-void-deadline", "ward", "email", ward.twoc.noVoidDeadline, ["U4"],
      "No void for 6 hours fails the TWOC (U4): check the patient now if no void has been recorded.");
  }

  // F1: openings by the clock, from the engine's flip-flow assessment (the same as the ward's page).
  if (ward?.flipFlow?.nextOpeningAt) {
    const ff = ward.flipFlow;
    const next = ff.nextOpeningAt!;
    // The grid from the next opening is the schedule's own grid; the last opening is what F1 counts from.
    const flipFlow = assessFlipFlow({
      schedule: { intervalMinutes: ff.intervalMinutes, firstOpeningAt: next, startedAt: ff.startedAt },
      openings: ff.lastOpeningAt && Date.parse(ff.lastOpeningAt) < Date.parse(next) ? [{ at: ff.lastOpeningAt }] : [],
      now: nowIso,
      // Patients are told of openings from an hour ago (not later) to a day after the next one.
      window: { pastMs: HOUR, aheadMs: Math.max(0, Date.parse(next) - now) + PATIENT_OPENINGS_AHEAD_MS },
    });
    if (inpatient) {
      add("flipflow-opening", "ward", "screen", next, ["F1", "F3"], `Open the flip-flow valve (every ${ff.intervalMinutes} min by the clock, F1/F3).`);
      // The engine's missedAt: when the ward's page first says the opening was missed.
      add("flipflow-missed", "ward", "email", flipFlow.missedAt, ["F1"],
        "No flip-flow opening recorded in time: 4 hours since the last one, or the next is already due (F1: open at least every 4 hours).");
    }
    // A reminder of one opening is no use once the next is due: the next slot of the schedule's own grid.
    const nextSlot = (at: string) => new Date(Date.parse(at) + ff.intervalMinutes * 60_000).toISOString();
    if (emailPatient) {
      for (const slot of flipFlow.slots) {
        add("flipflow-opening-patient", "patient", "email", slot.at, ["F1"], "Reminder to the patient at each opening time (F1), consent given.", null, nextSlot(slot.at));
      }
    }
    // At home the patient opens the valve: a text at each opening time of the schedule (elapsed gaps).
    if (textPatient && !inpatient) {
      for (const slot of flipFlow.slots) {
        add("flipflow-opening-patient", "patient", "sms", slot.at, ["F1"], "Text reminder to the patient at home at each opening time (F1), consent given.", null, nextSlot(slot.at));
      }
    }
  }

  // U7: a failed TWOC needs SCI or urology follow-up; outstanding from the failed attempt.
  if (ward?.failedTwoc && !ward.u7FollowUpArranged) {
    const removals = ward.events.filter((e) => e.type === "catheter-removed").map((e) => utc(e.at)).sort();
    const since = removals.at(-1) ?? state.episode.anaesthesiaStartAt;
    add("u7-follow-up", "clinician", "screen", since, ["U7"], "Failed TWOC: arrange follow-up with the regional SCI service or local urology (U7).");
  }

  // P4: the GP reviews the drugs 1-2 weeks after discharge (acute phase).
  const surgeryDate = londonDate(state.episode.anaesthesiaStartAt);
  const chronicFrom = state.followup?.chronicFrom ?? chronicPhaseStarts(surgeryDate);
  const review = state.episode.dischargedAt ? gpDrugReviewWindow(surgeryDate, londonDate(state.episode.dischargedAt)) : null;
  if (review) {
    add("gp-drug-review", "clinician", "screen", londonInstant(review.from, DAY_REMINDER_TIME), ["P4"],
      "Check the GP has reviewed the pain medicines 1-2 weeks after discharge (P4); overdue after 14 days.", londonInstant(review.to, DAY_REMINDER_TIME));
  }

  // P5-P8: the pain phase turns chronic 3 calendar months after surgery.
  add("pain-chronic-review", "clinician", "screen", londonInstant(chronicFrom, DAY_REMINDER_TIME), ["P5", "P6", "P7", "P8"],
    "The pain phase is chronic from today: review the medication (no opioids P5; no gabapentinoids, anti-epileptics, oral steroids or benzodiazepines P6; consider a root block P7; spinal cord stimulation referral if persistent neuropathic pain P8).");

  // B6, X4: re-assess bowel and sexual function at the surgical outpatient appointment.
  const appointment = state.followup?.outpatientAppointmentAt ?? null;
  if (appointment && !state.followup!.reassessmentDone) {
    add("outpatient-reassessment", "clinician", "screen", appointment, ["B6", "X4"],
      "Re-assess bowel (B6) and sexual function (X4) at the surgical outpatient appointment.");
    const notice = new Date(Date.parse(appointment) - APPOINTMENT_NOTICE_MS).toISOString();
    if (emailPatient && Date.parse(appointment) > now) {
      add("outpatient-appointment-patient", "patient", "email", notice, ["B6", "X4"], "Appointment reminder to the patient the day before, consent given.", null, appointment);
    }
    if (textPatient && Date.parse(appointment) > now) {
      add("outpatient-appointment-patient", "patient", "sms", notice, ["B6", "X4"], "Appointment text to the patient the day before, consent given.", null, appointment);
    }
  }

  // R1: ongoing symptoms after surgery recorded and no SCI referral sent. Symptoms are "ongoing" from
  // discharge: due at discharge when indicated by then, otherwise when the indication is recorded.
  const sci = state.followup?.sciReferral;
  const discharged = state.episode.dischargedAt;
  if (sci?.indicated && !sci.sentAt && discharged) {
    const dueAt = sci.indicatedAt && Date.parse(sci.indicatedAt) > Date.parse(discharged) ? sci.indicatedAt : discharged;
    add("sci-referral-outstanding", "clinician", "screen", dueAt, ["R1"],
      "Ongoing symptoms are recorded and no referral to the SCI unit has been sent (R1): due from discharge, or from when the symptoms were recorded if later.");
  }
  return out;
}
