/** Letters: kinds, their rules, recipients, versions. */
export const LETTER_KINDS = ["sci-referral", "gp", "continence", "failed-twoc"] as const;
export type LetterKind = (typeof LETTER_KINDS)[number];

export const RECIPIENT_KINDS = ["sci-centre", "continence", "urology", "other"] as const;
export type RecipientKind = (typeof RECIPIENT_KINDS)[number];
export const RECIPIENT_KIND_NAMES: Record<RecipientKind, string> = {
  "sci-centre": "Spinal cord injury centre",
  continence: "Continence service",
  urology: "Urology service",
  other: "Other local service",
};

export interface LetterKindInfo {
  title: string;
  rules: string[];
  /** Recipient kinds the letter may go to; empty for the GP letter (the patient's own GP). */
  recipients: RecipientKind[];
}

export const LETTER_KIND_INFO: Record<LetterKind, LetterKindInfo> = {
  "sci-referral": { title: "Referral to the spinal cord injury centre", rules: ["R1"], recipients: ["sci-centre"] },
  gp: { title: "Letter to the GP", rules: ["P1", "P2", "P3", "P4", "P5", "P6", "P7", "P8"], recipients: [] },
  continence: { title: "Referral to the continence service to teach ISC", rules: ["U5", "U8"], recipients: ["continence", "other"] },
  "failed-twoc": { title: "Follow-up after a failed trial without catheter", rules: ["U7"], recipients: ["urology", "sci-centre"] },
};

export interface Recipient {
  id: number;
  kind: RecipientKind;
  name: string;
  department: string | null;
  address: string | null;
  email: string | null;
  phone: string | null;
  regional: boolean;
  active: boolean;
}

export type RecipientInput = Omit<Recipient, "id">;

/** How a letter went out, recorded with the send. */
export const SEND_METHODS = ["post", "email", "hand", "nscisb-web-form"] as const;
export type SendMethod = (typeof SEND_METHODS)[number];
export const SEND_METHOD_NAMES: Record<SendMethod, string> = {
  post: "Post",
  email: "Email",
  hand: "By hand",
  "nscisb-web-form": "National Spinal Cord Injury Database web form",
};

/** How it went, inside a sentence: "sent ... by post". */
export const SEND_METHOD_PHRASES: Record<SendMethod, string> = {
  post: "by post",
  email: "by email",
  hand: "by hand",
  "nscisb-web-form": "through the National Spinal Cord Injury Database web form",
};

export interface Letter {
  id: number;
  episodeId: number;
  kind: LetterKind;
  createdAt: string;
  createdBy: string;
}

export interface LetterVersion {
  id: number;
  letterId: number;
  version: number;
  status: "draft" | "sent";
  recipientId: number | null;
  freeText: string | null;
  dataJson: string;
  html: string;
  generatedAt: string;
  generatedBy: string;
  sentAt: string | null;
  sentBy: string | null;
  sentMethod: SendMethod | null;
  /** A copy goes to the patient's GP (shown on the letter as "cc"). */
  ccGp: boolean;
  /** The National Spinal Cord Injury Database's reference for a sent SCI referral, once known. */
  nscisbReference: string | null;
  nscisbReferenceAt: string | null;
  nscisbReferenceBy: string | null;
}
