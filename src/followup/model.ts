/** Outpatient follow-up as the rest of the app sees it. */
import type { SciFindings } from "../pathway/index.ts";

export const FOLLOWUP_DOMAINS = ["bowel", "pain", "sexual", "psychological"] as const;
export type FollowupDomain = (typeof FOLLOWUP_DOMAINS)[number];

export interface DomainInfo {
  title: string;
  rules: string;
  /** The ongoing issue this section records, as the question asks it. */
  issue: string;
  /** The SCI referral finding the ongoing issue feeds (sciReferralReasons). */
  finding: keyof SciFindings;
}

export const DOMAINS: Record<FollowupDomain, DomainInfo> = {
  bowel: { title: "Bowel", rules: "B1–B6", issue: "Bowel issues", finding: "bowelIssues" },
  pain: { title: "Pain", rules: "P1–P8", issue: "Persistent neuropathic pain", finding: "persistentNeuropathicPain" },
  sexual: { title: "Sexual function", rules: "X1–X5", issue: "Sexual dysfunction", finding: "sexualDysfunction" },
  psychological: {
    title: "Psychological support",
    rules: "Y1–Y3",
    issue: "Ongoing CES symptoms (such as saddle numbness or leg weakness)",
    finding: "ongoingCesSymptoms",
  },
};

export interface Tick {
  itemId: string;
  rule: string;
  done: boolean;
  at: string;
  by: string;
}

export interface OngoingIssue {
  domain: FollowupDomain;
  ongoing: boolean;
  details: string | null;
  updatedAt: string;
  updatedBy: string;
}

export interface Appointment {
  at: string;
  clinic: string | null;
  updatedAt: string;
  updatedBy: string;
}

export const REFERRALS = ["none", "local", "sci", "both"] as const;
export type Referral = (typeof REFERRALS)[number];
export const REFERRAL_NAMES: Record<Referral, string> = {
  none: "No referral",
  local: "Referred to local services",
  sci: "Referred to the SCI service",
  both: "Referred to local services and the SCI service",
};

export const FUNCTION_FINDINGS = ["no", "yes", "not-assessed"] as const;
export type FunctionFinding = (typeof FUNCTION_FINDINGS)[number];

export interface ReassessmentInput {
  appointmentDate: string; // YYYY-MM-DD
  bowel: FunctionFinding;
  sexual: FunctionFinding;
  outcome: string;
  referral: Referral;
}

export interface Reassessment extends ReassessmentInput {
  id: number;
  recordedAt: string;
  recordedBy: string;
}

export interface MedicationInput {
  name: string;
  dose: string | null;
  startedOn: string; // YYYY-MM-DD
}

export interface Medication extends MedicationInput {
  id: number;
  stoppedOn: string | null;
  stopReason: string | null;
  createdAt: string;
  createdBy: string;
  stoppedAt: string | null;
  stoppedBy: string | null;
}
