import type { Actor } from "../audit/audit.ts";
import { writeAudit } from "../audit/audit.ts";
import type { Db } from "../db/knex.ts";
import type { Episode, Patient } from "../patients/model.ts";
import { findPatient } from "../patients/repository.ts";
import { changeEpisode, type ChangeContext, type Trx } from "../patients/change.ts";
import { ConflictError, NotFoundError } from "../errors.ts";
import { composeLetter } from "./compose.ts";
import type { LetterDoc } from "./document.ts";
import { letterFacts, type LetterFacts } from "./facts.ts";
import { renderLetterHtml } from "./html.ts";
import { renderLetterPdf } from "./pdf.ts";
import { formatDateTime } from "../time.ts";
import type { Letter, LetterKind, LetterVersion, Recipient, RecipientInput, SendMethod } from "./model.ts";
import { SEND_METHOD_PHRASES } from "./model.ts";
import {
  type Conn,
  type DraftContent,
  findRecipient,
  findVersion,
  clearRegional,
  insertDraftVersion,
  insertLetter,
  insertRecipient,
  markVersionSent,
  rewriteDraft,
  setNscisbReference,
  updateRecipientDetails,
  versionsOf,
} from "./repository.ts";

/** What a version stores: the facts and the document generated from them, and the HTML. */
export interface Generated {
  facts: LetterFacts;
  doc: LetterDoc;
  html: string;
}

/** The letter as the record stands now. Never typed from scratch: only the free text is the clinician's. */
export async function generate(db: Conn, kind: LetterKind, episode: Episode, patient: Patient, recipient: Recipient | null, author: string, freeText: string | null, nowIso: string, ccGp = false): Promise<Generated> {
  const facts = await letterFacts(db as Db, kind, episode, patient, recipient, author, freeText, nowIso, ccGp);
  const doc = composeLetter(facts);
  return { facts, doc, html: renderLetterHtml(doc) };
}

export function storedOf(version: LetterVersion): { facts: LetterFacts; doc: LetterDoc } {
  return JSON.parse(version.dataJson) as { facts: LetterFacts; doc: LetterDoc };
}

/** A version's PDF, as its page downloads it and the FHIR API serves it, with its status and how it went in the footer. */
export function versionPdf(version: LetterVersion): Promise<Buffer> {
  const { doc } = storedOf(version);
  const draft = version.status !== "sent";
  const how = version.sentMethod ? `, ${SEND_METHOD_PHRASES[version.sentMethod]}` : "";
  const status = draft ? "draft, not sent" : `sent ${formatDateTime(version.sentAt!)} by ${version.sentBy}${how}`;
  return renderLetterPdf(doc, { draft, line: `${doc.title}, version ${version.version} (${status}). Generated from the CES follow-up record.` });
}

/** What each part of a letter's facts is called, to say what changed in the record since a draft was generated. */
const FACT_NAMES: Partial<Record<keyof LetterFacts, string>> = {
  patient: "the patient's details",
  gp: "the GP's details",
  recipient: "the recipient's details",
  letterhead: "the letterhead (service details)",
  consultant: "the responsible consultant",
  surgery: "the surgery and discharge",
  bladder: "the bladder record",
  bowel: "bowel",
  pain: "pain and medication",
  sexual: "sexual function",
  psychological: "psychological needs",
  reassessment: "the outpatient re-assessment",
  appointment: "the appointment",
  indicated: "the reasons for referral",
  reasons: "the reasons for referral",
  gpDrugReview: "the GP drug review dates",
  ccGp: "the copy to the GP",
};

/**
 * What changed in the record between the facts a draft stored and the facts as they are now, in
 * words ("bowel", "pain and medication"); empty when the draft still says what the record says.
 * The letter's date and the referrer's signature date are not changes.
 */
export function changesSince(stored: LetterFacts, current: LetterFacts): string[] {
  const names = new Set<string>();
  for (const key of Object.keys(FACT_NAMES) as (keyof LetterFacts)[]) {
    if (JSON.stringify(stored[key] ?? null) !== JSON.stringify(current[key] ?? null)) names.add(FACT_NAMES[key]!);
  }
  return [...names];
}

/** The draft regenerated from the record as it is now, with the draft's own author, recipient, paragraph and copy. */
export async function currentOf(db: Conn, letter: Letter, version: LetterVersion, episode: Episode, patient: Patient, nowIso: string): Promise<Generated> {
  const stored = storedOf(version);
  const recipient = version.recipientId ? await findRecipient(db, version.recipientId) : null;
  return generate(db, letter.kind, episode, patient, recipient, stored.facts.referrer.name, version.freeText, nowIso, version.ccGp);
}

/** Who a draft is about and for: the episode's patient and the chosen recipient. */
async function partiesOf(trx: Conn, episode: Episode, recipientId: number | null) {
  const patient = (await findPatient(trx, episode.patientId))!;
  const recipient = recipientId ? await findRecipient(trx, recipientId) : null;
  return { patient, recipient };
}

/** Generates the letter from the record as it stands in the change, as a draft's stored content. */
async function draftContent(trx: Trx, { episode, actor, now }: ChangeContext, letter: Letter, recipientId: number | null, freeText: string | null, ccGp: boolean): Promise<DraftContent> {
  const { patient, recipient } = await partiesOf(trx, episode, recipientId);
  const g = await generate(trx, letter.kind, episode, patient, recipient, actor.displayName ?? actor.name, freeText, now, ccGp);
  return { recipientId, freeText, ccGp: g.facts.ccGp, dataJson: JSON.stringify({ facts: g.facts, doc: g.doc }), html: g.html, generatedAt: now, generatedBy: actor.name };
}

/** A new letter with its first draft. */
export async function createLetter(db: Db, actor: Actor, episode: Episode, kind: LetterKind, recipientId: number | null, freeText: string | null, now: string, ccGp = false): Promise<number> {
  return changeEpisode(db, actor, episode.id, now, async (trx, context) => {
    const letter = await insertLetter(trx, episode.id, { kind, createdAt: now, createdBy: actor.name });
    const draft = await draftContent(trx, context, letter, recipientId, freeText, ccGp);
    await insertDraftVersion(trx, letter.id, 1, draft);
    await context.audit({ entity: "letter", entityId: letter.id, action: "create", before: null, after: { kind, version: 1, recipientId, freeText, ccGp: draft.ccGp } });
    return letter.id;
  });
}

/** Regenerates a draft from the record as it is now, with the clinician's paragraph and recipient. A sent version is refused (409). */
export async function regenerateDraft(db: Db, actor: Actor, letter: Letter, version: number, recipientId: number | null, freeText: string | null, now: string, ccGp = false): Promise<void> {
  await changeEpisode(db, actor, letter.episodeId, now, async (trx, context) => {
    const before = await findVersion(trx, letter.id, version);
    if (!before) throw new NotFoundError("Letter version");
    if (before.status === "sent") throw new ConflictError(`Version ${version} was sent and cannot be changed: make a new version`);
    const draft = await draftContent(trx, context, letter, recipientId, freeText, ccGp);
    const rewritten = await rewriteDraft(trx, before.id, draft);
    if (!rewritten) throw new ConflictError(`Version ${version} was sent and cannot be changed: make a new version`);
    const contentChanged = changesSince(storedOf(before).facts, (JSON.parse(draft.dataJson) as { facts: LetterFacts }).facts);
    await context.audit({
      entity: "letter",
      entityId: letter.id,
      action: "regenerate",
      before: { version, kind: letter.kind, recipientId: before.recipientId, freeText: before.freeText, ccGp: before.ccGp },
      after: { version, kind: letter.kind, recipientId, freeText, ccGp: draft.ccGp, ...(contentChanged.length ? { updatedFromTheRecord: contentChanged } : {}) },
    });
  });
}

/** A new draft after the latest version was sent (later changes never touch a sent version). */
export async function newVersion(db: Db, actor: Actor, letter: Letter, now: string): Promise<number> {
  return changeEpisode(db, actor, letter.episodeId, now, async (trx, context) => {
    const [latest] = await versionsOf(trx, letter.id);
    if (latest.status === "draft") throw new ConflictError(`Version ${latest.version} is still a draft: change that one`);
    const version = latest.version + 1;
    await insertDraftVersion(trx, letter.id, version, await draftContent(trx, context, letter, latest.recipientId, latest.freeText, latest.ccGp));
    await context.audit({ entity: "letter", entityId: letter.id, action: "new-version", before: { version: latest.version }, after: { version } });
    return version;
  });
}

/**
 * Marks a draft as sent, recording how: from now on the version is frozen. A version already sent
 * is refused (409), and so is a stale draft: when the record has changed since the draft was
 * generated, the send is refused naming what changed, so no letter leaves saying what the record
 * no longer says. The check runs inside the episode's lock, so no change can slip in between.
 */
export async function markSent(db: Db, actor: Actor, letter: Letter, version: number, method: SendMethod, now: string): Promise<void> {
  await changeEpisode(db, actor, letter.episodeId, now, async (trx, { audit, episode }) => {
    const before = await findVersion(trx, letter.id, version);
    if (!before) throw new NotFoundError("Letter version");
    if (before.status === "sent") throw new ConflictError(`Version ${version} was already sent on ${before.sentAt ?? "an earlier date"}; a sent letter cannot be changed`);
    const patient = (await findPatient(trx, episode.patientId))!;
    const changed = changesSince(storedOf(before).facts, (await currentOf(trx, letter, before, episode, patient, now)).facts);
    if (changed.length) throw new StaleLetterError(version, changed);
    const sent = await markVersionSent(trx, before.id, { sentAt: now, sentById: actor.id, sentBy: actor.name, method });
    if (!sent) throw new ConflictError(`Version ${version} was already sent; a sent letter cannot be changed`);
    await audit({ entity: "letter", entityId: letter.id, action: "send", before: { version, kind: letter.kind, status: "draft", ccGp: before.ccGp }, after: { version, kind: letter.kind, status: "sent", method, ccGp: before.ccGp } });
  });
}

/** A draft that no longer matches the record: it must be regenerated before it is sent. */
export class StaleLetterError extends ConflictError {
  constructor(
    version: number,
    readonly changed: string[],
  ) {
    super(`Version ${version} was not sent: the record has changed since it was generated (${changed.join(", ")}). Regenerate the draft from the record, check it, then send it.`, "send");
  }
}

/** Records or corrects the National Spinal Cord Injury Database's reference for a sent SCI referral (audited). */
export async function recordNscisbReference(db: Db, actor: Actor, letter: Letter, version: number, reference: string, now: string): Promise<void> {
  await changeEpisode(db, actor, letter.episodeId, now, async (trx, { audit }) => {
    const before = await findVersion(trx, letter.id, version);
    if (!before) throw new NotFoundError("Letter version");
    if (letter.kind !== "sci-referral") throw new NotFoundError("Letter version");
    if (before.status !== "sent") throw new ConflictError("Record the reference once the referral has been sent", "nscisbReference");
    await setNscisbReference(trx, before.id, { reference, at: now, by: actor.name });
    await audit({ entity: "letter", entityId: letter.id, action: "nscisb-reference", before: { version, kind: letter.kind, nscisbReference: before.nscisbReference }, after: { version, kind: letter.kind, nscisbReference: reference } });
  });
}

/** Adds a recipient; a new regional SCI centre takes the regional mark from any other. */
export async function createRecipient(db: Db, actor: Actor, input: RecipientInput, now: string): Promise<Recipient> {
  return db.transaction(async (trx) => {
    if (input.regional && input.kind === "sci-centre") await clearRegional(trx, "sci-centre");
    const recipient = await insertRecipient(trx, input, now);
    await writeAudit(trx, { at: now, actor, patientId: null, entity: "letter-recipient", entityId: recipient.id, action: "create", before: null, after: input });
    return recipient;
  });
}

/** Corrects a recipient's details; made the regional SCI centre, it takes the mark from any other. */
export async function updateRecipient(db: Db, actor: Actor, id: number, input: RecipientInput, now: string): Promise<void> {
  await db.transaction(async (trx) => {
    const before = await findRecipient(trx, id);
    if (!before) throw new NotFoundError("Recipient");
    if (input.regional && input.kind === "sci-centre") await clearRegional(trx, "sci-centre", id);
    await updateRecipientDetails(trx, id, input, now);
    const { id: _id, ...beforeInput } = before;
    await writeAudit(trx, { at: now, actor, patientId: null, entity: "letter-recipient", entityId: id, action: "correct", before: beforeInput, after: input });
  });
}
