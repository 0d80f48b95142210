import type { Knex } from "knex";
import type { Actor } from "../audit/audit.ts";
import { writeAudit } from "../audit/audit.ts";
import type { Db } from "../db/knex.ts";
import type { Episode, Patient } from "../patients/model.ts";
import { findEpisode, findPatient } from "../patients/repository.ts";
import { changeEpisode } from "../patients/change.ts";
import { ConflictError, NotFoundError } from "../errors.ts";
import { composeLetter } from "./compose.ts";
import type { LetterDoc } from "./document.ts";
import { letterFacts, type LetterFacts } from "./facts.ts";
import { renderLetterHtml } from "./html.ts";
import type { Letter, LetterKind, LetterVersion, Recipient, RecipientInput } from "./model.ts";
import { findRecipient, findVersion, recipientColumns, toRecipient, versionsOf } from "./repository.ts";

type Conn = Db | Knex.Transaction;

/** What a version stores: the facts and the document generated from them, and the HTML. */
export interface Generated {
  facts: LetterFacts;
  doc: LetterDoc;
  html: string;
}

/** The letter as the record stands now. Never typed from scratch: only the free text is the clinician's. */
export async function generate(db: Conn, kind: LetterKind, episode: Episode, patient: Patient, recipient: Recipient | null, author: string, freeText: string | null, nowIso: string): Promise<Generated> {
  const facts = await letterFacts(db as Db, kind, episode, patient, recipient, author, freeText, nowIso);
  const doc = composeLetter(facts);
  return { facts, doc, html: renderLetterHtml(doc) };
}

export function storedOf(version: LetterVersion): { facts: LetterFacts; doc: LetterDoc } {
  return JSON.parse(version.dataJson) as { facts: LetterFacts; doc: LetterDoc };
}

async function context(trx: Conn, letter: Letter, recipientId: number | null) {
  const episode = await findEpisode(trx, letter.episodeId);
  if (!episode) throw new NotFoundError("Episode");
  const patient = (await findPatient(trx, episode.patientId))!;
  const recipient = recipientId ? await findRecipient(trx, recipientId) : null;
  return { episode, patient, recipient };
}

const idOf = (row: unknown): number => (typeof row === "object" && row !== null ? (row as { id: number }).id : (row as number));

/** A new letter with its first draft. */
export async function createLetter(db: Db, actor: Actor, episode: Episode, kind: LetterKind, recipientId: number | null, freeText: string | null, now: string): Promise<number> {
  return changeEpisode(db, actor, episode.id, now, async (trx) => {
    const [row] = await trx("letters").insert({ episode_id: episode.id, kind, created_at: now, created_by: actor.name }).returning("id");
    const letter: Letter = { id: idOf(row), episodeId: episode.id, kind, createdAt: now, createdBy: actor.name };
    await insertVersion(trx, actor, letter, 1, recipientId, freeText, now);
    await writeAudit(trx, { at: now, actor, patientId: episode.patientId, entity: "letter", entityId: letter.id, action: "create", before: null, after: { kind, version: 1, recipientId, freeText } });
    return letter.id;
  });
}

async function insertVersion(trx: Knex.Transaction, actor: Actor, letter: Letter, version: number, recipientId: number | null, freeText: string | null, now: string): Promise<void> {
  const { episode, patient, recipient } = await context(trx, letter, recipientId);
  const g = await generate(trx, letter.kind, episode, patient, recipient, actor.displayName ?? actor.name, freeText, now);
  await trx("letter_versions").insert({
    letter_id: letter.id,
    version,
    status: "draft",
    recipient_id: recipientId,
    free_text: freeText,
    data_json: JSON.stringify({ facts: g.facts, doc: g.doc }),
    html: g.html,
    generated_at: now,
    generated_by: actor.name,
  });
}

/** Regenerates a draft from the record as it is now, with the clinician's paragraph and recipient. A sent version is refused (409). */
export async function regenerateDraft(db: Db, actor: Actor, letter: Letter, version: number, recipientId: number | null, freeText: string | null, now: string): Promise<void> {
  await changeEpisode(db, actor, letter.episodeId, now, async (trx) => {
    const before = await findVersion(trx, letter.id, version);
    if (!before) throw new NotFoundError("Letter version");
    if (before.status === "sent") throw new ConflictError(`Version ${version} was sent and cannot be changed: make a new version`);
    const { episode, patient, recipient } = await context(trx, letter, recipientId);
    const g = await generate(trx, letter.kind, episode, patient, recipient, actor.displayName ?? actor.name, freeText, now);
    const updated = await trx("letter_versions")
      .where({ id: before.id, status: "draft" })
      .update({ recipient_id: recipientId, free_text: freeText, data_json: JSON.stringify({ facts: g.facts, doc: g.doc }), html: g.html, generated_at: now, generated_by: actor.name });
    if (updated !== 1) throw new ConflictError(`Version ${version} was sent and cannot be changed: make a new version`);
    await writeAudit(trx, {
      at: now,
      actor,
      patientId: episode.patientId,
      entity: "letter",
      entityId: letter.id,
      action: "regenerate",
      before: { version, recipientId: before.recipientId, freeText: before.freeText },
      after: { version, recipientId, freeText },
    });
  });
}

/** A new draft after the latest version was sent (later changes never touch a sent version). */
export async function newVersion(db: Db, actor: Actor, letter: Letter, now: string): Promise<number> {
  return changeEpisode(db, actor, letter.episodeId, now, async (trx) => {
    const [latest] = await versionsOf(trx, letter.id);
    if (latest.status === "draft") throw new ConflictError(`Version ${latest.version} is still a draft: change that one`);
    const version = latest.version + 1;
    await insertVersion(trx, actor, letter, version, latest.recipientId, latest.freeText, now);
    const episode = (await findEpisode(trx, letter.episodeId))!;
    await writeAudit(trx, { at: now, actor, patientId: episode.patientId, entity: "letter", entityId: letter.id, action: "new-version", before: { version: latest.version }, after: { version } });
    return version;
  });
}

/** Marks a draft as sent: from now on the version is frozen. A version already sent is refused (409). */
export async function markSent(db: Db, actor: Actor, letter: Letter, version: number, now: string): Promise<void> {
  await changeEpisode(db, actor, letter.episodeId, now, async (trx) => {
    const before = await findVersion(trx, letter.id, version);
    if (!before) throw new NotFoundError("Letter version");
    const updated = await trx("letter_versions").where({ id: before.id, status: "draft" }).update({ status: "sent", sent_at: now, sent_by_id: actor.id, sent_by: actor.name });
    if (updated !== 1) throw new ConflictError(`Version ${version} was already sent on ${before.sentAt ?? "an earlier date"}; a sent letter cannot be changed`);
    const episode = (await findEpisode(trx, letter.episodeId))!;
    await writeAudit(trx, { at: now, actor, patientId: episode.patientId, entity: "letter", entityId: letter.id, action: "send", before: { version, status: "draft" }, after: { version, status: "sent", kind: letter.kind } });
  });
}

export async function createRecipient(db: Db, actor: Actor, input: RecipientInput, now: string): Promise<Recipient> {
  return db.transaction(async (trx) => {
    if (input.regional && input.kind === "sci-centre") await trx("letter_recipients").where({ kind: "sci-centre" }).update({ regional: false });
    const [row] = await trx("letter_recipients").insert({ ...recipientColumns(input), updated_at: now }).returning("*");
    const recipient = toRecipient(row);
    await writeAudit(trx, { at: now, actor, patientId: null, entity: "letter-recipient", entityId: recipient.id, action: "create", before: null, after: input });
    return recipient;
  });
}

export async function updateRecipient(db: Db, actor: Actor, id: number, input: RecipientInput, now: string): Promise<void> {
  await db.transaction(async (trx) => {
    const before = await findRecipient(trx, id);
    if (!before) throw new NotFoundError("Recipient");
    if (input.regional && input.kind === "sci-centre") await trx("letter_recipients").where({ kind: "sci-centre" }).whereNot({ id }).update({ regional: false });
    await trx("letter_recipients").where({ id }).update({ ...recipientColumns(input), updated_at: now });
    const { id: _id, ...beforeInput } = before;
    await writeAudit(trx, { at: now, actor, patientId: null, entity: "letter-recipient", entityId: id, action: "correct", before: beforeInput, after: input });
  });
}
