import type { Knex } from "knex";
import type { Db } from "../db/knex.ts";
import { toBool, toInstant, toInstantOrNull } from "../db/values.ts";
import type { Letter, LetterKind, LetterVersion, Recipient, RecipientInput, RecipientKind } from "./model.ts";

type Conn = Db | Knex.Transaction;
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
    .select("id", "letter_id", "version", "status", "recipient_id", "free_text", "generated_at", "generated_by", "sent_at", "sent_by");
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
