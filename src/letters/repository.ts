import type { Knex } from "knex";
import { toBool, toInstant, toInstantOrNull } from "../db/values.ts";
import type { Letter, LetterKind, LetterVersion, Recipient, RecipientInput, RecipientKind, SendMethod } from "./model.ts";

export type Conn = Knex | Knex.Transaction;
type Row = Record<string, unknown>;

export function toRecipient(row: Row): Recipient {
  return {
    id: row.id as number,
    kind: row.kind as RecipientKind,
    name: row.name as string,
    department: (row.department as string) ?? null,
    address: (row.address as string) ?? null,
    email: (row.email as string) ?? null,
    phone: (row.phone as string) ?? null,
    regional: toBool(row.regional),
    active: toBool(row.active),
  };
}

export function recipientColumns(input: RecipientInput): Row {
  return { kind: input.kind, name: input.name, department: input.department, address: input.address, email: input.email, phone: input.phone, regional: input.regional, active: input.active };
}

/** Recipients, regional first then by name; only active ones of the given kinds when asked. */
export async function listRecipients(db: Conn, options: { kinds?: readonly RecipientKind[]; activeOnly?: boolean } = {}): Promise<Recipient[]> {
  const q = db("letter_recipients");
  if (options.kinds) q.whereIn("kind", options.kinds as RecipientKind[]);
  if (options.activeOnly) q.where({ active: true });
  return (await q.orderBy([{ column: "kind" }, { column: "regional", order: "desc" }, { column: "name" }])).map(toRecipient);
}

export async function findRecipient(db: Conn, id: number): Promise<Recipient | null> {
  const row = await db("letter_recipients").where({ id }).first();
  return row ? toRecipient(row) : null;
}

function toLetter(row: Row): Letter {
  return { id: row.id as number, episodeId: row.episode_id as number, kind: row.kind as LetterKind, createdAt: toInstant(row.created_at), createdBy: row.created_by as string };
}

export function toVersion(row: Row): LetterVersion {
  return {
    id: row.id as number,
    letterId: row.letter_id as number,
    version: row.version as number,
    status: row.status as "draft" | "sent",
    recipientId: (row.recipient_id as number) ?? null,
    freeText: (row.free_text as string) ?? null,
    dataJson: row.data_json as string,
    html: row.html as string,
    generatedAt: toInstant(row.generated_at),
    generatedBy: row.generated_by as string,
    sentAt: toInstantOrNull(row.sent_at),
    sentBy: (row.sent_by as string) ?? null,
    sentMethod: (row.sent_method as SendMethod) ?? null,
    ccGp: toBool(row.cc_gp),
    nscisbReference: (row.nscisb_reference as string) ?? null,
    nscisbReferenceAt: toInstantOrNull(row.nscisb_reference_at),
    nscisbReferenceBy: (row.nscisb_reference_by as string) ?? null,
  };
}

export async function findLetter(db: Conn, id: number): Promise<Letter | null> {
  const row = await db("letters").where({ id }).first();
  return row ? toLetter(row) : null;
}

export async function lettersForEpisode(db: Conn, episodeId: number): Promise<(Letter & { versions: Omit<LetterVersion, "dataJson" | "html">[] })[]> {
  const letters = (await db("letters").where({ episode_id: episodeId }).orderBy("id", "desc")).map(toLetter);
  if (letters.length === 0) return [];
  const versions: Row[] = await db("letter_versions")
    .whereIn("letter_id", letters.map((l) => l.id))
    .orderBy("version", "desc")
    .select("id", "letter_id", "version", "status", "recipient_id", "free_text", "generated_at", "generated_by", "sent_at", "sent_by", "sent_method", "cc_gp", "nscisb_reference", "nscisb_reference_at", "nscisb_reference_by");
  return letters.map((l) => ({
    ...l,
    versions: versions.filter((v) => v.letter_id === l.id).map((v) => {
      const { dataJson: _d, html: _h, ...rest } = toVersion({ ...v, data_json: "", html: "" });
      return rest;
    }),
  }));
}

export async function versionsOf(db: Conn, letterId: number): Promise<LetterVersion[]> {
  return (await db("letter_versions").where({ letter_id: letterId }).orderBy("version", "desc")).map(toVersion);
}

export async function findVersion(db: Conn, letterId: number, version: number): Promise<LetterVersion | null> {
  const row = await db("letter_versions").where({ letter_id: letterId, version }).first();
  return row ? toVersion(row) : null;
}

export async function findVersionById(db: Conn, id: number): Promise<LetterVersion | null> {
  const row = await db("letter_versions").where({ id }).first();
  return row ? toVersion(row) : null;
}

// ---------------------------------------------------------------- writes (inside the episode's change)

const idOf = (row: unknown): number => (typeof row === "object" && row !== null ? (row as { id: number }).id : (row as number));

export async function insertLetter(conn: Conn, episodeId: number, l: { kind: LetterKind; createdAt: string; createdBy: string }): Promise<Letter> {
  const [row] = await conn("letters").insert({ episode_id: episodeId, kind: l.kind, created_at: l.createdAt, created_by: l.createdBy }).returning("id");
  return { id: idOf(row), episodeId, kind: l.kind, createdAt: l.createdAt, createdBy: l.createdBy };
}

/** What a draft holds: the recipient and free text it was generated with, the generated data and HTML, and when and by whom. */
export type DraftContent = Pick<LetterVersion, "recipientId" | "freeText" | "ccGp" | "dataJson" | "html" | "generatedAt" | "generatedBy">;

const draftColumns = (d: DraftContent) => ({ recipient_id: d.recipientId, free_text: d.freeText, cc_gp: d.ccGp, data_json: d.dataJson, html: d.html, generated_at: d.generatedAt, generated_by: d.generatedBy });

export async function insertDraftVersion(conn: Conn, letterId: number, version: number, d: DraftContent): Promise<void> {
  await conn("letter_versions").insert({ letter_id: letterId, version, status: "draft", ...draftColumns(d) });
}

/** Rewrites a version only while it is a draft; false when it was not (already sent). */
export async function rewriteDraft(conn: Conn, versionId: number, d: DraftContent): Promise<boolean> {
  const updated = await conn("letter_versions").where({ id: versionId, status: "draft" }).update(draftColumns(d));
  return updated === 1;
}

/** Marks a draft as sent; false when the version was not a draft (already sent). */
export async function markVersionSent(conn: Conn, versionId: number, s: { sentAt: string; sentById: number | null; sentBy: string; method: SendMethod }): Promise<boolean> {
  const updated = await conn("letter_versions").where({ id: versionId, status: "draft" }).update({ status: "sent", sent_at: s.sentAt, sent_by_id: s.sentById, sent_by: s.sentBy, sent_method: s.method });
  return updated === 1;
}

/** Records (or corrects) the National Spinal Cord Injury Database's reference of a sent version. */
export async function setNscisbReference(conn: Conn, versionId: number, r: { reference: string; at: string; by: string }): Promise<void> {
  await conn("letter_versions").where({ id: versionId, status: "sent" }).update({ nscisb_reference: r.reference, nscisb_reference_at: r.at, nscisb_reference_by: r.by });
}

// ---------------------------------------------------------------- recipients (the directory, not an episode's record)

export async function insertRecipient(conn: Conn, input: RecipientInput, updatedAt: string): Promise<Recipient> {
  const [row] = await conn("letter_recipients").insert({ ...recipientColumns(input), updated_at: updatedAt }).returning("*");
  return toRecipient(row);
}

export async function updateRecipientDetails(conn: Conn, id: number, input: RecipientInput, updatedAt: string): Promise<void> {
  await conn("letter_recipients").where({ id }).update({ ...recipientColumns(input), updated_at: updatedAt });
}

/** Takes the regional mark off every recipient of a kind (but `exceptId`). */
export async function clearRegional(conn: Conn, kind: RecipientKind, exceptId?: number): Promise<void> {
  await conn("letter_recipients")
    .where({ kind })
    .modify((q) => (exceptId === undefined ? q : q.whereNot({ id: exceptId })))
    .update({ regional: false });
}
