import type { Db } from "../db/knex.ts";
import { loadFollowup, type FollowupView } from "../followup/state.ts";
import { REFERRAL_NAMES } from "../followup/model.ts";
import { classifyMedication } from "../pathway/medication-review.ts";
import { CATHETER_STATUS_NAMES, type Episode, type Patient, PROCEDURE_NAMES } from "../patients/model.ts";
import { formatCalendarDate, formatDateTime, londonDate } from "../time.ts";
import { formatNhsNumber } from "../pathway/nhs-number.ts";
import { findUser } from "../auth/users.ts";
import { addressLines, findServiceDetails } from "./letterhead.ts";
import type { LetterKind, Recipient } from "./model.ts";
import { flagText } from "./wording.ts";

const PRESENTATION_TEXT = {
  "CES-I": "CES-I (incomplete cauda equina syndrome)",
  "CES-R": "CES-R (painless urinary retention with overflow incontinence)",
} as const;
const SEX_NAMES = { female: "Female", male: "Male", indeterminate: "Indeterminate", "not-known": "Not known" } as const;
const TWOC_STATUS = { "not-started": "Not started", "in-progress": "In progress", passed: "Passed", failed: "Failed", review: "Clinical review" } as const;

/** Everything a letter states, as display text, taken from the record at one moment. */
export interface LetterFacts {
  kind: LetterKind;
  date: string; // London date, display
  patient: { name: string; familyName: string; givenName: string; nhsNumber: string; dateOfBirth: string; sex: string };
  /** The address is one line ("5 Castle Street, Pontefract"); addressLines as typed, line by line. */
  gp: { name: string; address: string; addressLines: string[]; email: string };
  recipient: { name: string; department: string; address: string; email: string; phone: string } | null;
  /** The sending service, from the details an admin keeps; blank parts are empty strings. */
  letterhead: { hospital: string; department: string; addressLines: string[]; phone: string };
  /** The episode's responsible consultant, by name; empty when none is linked. */
  consultant: string;
  /** The clinician ticked "copy to the GP" (never on the GP's own letter). */
  ccGp: boolean;
  surgery: {
    presentation: string;
    mriAt: string;
    anaesthesiaStartAt: string;
    surgeryDate: string;
    procedure: string;
    level: string;
    surgeon: string;
    hospital: string;
    discharged: string;
    destination: string;
    catheterAtDischarge: string;
  };
  bladder: {
    twocStatus: string;
    twocRules: string[];
    twocReason: string;
    events: { at: string; event: string; volume: string; detail: string }[];
    failedTwoc: boolean;
    management: string;
    flipFlow: string;
    flipFlowOpenings: number;
    iscReferred: boolean;
    iscTaught: boolean;
    u7FollowUpArranged: boolean;
  };
  bowel: { regime: string[]; ongoing: string; details: string; done: string[] };
  pain: {
    phase: string;
    chronicFrom: string;
    medications: { name: string; dose: string; started: string; flags: string[] }[];
    unclassified: string[];
    neuropathic: string;
    details: string;
  };
  sexual: { ongoing: string; details: string };
  psychological: { ongoing: string; details: string };
  reassessment: { date: string; bowel: string; sexual: string; outcome: string; referral: string } | null;
  appointment: string;
  indicated: boolean;
  reasons: { rule: string; text: string }[];
  gpDrugReview: string;
  referrer: { name: string; date: string };
  freeText: string;
}

const yesNo = (v: boolean | undefined | null) => (v === true ? "Yes" : v === false ? "No" : "Not recorded");
const issueText = (view: FollowupView, domain: string) => {
  const s = view.sections.find((x) => x.domain === domain)!;
  return { ongoing: s.issue ? (s.issue.ongoing ? "Yes" : "No") : "Not recorded", details: s.issue?.details ?? "" };
};
const FINDING = { yes: "Issue found", no: "No issue", "not-assessed": "Not re-assessed" } as const;

function bladderEvents(view: FollowupView) {
  const rows: LetterFacts["bladder"]["events"] = [];
  for (const e of view.ward.events) {
    if (e.type === "flip-flow-opening") continue; // counted, not listed
    const at = formatDateTime(e.at);
    if (e.type === "catheter-removed") rows.push({ at, event: "Catheter removed", volume: "", detail: "" });
    else if (e.type === "scan")
      rows.push({
        at,
        event: e.phase === "post-void" ? "Post-void scan" : "Pre-void scan",
        volume: `${e.volumeMl} ml`,
        detail: e.sensationToVoid === undefined ? "" : e.sensationToVoid ? "Sensation to void" : "No sensation to void",
      });
    else if (e.type === "void") rows.push({ at, event: "Void", volume: e.volumeMl === undefined ? "" : `${e.volumeMl} ml`, detail: "" });
    else if (e.type === "recatheterised") rows.push({ at, event: "Re-catheterised", volume: "", detail: e.catheterType === "long-term-flip-flow" ? "Long-term catheter with flip-flow valve" : "Catheter" });
  }
  return rows;
}

/** The facts for a letter, from the follow-up view (which reads the engine's answers). */
export async function letterFacts(
  db: Db,
  kind: LetterKind,
  episode: Episode,
  patient: Patient,
  recipient: Recipient | null,
  author: string,
  freeText: string | null,
  nowIso: string,
  ccGp = false,
): Promise<LetterFacts> {
  const view = await loadFollowup(db, episode, nowIso);
  const ward = view.ward;
  const flipFlow = ward.flipFlow;
  const openings = ward.events.filter((e) => e.type === "flip-flow-opening").length;
  const catheter = episode.discharge ? CATHETER_STATUS_NAMES[episode.discharge.catheterStatus] : null;
  const management = catheter
    ? `At discharge: ${catheter}`
    : flipFlow
      ? "Long-term catheter with a flip-flow valve (inpatient)"
      : "Inpatient; no long-term catheter recorded";
  const latest = view.reassessments[0] ?? null;
  const service = await findServiceDetails(db);
  const consultant = episode.consultantUserId ? await findUser(db, episode.consultantUserId) : null;
  const laxatives = view.current.filter((m) => classifyMedication(m.name)?.classes.has("laxative")).map((m) => `${m.name}${m.dose ? `, ${m.dose}` : ""}`);
  return {
    kind,
    date: formatCalendarDate(londonDate(nowIso)),
    patient: {
      name: `${patient.givenName} ${patient.familyName}`,
      familyName: patient.familyName,
      givenName: patient.givenName,
      nhsNumber: formatNhsNumber(patient.nhsNumber),
      dateOfBirth: formatCalendarDate(patient.dateOfBirth),
      sex: SEX_NAMES[patient.sex],
    },
    gp: { name: patient.gp.name ?? "Not recorded", address: addressLines(patient.gp.address).join(", "), addressLines: addressLines(patient.gp.address), email: patient.gp.email ?? "" },
    recipient: recipient
      ? { name: recipient.name, department: recipient.department ?? "", address: addressLines(recipient.address).join(", "), email: recipient.email ?? "", phone: recipient.phone ?? "" }
      : null,
    letterhead: { hospital: service.hospital ?? "", department: service.department ?? "", addressLines: addressLines(service.address), phone: service.phone ?? "" },
    consultant: consultant?.displayName ?? "",
    ccGp: ccGp && kind !== "gp",
    surgery: {
      presentation: PRESENTATION_TEXT[episode.presentation],
      mriAt: formatDateTime(episode.mriAt),
      anaesthesiaStartAt: formatDateTime(episode.anaesthesiaStartAt),
      surgeryDate: formatCalendarDate(view.surgeryDate),
      procedure: PROCEDURE_NAMES[episode.procedure],
      level: episode.level ?? "Not recorded",
      surgeon: episode.surgeon ?? "Not recorded",
      hospital: episode.hospital ?? "Not recorded",
      discharged: episode.discharge ? formatDateTime(episode.discharge.dischargedAt) : "Not yet discharged",
      destination: episode.discharge?.destination ?? "",
      catheterAtDischarge: catheter ?? "Not yet discharged",
    },
    bladder: {
      twocStatus: TWOC_STATUS[ward.twoc.status],
      twocRules: ward.twoc.rules,
      twocReason: ward.twoc.reason,
      events: bladderEvents(view),
      failedTwoc: ward.failedTwoc,
      management,
      flipFlow: flipFlow ? `Open the valve every ${formatHours(flipFlow.intervalMinutes)} by the clock, including overnight (F1, F3)` : "None",
      flipFlowOpenings: openings,
      iscReferred: ward.iscReferred,
      iscTaught: ward.iscTaught,
      u7FollowUpArranged: ward.u7FollowUpArranged,
    },
    bowel: {
      regime: laxatives,
      ...issueText(view, "bowel"),
      done: view.sections.find((s) => s.domain === "bowel")!.items.filter((i) => i.done).map((i) => i.rule),
    },
    pain: {
      phase: view.phase === "chronic" ? "Chronic" : "Acute",
      chronicFrom: formatCalendarDate(view.chronicFrom),
      medications: view.current.map((m) => ({
        name: m.name,
        dose: m.dose ?? "",
        started: formatCalendarDate(m.startedOn),
        flags: [...m.flags.map(flagText), ...(m.unclassified ? ["Not recognised by the medication review: please check it against the pathway."] : [])],
      })),
      unclassified: view.unclassified,
      neuropathic: issueText(view, "pain").ongoing,
      details: issueText(view, "pain").details,
    },
    sexual: issueText(view, "sexual"),
    psychological: issueText(view, "psychological"),
    reassessment: latest
      ? {
          date: formatCalendarDate(latest.appointmentDate),
          bowel: FINDING[latest.bowel],
          sexual: FINDING[latest.sexual],
          outcome: latest.outcome,
          referral: REFERRAL_NAMES[latest.referral],
        }
      : null,
    appointment: view.appointment ? formatDateTime(view.appointment.at) : "Not booked",
    indicated: view.sci.indicated,
    reasons: view.sci.reasons,
    gpDrugReview: view.gpDrugReview ? `${formatCalendarDate(view.gpDrugReview.from)} and ${formatCalendarDate(view.gpDrugReview.to)}` : "",
    referrer: { name: author, date: formatCalendarDate(londonDate(nowIso)) },
    freeText: freeText ?? "",
  };
}

export { yesNo };

/** 240 -> "4 hours", 210 -> "3 h 30 min". */
function formatHours(minutes: number): string {
  const h = Math.floor(minutes / 60);
  const m = minutes % 60;
  return m === 0 ? `${h} hour${h === 1 ? "" : "s"}` : `${h} h ${m} min`;
}
