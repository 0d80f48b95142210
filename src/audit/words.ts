/**
 * The audit trail in words: who did what to which record, with each changed field named as the
 * forms name it and its value as the pages show it (UK time, dates in words, yes or no).
 * Known entities, actions and fields are in the tables below; anything else is still shown
 * readably ("override-u6" reads "override u6", "volumeMl" reads "volume ml").
 */
import { formatCalendarDate, formatDateTime } from "../time.ts";
import { LETTER_KIND_INFO, RECIPIENT_KIND_NAMES, SEND_METHOD_NAMES } from "../letters/model.ts";
import { PACK_FIELD_LABELS } from "../letters/referral-pack.ts";
import { CATHETER_STATUS_NAMES, PROCEDURE_NAMES } from "../patients/model.ts";
import { CATHETER_TYPE_NAMES, EVENT_TYPE_NAMES, TWOC_ACTION_TEXT } from "../ward/model.ts";
import { REFERRAL_NAMES } from "../followup/model.ts";
import { inSentence } from "../web/validation.ts";

type Values = Record<string, unknown>;

interface EntityWords {
  /** Which part of the record: shown in brackets after the sentence. */
  place: string;
  /**
   * What the actor did, from the values after the change (before, for a change that removes them),
   * and the changed record's name where the caller knows it (a ward retired: its name is in neither).
   */
  actions: Record<string, (v: Values, name: string) => string>;
}

const text = (v: unknown): string => (typeof v === "string" || typeof v === "number" ? String(v) : "");
const named = <K extends string>(names: Record<K, string>, v: unknown): string => (Object.hasOwn(names, text(v)) ? names[text(v) as K] : text(v));
const LETTER_TITLES: Record<string, string> = Object.fromEntries(Object.entries(LETTER_KIND_INFO).map(([kind, info]) => [kind, info.title]));
const TWOC_ACTION_NAMES: Record<string, string> = Object.fromEntries(Object.entries(TWOC_ACTION_TEXT).map(([action, a]) => [action, a.text]));
const letterTitle = (v: Values): string => (v.kind ? inSentence(named(LETTER_TITLES, v.kind)) : "a letter");
/** ` Ward 3`: a record's name after a noun, or nothing when it is not known. */
const called = (name: string): string => (name ? ` ${name}` : "");

const ENTITIES: Record<string, EntityWords> = {
  patient: {
    place: "patient details",
    actions: {
      register: () => "registered the patient",
      correct: () => "corrected the patient's details",
      "email-opt-out": () => "stopped reminder emails to the patient",
    },
  },
  episode: {
    place: "CES surgery episode",
    actions: {
      register: () => "registered the CES surgery episode",
      correct: () => "corrected the surgery record",
      discharge: () => "recorded the discharge",
      "correct-discharge": () => "corrected the discharge",
    },
  },
  "bladder-event": {
    place: "bladder record",
    actions: {
      record: (v) => `recorded: ${inSentence(named(EVENT_TYPE_NAMES, v.type)) || "a bladder event"}`,
      correct: (v) => `corrected: ${inSentence(named(EVENT_TYPE_NAMES, v.type)) || "a bladder event"}`,
    },
  },
  "twoc-override": { place: "trial without catheter", actions: { "override-u6": () => "overrode U6 to allow a new trial without catheter" } },
  "twoc-action": {
    place: "failed-TWOC checklist",
    actions: {
      tick: (v) => `ticked "${named(TWOC_ACTION_NAMES, v.action)}"`,
      untick: (v) => `un-ticked "${named(TWOC_ACTION_NAMES, v.action)}"`,
    },
  },
  "flip-flow-schedule": {
    place: "flip-flow schedule",
    actions: {
      "start-schedule": (v) => `started a flip-flow schedule${v.interval ? `, ${text(v.interval)}` : ""}`,
      "change-schedule": (v) => `changed the flip-flow schedule${v.interval ? ` to ${text(v.interval)}` : ""}`,
      "accept-f2-interval": (v) => `accepted the suggested F2 interval${v.interval ? `, ${text(v.interval)}` : ""}`,
      "stop-schedule": () => "stopped the flip-flow schedule",
    },
  },
  "followup-checklist": {
    place: "follow-up checklist",
    actions: {
      tick: (v) => `ticked ${text(v.rule) || "an item"} as done`,
      untick: (v) => `un-ticked ${text(v.rule) || "an item"} (not done)`,
    },
  },
  "followup-issue": {
    place: "follow-up: ongoing issues",
    actions: {
      record: (v) => `recorded whether there is an ongoing issue: ${inSentence(text(v.issue) || "an issue")}`,
      correct: (v) => `changed the ongoing issue: ${inSentence(text(v.issue) || "an issue")}`,
    },
  },
  "outpatient-appointment": {
    place: "outpatient appointment",
    actions: { book: () => "booked the surgical outpatient appointment", move: () => "moved the surgical outpatient appointment" },
  },
  "outpatient-reassessment": { place: "outpatient re-assessment", actions: { record: () => "recorded the outpatient re-assessment of bowel and sexual function (B6, X4)" } },
  medication: {
    place: "medicine list",
    actions: { start: (v) => `started ${text(v.name) || "a medicine"}`, stop: (v) => `stopped ${text(v.name) || "a medicine"}` },
  },
  letter: {
    place: "letters",
    actions: {
      create: (v) => `generated a draft: ${letterTitle(v)}`,
      regenerate: (v) => `regenerated draft version ${text(v.version)} of ${letterTitle(v)}${Array.isArray(v.updatedFromTheRecord) ? `, updated from the record: ${v.updatedFromTheRecord.join(", ")}` : ""}`,
      "new-version": (v) => `made version ${text(v.version)} of ${letterTitle(v)}`,
      send: (v) => `marked version ${text(v.version)} of ${letterTitle(v)} as sent`,
      "nscisb-reference": (v) => `recorded the National Spinal Cord Injury Database reference for version ${text(v.version)} of ${letterTitle(v)}`,
    },
  },
  email: {
    place: "emails",
    actions: {
      resend: () => "queued an email to be sent again",
      "confirm-delivered": () => "confirmed that an email in doubt was delivered",
      "in-doubt": () => "marked an email in doubt: the connection to the mail server was lost after it was sent",
      expired: (v) => `closed a message unsent${text(v.reason) ? ` (${text(v.reason)})` : ""}`,
    },
  },
  reminder: { place: "reminders", actions: { done: () => "marked a reminder as done" } },
  "referral-form": {
    place: "referral form sections",
    actions: {
      "add-section": () => "added a section to the referral form's layout",
      "rename-section": () => "renamed a section of the referral form",
      "move-section-up": () => "moved a section of the referral form up",
      "move-section-down": () => "moved a section of the referral form down",
      "remove-section": () => "removed a section from the referral form's layout",
      "place-fields": () => "moved referral pack fields between the form's sections",
    },
  },  // ------------------------------------------------ reference data and administration (no patient)
  ward: {
    place: "wards",
    actions: {
      add: (v, name) => `added the ward${called(text(v.name) || name)}`,
      correct: (v, name) => `corrected the details of the ward${called(text(v.name) || name)}`,
      rename: (v, name) => `renamed a ward${called(text(v.name) || name) ? ` to${called(text(v.name) || name)}` : ""}`,
      retire: (_v, name) => `retired the ward${called(name)}: no longer offered for new episodes`,
      reinstate: (_v, name) => `offered the ward${called(name)} again`,
    },
  },
  user: {
    place: "users and sign-ins",
    actions: {
      create: (v, name) => `created the account${called(text(v.username) || name)}`,
      "reset-password": (_v, name) => `reset the password of${called(name) || " an account"}; its sessions were signed out`,
      disable: (_v, name) => `disabled the account${called(name)}`,
      enable: (_v, name) => `enabled the account${called(name)} again`,
      "sign-in": () => "signed in",
      "link-identity": (_v, name) => `linked the account${called(name)} to its sign-in through the identity provider`,
      "sign-in-refused": (v) => `refused a sign-in through the identity provider${text(v.reason) ? ` (${text(v.reason)})` : ""}`,
      "create-from-identity-provider": (v, name) => `created an account for${called(text(v.name) || name) || " a new user"} at their first sign-in through the identity provider`,
      "pre-create-for-identity-provider": (v, name) => `created an account for${called(text(v.displayName) || name)}, linked at their first sign-in through the identity provider`,
      "role-change": (v, name) => `changed the role of${called(name) || " an account"}${text(v.role) ? ` to ${text(v.role)}` : ""}, from the identity provider's claims`,
    },
  },
  "api-token": {
    place: "API tokens",
    actions: {
      create: (v, name) => `issued the API token${called(text(v.name) || name)}`,
      revoke: (_v, name) => `revoked the API token${called(name)}`,
    },
  },
  clinic: {
    place: "clinics",
    actions: {
      add: (v, name) => `added the clinic${called(text(v.name) || name)}`,
      correct: (v, name) => `corrected the details of the clinic${called(text(v.name) || name)}`,
    },
  },
  "sign-in-role-map": {
    place: "sign-in roles",
    actions: {
      add: (v) => `mapped the claim value ${text(v.claimValue) || "(not named)"} to the ${text(v.role) || "a"} role`,
      change: (v) => `changed what the claim value ${text(v.claimValue) || "(not named)"} gives${text(v.role) ? `: the ${text(v.role)} role` : ""}`,
      retire: (v) => `stopped the claim value ${text(v.claimValue) || "(not named)"} giving a role`,
    },
  },
  "letter-recipient": {
    place: "letter recipients",
    actions: {
      create: (v, name) => `added the letter recipient${called(text(v.name) || name)}`,
      correct: (v, name) => `corrected the letter recipient${called(text(v.name) || name)}`,
    },
  },
  "service-details": {
    place: "service details (letterhead)",
    actions: {
      create: () => "set the service details printed at the head of every letter",
      correct: () => "corrected the service details printed at the head of every letter",
    },
  },
  "ward-display": {
    place: "wall screens",
    actions: {
      create: (v, name) => `issued a wall screen link${called(text(v.name) || name)}`,
      revoke: (_v, name) => `revoked the wall screen link${called(name)}`,
    },
  },
  "feed-ward-code": {
    place: "hospital feed ward codes",
    actions: {
      add: (v) => `added the hospital feed's ward code ${text(v.code) || "(not named)"}`,
      remap: (v) => `changed which ward the hospital feed's code ${text(v.code) || "(not named)"} means`,
    },
  },
};

/**
 * The kinds of record that belong to no patient (reference data and administration), in the
 * order the admin audit page offers them as a filter.
 */
export const ADMIN_ENTITIES = ["referral-form", "service-details", "letter-recipient", "clinic", "ward", "feed-ward-code", "ward-display", "user", "sign-in-role-map", "api-token", "email"] as const;

/** Which part of the records a kind of record is: "wards", "medicine list". */
export function placeInWords(entity: string): string {
  return Object.hasOwn(ENTITIES, entity) ? ENTITIES[entity].place : nameInWords(entity).toLowerCase();
}

/** Field names in words, as the forms ask them. */
const FIELDS: Record<string, string> = {
  sections: "Form sections, in order",
  packFields: "Pack fields",
  nhsNumber: "NHS number",
  familyName: "Family name",
  givenName: "Given name",
  dateOfBirth: "Date of birth",
  sex: "Sex",
  email: "Email address",
  emailConsent: "Consent to reminder emails",
  emailOptedOutAt: "Reminder emails stopped",
  gp: "GP practice",
  presentation: "CES presentation",
  mriAt: "MRI",
  anaesthesiaStartAt: "Start of anaesthesia",
  procedure: "Procedure",
  level: "Level",
  surgeon: "Surgeon",
  hospital: "Hospital",
  ward: "Ward",
  wardId: "Ward (record)",
  consultantUserId: "Responsible consultant",
  bed: "Bed",
  delayReason: "Reason for any delay (S-TIME)",
  consultantSanction: "Consultant on-call sanction (S-NIGHT)",
  preopReviewAt: "Documented pre-operative review (S-DOC)",
  consentRecorded: "Consent recorded (S-CONSENT)",
  bsrRegistered: "Registered on the British Spine Registry (S-BSR)",
  catheterisedBeforeSurgery: "Catheterised before surgery (S-CATH)",
  dischargedAt: "Discharged",
  destination: "Discharged to",
  catheterStatus: "Catheter at discharge",
  type: "Event",
  at: "Time",
  phase: "Scan",
  volumeMl: "Volume (ml)",
  sensationToVoid: "Sensation to void",
  catheterType: "Catheter",
  correctsEvent: "Corrects bladder event number",
  reason: "Reason",
  failedRemovalEventId: "Failed catheter removal (event number)",
  twoc: "Trial without catheter",
  action: "Action",
  done: "Done",
  intervalMinutes: "Interval (minutes)",
  interval: "Interval",
  firstOpeningAt: "First opening",
  note: "Note",
  endedAt: "Ended",
  item: "Checklist item",
  rule: "Rule",
  section: "Section",
  issue: "Ongoing issue",
  ongoing: "Ongoing",
  details: "Details",
  appointmentAt: "Appointment",
  clinic: "Clinic",
  appointmentDate: "Date of the outpatient appointment",
  bowel: "Bowel function (B6)",
  sexual: "Sexual function (X4)",
  outcome: "Outcome",
  referral: "Referral",
  name: "Name",
  address: "Address",
  dose: "Dose",
  startedOn: "Start date",
  stoppedOn: "Stop date",
  stopReason: "Reason for stopping",
  kind: "Kind",
  version: "Version",
  status: "Status",
  recipientId: "Recipient",
  method: "How it was sent",
  ccGp: "Copy to the GP",
  nscisbReference: "NSCISB reference number",
  freeText: "Clinician's paragraph",
  lastError: "Last error",
  id: "Record number",
  retiredAt: "Retired",
  username: "Username",
  displayName: "Full name",
  role: "Role",
  claimValue: "Claim value",
  claimValues: "Claim values given",
  description: "Description",
  retired: "Retired",
  issuer: "Identity provider",
  subject: "Identity provider's user id",
  acr: "Authentication level (acr)",
  linkEmail: "Linked by email address",
  linkCis2Uid: "Linked by CIS2 user id",
  department: "Department",
  phone: "Phone",
  regional: "Regional centre",
  active: "In use",
  initialsOnly: "Initials only",
  theme: "Colours",
  revokedAt: "Revoked",
  code: "PAS ward code",
  usefulUntil: "Useful until",
};

/** Where a field means something particular to one kind of record. */
const ENTITY_FIELDS: Record<string, Record<string, string>> = {
  medication: { name: "Medicine" },
  letter: { kind: "Letter" },
  "letter-recipient": { kind: "Kind of recipient" },
  "feed-ward-code": { wardId: "Ward" },
  "ward-display": { wardId: "Ward", name: "Screen name" },
  user: { name: "Name given by the identity provider", email: "Email address" },
};

/** Fields not listed as changes: machinery, or said in the entry's sentence (what a regeneration took from the record). */
const HIDDEN_FIELDS = new Set(["key", "idempotencyKey", "updatedFromTheRecord"]);

/** Values shown in words for the fields that hold a code. */
const VALUE_NAMES: Record<string, Record<string, string>> = {
  procedure: PROCEDURE_NAMES,
  catheterStatus: CATHETER_STATUS_NAMES,
  type: EVENT_TYPE_NAMES,
  catheterType: CATHETER_TYPE_NAMES,
  referral: REFERRAL_NAMES,
  bowel: { yes: "Issue found", no: "No issue", "not-assessed": "Not re-assessed" },
  sexual: { yes: "Issue found", no: "No issue", "not-assessed": "Not re-assessed" },
  action: TWOC_ACTION_NAMES,
  kind: LETTER_TITLES,
  method: SEND_METHOD_NAMES,
  packFields: PACK_FIELD_LABELS,
  section: { bowel: "Bowel", pain: "Pain", sexual: "Sexual function", psychological: "Psychological support" },
  sex: { female: "Female", male: "Male", indeterminate: "Indeterminate", "not-known": "Not known" },
  phase: { "pre-void": "Pre-void", "post-void": "Post-void" },
  role: { nurse: "Nurse", clinician: "Clinician", admin: "Admin" },
  theme: { light: "Light", dark: "Dark (night)" },
};

/** Where a code means something particular to one kind of record (a recipient's kind is not a letter's). */
const ENTITY_VALUE_NAMES: Record<string, Record<string, Record<string, string>>> = {
  "letter-recipient": { kind: RECIPIENT_KIND_NAMES },
};

/** "volumeMl" -> "Volume ml", "override-u6" -> "override u6": a name not in the tables, still readable. */
export function nameInWords(name: string): string {
  const spaced = name
    .replace(/([a-z0-9])([A-Z])/g, "$1 $2")
    .replace(/[-_]+/g, " ")
    .trim()
    .toLowerCase();
  return spaced.charAt(0).toUpperCase() + spaced.slice(1);
}

const STORED_INSTANT = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d+)?Z$/;
const CALENDAR_DATE = /^\d{4}-\d{2}-\d{2}$/;

function isRealInstant(value: string): boolean {
  const ms = Date.parse(value);
  return STORED_INSTANT.test(value) && Number.isFinite(ms) && new Date(ms).toISOString().slice(0, 19) === value.slice(0, 19);
}

function isRealDate(value: string): boolean {
  return CALENDAR_DATE.test(value) && new Date(`${value}T00:00:00Z`).toISOString().slice(0, 10) === value;
}

/** Names of the records a field points to by id (wardId -> the ward's name), read by the caller. */
export type RecordNames = Partial<Record<"wardId" | "consultantUserId" | "recipientId", Map<number, string>>>;

/** A value as the pages show it: UK time, dates in words, yes or no, codes in words, nested fields named. */
export function valueInWords(field: string, value: unknown, names: RecordNames = {}, entity = ""): string {
  if (value === undefined || value === null || value === "") return "";
  if (typeof value === "boolean") return value ? "Yes" : "No";
  if (typeof value === "number") return names[field as keyof RecordNames]?.get(value) ?? String(value);
  if (typeof value === "string") {
    const particular = Object.hasOwn(ENTITY_VALUE_NAMES, entity) && Object.hasOwn(ENTITY_VALUE_NAMES[entity], field) ? ENTITY_VALUE_NAMES[entity][field] : null;
    const names = particular ?? (Object.hasOwn(VALUE_NAMES, field) ? VALUE_NAMES[field] : null);
    if (names && Object.hasOwn(names, value)) return names[value];
    // Only a real instant or date is shown as one: free text shaped like one is shown as typed.
    if (isRealInstant(value)) return formatDateTime(value);
    if (isRealDate(value)) return formatCalendarDate(value);
    return value;
  }
  if (Array.isArray(value)) return value.map((v) => valueInWords(field, v, {}, entity)).join(", ");
  if (typeof value === "object") {
    return Object.entries(value as Values)
      .filter(([k]) => !HIDDEN_FIELDS.has(k))
      .map(([k, v]) => `${fieldInWords(k)}: ${valueInWords(k, v) || "none"}`)
      .join("; ");
  }
  return String(value);
}

/** A field's name in words; `entity` (the kind of record) where the same name means something particular. */
export function fieldInWords(field: string, entity = ""): string {
  const particular = Object.hasOwn(ENTITY_FIELDS, entity) ? ENTITY_FIELDS[entity] : {};
  if (Object.hasOwn(particular, field)) return particular[field];
  return Object.hasOwn(FIELDS, field) ? FIELDS[field] : nameInWords(field);
}

export interface ChangeInWords {
  field: string;
  before: string;
  after: string;
}

/**
 * The fields whose value differs between before and after, in words. A new record (nothing before)
 * has no "before"; a change to a field that was empty says it was "not recorded".
 */
export function changesInWords(before: Values, after: Values, entity = "", names: RecordNames = {}): ChangeInWords[] {
  const isChange = Object.keys(before).length > 0;
  const layout = entity === "referral-form" ? layoutChanges(before.sections, after.sections) : null;
  const fields = [...new Set([...Object.keys(before), ...Object.keys(after)])].filter((f) => !HIDDEN_FIELDS.has(f) && !(layout && f === "sections"));
  const changes = fields
    .map((f) => ({ field: fieldInWords(f, entity), before: valueInWords(f, before[f], names, entity), after: valueInWords(f, after[f], names, entity) }))
    .filter((c) => c.before !== c.after)
    .map((c) => ({ ...c, before: c.before || (isChange ? "not recorded" : "") }));
  return [...(layout ?? []), ...changes];
}

interface LayoutSection {
  name: string;
  packFields: string[];
}

function layoutOf(value: unknown): LayoutSection[] | null {
  if (!Array.isArray(value)) return null;
  const sections = value.filter(
    (s): s is LayoutSection => !!s && typeof s === "object" && typeof (s as Values).name === "string" && Array.isArray((s as Values).packFields),
  );
  return sections.length === value.length ? sections : null;
}

const packFieldNames = (keys: string[]): string => keys.map((k) => valueInWords("packFields", k)).join(", ");

/**
 * What one change to the referral form's layout did, section by section: the audit row keeps the
 * whole layout before and after (ten sections, forty fields), but the trail names only the
 * sections added, removed, renamed or moved and the fields that moved in or out of each.
 * Null when the values are not layouts, so they are shown as any other field.
 */
export function layoutChanges(beforeValue: unknown, afterValue: unknown): ChangeInWords[] | null {
  const before = layoutOf(beforeValue ?? []);
  const after = layoutOf(afterValue ?? []);
  if (!before || !after) return null;
  const changes: ChangeInWords[] = [];
  // Each section after the change, matched to the one it was: by name, else (a rename) by its fields.
  const was = new Map<LayoutSection, LayoutSection>();
  const unmatched = new Set(before);
  for (const s of after) {
    const same = before.find((b) => unmatched.has(b) && b.name === s.name);
    if (same) {
      was.set(s, same);
      unmatched.delete(same);
    }
  }
  const sameFields = (a: LayoutSection, b: LayoutSection) => JSON.stringify(a.packFields) === JSON.stringify(b.packFields);
  for (const s of after.filter((a) => !was.has(a))) {
    const renamed = [...unmatched].find((b) => sameFields(b, s) && before.indexOf(b) === after.indexOf(s)) ?? [...unmatched].find((b) => sameFields(b, s));
    if (!renamed) continue;
    was.set(s, renamed);
    unmatched.delete(renamed);
    changes.push({ field: "Section name", before: renamed.name, after: s.name });
  }
  for (const s of after.filter((a) => !was.has(a))) {
    changes.push({ field: "New section", before: "", after: s.packFields.length ? `${s.name} (${packFieldNames(s.packFields)})` : s.name });
  }
  for (const b of unmatched) {
    changes.push({ field: "Section", before: b.packFields.length ? `${b.name} (${packFieldNames(b.packFields)})` : b.name, after: "" });
  }
  // A move: the sections kept, in their order before and after; only those whose place changed are named.
  const keptAfter = after.filter((s) => was.has(s));
  const keptBefore = before.filter((b) => !unmatched.has(b));
  keptAfter.forEach((s, i) => {
    const from = keptBefore.indexOf(was.get(s)!);
    if (from !== i) changes.push({ field: `Place of "${s.name}"`, before: `section ${before.indexOf(was.get(s)!) + 1}`, after: `section ${after.indexOf(s) + 1}` });
  });
  for (const s of keptAfter) {
    const old = was.get(s)!;
    const added = s.packFields.filter((k) => !old.packFields.includes(k));
    const removed = old.packFields.filter((k) => !s.packFields.includes(k));
    const said = [added.length ? `${packFieldNames(added)} added` : "", removed.length ? `${packFieldNames(removed)} taken out` : ""].filter(Boolean);
    if (!said.length && !sameFields(old, s)) said.push("fields put in a new order");
    if (said.length) changes.push({ field: `Pack fields in "${s.name}"`, before: "", after: said.join("; ") });
  }
  return changes;
}

export interface AuditInWords {
  /** "Dr Cara Clinician (clinician) started Co-codamol 30/500" */
  sentence: string;
  /** "medicine list" */
  place: string;
}

/** Who did what to which record, in one sentence, and which part of the record it was. */
export function auditSentence(entry: { actorName: string; entity: string; entityId: number | null; action: string; before: Values; after: Values; recordName?: string }): AuditInWords {
  const known = Object.hasOwn(ENTITIES, entry.entity) ? ENTITIES[entry.entity] : null;
  const values = { ...entry.before, ...entry.after };
  const say = known && Object.hasOwn(known.actions, entry.action) ? known.actions[entry.action] : null;
  const what = say ? say(values, entry.recordName ?? "") : `${nameInWords(entry.action).toLowerCase()}: ${nameInWords(entry.entity).toLowerCase()}${entry.entityId === null ? "" : ` ${entry.entityId}`}`;
  return { sentence: `${entry.actorName} ${what}`, place: known?.place ?? nameInWords(entry.entity).toLowerCase() };
}
