import type { Knex } from "knex";
import { type Db, readAll } from "../db/knex.ts";
import {
  catheterOrIscDependent,
  checklist,
  type ChecklistItem,
  type MedicationFlag,
  painPhase,
  type PainPhase,
  prohibitionStatus,
  type ProhibitionStatus,
  describeMedication,
  reviewMedications,
  type RuleId,
  type SciFindings,
  sciReferralReasons,
  type SharedIngredient,
} from "../pathway/index.ts";
import { chronicPhaseStarts, gpDrugReviewWindow } from "../pathway/pain.ts";
import { CATHETER_NOT_RECORDED, type Episode, surgeryDate } from "../patients/model.ts";
import { londonDate } from "../time.ts";
import type { Role } from "../web/routing.ts";
import { type Appointment, DOMAINS, FOLLOWUP_DOMAINS, type FollowupDomain, type Medication, type OngoingIssue, type Reassessment, type Tick } from "./model.ts";
import { appointmentFor, firstSentLetter, issuesFor, latestTicks, medicationsFor, reassessmentsFor } from "./repository.ts";
import { wardSummary, type WardSummary } from "./ward.ts";

export interface ChecklistRow extends ChecklistItem {
  tick: Tick | null;
  done: boolean;
  /** A prohibition's status from the medication review (P5, P6); null for a task. */
  status: ProhibitionStatus | null;
}

export interface FollowupSection {
  domain: FollowupDomain;
  title: string;
  rules: string;
  issueLabel: string;
  items: ChecklistRow[];
  issue: OngoingIssue | null;
}

export interface MedicationRow extends Medication {
  flags: MedicationFlag[];
  unclassified: boolean;
  /** Ingredients this medicine shares with another on the list (the total daily dose to check). */
  sharedIngredients: string[];
  /** What the medicine was recognised as, in words (undefined when not classified). */
  knownAs: string | undefined;
}

export interface SciStatus {
  indicated: boolean;
  reasons: { rule: RuleId; text: string }[];
  findings: SciFindings;
  sentAt: string | null;
  sentBy: string | null;
  letterId: number | null;
}

export interface FollowupView {
  today: string;
  surgeryDate: string;
  phase: PainPhase;
  chronicFrom: string;
  sections: FollowupSection[];
  appointment: Appointment | null;
  reassessments: Reassessment[];
  current: MedicationRow[];
  stopped: Medication[];
  unclassified: string[];
  /** Medicines on the list that share an ingredient: check the total daily dose (outside the pathway). */
  sharedIngredients: SharedIngredient[];
  sci: SciStatus;
  ward: WardSummary;
  gpDrugReview: { from: string; to: string } | null;
  gpLetterSentAt: string | null;
}

/** YYYY-MM-DD plus n days. */
export function addDays(date: string, days: number): string {
  const d = new Date(`${date}T00:00:00Z`);
  d.setUTCDate(d.getUTCDate() + days);
  return d.toISOString().slice(0, 10);
}

/** The pain phase on a London date; before the surgery date (a clock set back) it is the acute phase. */
export function phaseOn(surgery: string, today: string): PainPhase {
  return painPhase(surgery, today < surgery ? surgery : today);
}

/**
 * Who may tick an item: nurses the inpatient, discharge and any-time items; clinicians every item.
 * A prohibition (P5, P6) is never ticked: the medication review gives its status.
 */
export function mayTick(role: Role | undefined, item: Pick<ChecklistItem, "when" | "kind">): boolean {
  if (item.kind === "prohibition") return false;
  if (role === "clinician") return true;
  return role === "nurse" && item.when !== "outpatient";
}

/** Catheter or ISC dependence (U7), decided by the rule engine from the discharge and the ward's record. */
export function catheterOrIsc(episode: Episode, ward: WardSummary): boolean {
  return catheterOrIscDependent({
    // A discharge from the hospital feed has no catheter status: the ward's record decides, as before discharge.
    catheterAtDischarge: episode.discharge && episode.discharge.catheterStatus !== CATHETER_NOT_RECORDED ? episode.discharge.catheterStatus : null,
    flipFlowInForce: ward.flipFlow !== null,
    recatheterisedWithFlipFlow: ward.recatheterisedWithFlipFlow,
  });
}

/** Everything the follow-up page, the letters and the reminders read for one episode, at one moment. */
/** `ward`: the episode's ward state when the caller has already read it at this moment (it is not read again). */
export async function loadFollowup(db: Db | Knex.Transaction, episode: Episode, nowIso: string, preloaded: { ward?: WardSummary } = {}): Promise<FollowupView> {
  const today = londonDate(nowIso);
  const surgery = surgeryDate(episode, londonDate);
  const phase = phaseOn(surgery, today);
  const [ticks, issues, appointment, reassessments, medications, sent, gpSent, ward] = await readAll(
    db,
    () => latestTicks(db, episode.id),
    () => issuesFor(db, episode.id),
    () => appointmentFor(db, episode.id),
    () => reassessmentsFor(db, episode.id),
    () => medicationsFor(db, episode.id),
    () => firstSentLetter(db, episode.id, "sci-referral"),
    () => firstSentLetter(db, episode.id, "gp"),
    () => (preloaded.ward ? Promise.resolve(preloaded.ward) : wardSummary(db, episode.id, nowIso)),
  );

  const currentMeds = medications.filter((m) => m.stoppedOn === null);
  const review = reviewMedications(phase, currentMeds.map((m) => m.name));

  const sections = FOLLOWUP_DOMAINS.map((domain): FollowupSection => ({
    domain,
    title: DOMAINS[domain].title,
    rules: DOMAINS[domain].rules,
    issueLabel: DOMAINS[domain].issue,
    items: checklist(domain, phase).map((item) => {
      if (item.kind === "prohibition") return { ...item, tick: null, done: false, status: prohibitionStatus(review, item.rule as "P5" | "P6") };
      const tick = ticks.get(item.id) ?? null;
      return { ...item, tick, done: tick?.done === true, status: null };
    }),
    issue: issues.get(domain) ?? null,
  }));
  const current = currentMeds.map((m) => ({
    ...m,
    flags: review.flags.filter((f) => f.medication === m.name),
    unclassified: review.unclassified.includes(m.name),
    sharedIngredients: review.sharedIngredients.filter((shared) => shared.medications.includes(m.name)).map((shared) => shared.ingredient),
    knownAs: describeMedication(m.name),
  }));

  const findings: SciFindings = { twocFailed: ward.failedTwoc, catheterOrIsc: catheterOrIsc(episode, ward) };
  for (const domain of FOLLOWUP_DOMAINS) findings[DOMAINS[domain].finding] = issues.get(domain)?.ongoing === true;
  const referral = sciReferralReasons(findings);

  let gpDrugReview: FollowupView["gpDrugReview"] = null;
  if (episode.discharge) {
    const discharged = londonDate(episode.discharge.dischargedAt);
    gpDrugReview = gpDrugReviewWindow(surgery, discharged);
  }

  return {
    today,
    surgeryDate: surgery,
    phase,
    chronicFrom: chronicPhaseStarts(surgery),
    sections,
    appointment,
    reassessments,
    current,
    stopped: medications.filter((m) => m.stoppedOn !== null),
    unclassified: review.unclassified,
    sharedIngredients: review.sharedIngredients,
    sci: { ...referral, findings, sentAt: sent?.sentAt ?? null, sentBy: sent?.sentBy ?? null, letterId: sent?.letterId ?? null },
    ward,
    gpDrugReview,
    gpLetterSentAt: gpSent?.sentAt ?? null,
  };
}
