/**
 * The National Spinal Cord Injury Database's online referral form as this service knows it: its
 * sections in order, each with the pack fields that go in it. Reference data an admin keeps; every
 * change and its audit row (the whole layout before and after) are one transaction, which takes
 * the layout's lock before it reads, so changes posted at the same moment apply one on top of
 * the other: none is lost, no name is taken twice, and each audit row starts where the last ended.
 */
import type { Knex } from "knex";
import { type Actor, writeAudit } from "../audit/audit.ts";
import { type Db, isPostgres } from "../db/knex.ts";
import { ConflictError, NotFoundError } from "../errors.ts";
import type { InputReader } from "../web/validation.ts";
import { type FormSection, PACK_FIELD_KEYS, PACK_FIELD_LABELS, type PackFieldKey } from "./referral-pack.ts";
import type { Conn } from "./repository.ts";

const TABLE = "referral_form_sections";

function toSection(row: Record<string, unknown>): FormSection {
  let fields: unknown;
  try {
    fields = JSON.parse(String(row.fields));
  } catch {
    fields = [];
  }
  // A key the pack no longer offers is dropped rather than shown as a blank.
  const known = Array.isArray(fields) ? fields.filter((k): k is PackFieldKey => PACK_FIELD_KEYS.includes(k as PackFieldKey)) : [];
  return { id: row.id as number, name: row.name as string, fields: known };
}

/** The form's sections in their order. */
export async function listFormSections(db: Conn): Promise<FormSection[]> {
  return (await db(TABLE).orderBy([{ column: "position" }, { column: "id" }])).map(toSection);
}

/** The layout as the audit trail keeps it: names and field keys, in order. */
const summary = (sections: FormSection[]) => sections.map((s) => ({ name: s.name, packFields: s.fields }));

/**
 * Locks the layout for the rest of the transaction, before it is read. PostgreSQL: a table lock
 * that only layout changes take (plain reads, such as the pack page, go on); a second change waits
 * for the first to commit, then reads what it stored. Taken first and alone, it cannot deadlock.
 * SQLite: transactions take the write lock when they begin (see db/knex.ts), so there is nothing
 * more to take.
 */
async function lockLayout(db: Db, trx: Knex.Transaction): Promise<void> {
  if (isPostgres(db)) await trx.raw("LOCK TABLE ?? IN SHARE ROW EXCLUSIVE MODE", [TABLE]);
}

type NewLayout = (Omit<FormSection, "id"> & { id: number | null })[];

/**
 * Runs one change to the layout in a transaction, under the layout's lock: `change` gets the
 * sections in order as stored and returns them as they should be (order, names and fields);
 * positions are written 1, 2, 3 ... and the whole layout, as read and as written, goes into one
 * audit row. Returns the sections as they were under the lock, before the change.
 */
async function changeLayout(db: Db, actor: Actor, now: string, action: string, entityId: number | null, change: (sections: FormSection[]) => NewLayout): Promise<FormSection[]> {
  return db.transaction(async (trx) => {
    await lockLayout(db, trx);
    const before = await listFormSections(trx);
    const after = change(before);
    if (JSON.stringify(after) === JSON.stringify(before)) return before; // nothing changed: nothing written
    const keep = new Set(after.map((s) => s.id));
    for (const s of before) if (!keep.has(s.id)) await trx(TABLE).where({ id: s.id }).delete();
    let position = 1;
    for (const s of after) {
      const row = { position: position++, name: s.name, fields: JSON.stringify(s.fields), updated_at: now };
      if (s.id === null) await trx(TABLE).insert(row);
      else await trx(TABLE).where({ id: s.id }).update(row);
    }
    await writeAudit(trx, { at: now, actor, patientId: null, entity: "referral-form", entityId, action, before: { sections: summary(before) }, after: { sections: summary(after as FormSection[]) } });
    return before;
  });
}

/** A name as compared for clashes: trimmed, inner spaces as one, any case. */
const nameKey = (name: string) => name.trim().replace(/\s+/g, " ").toLowerCase();

function refuseClash(sections: FormSection[], name: string, exceptId: number | null): void {
  const key = nameKey(name);
  const clash = sections.find((s) => s.id !== exceptId && nameKey(s.name) === key);
  if (clash) throw new ConflictError(`There is already a section called "${clash.name}": choose another name`, "name");
}

function find(sections: FormSection[], id: number): FormSection {
  const found = sections.find((s) => s.id === id);
  if (!found) throw new NotFoundError("Form section");
  return found;
}

export async function addFormSection(db: Db, actor: Actor, name: string, now: string): Promise<void> {
  await changeLayout(db, actor, now, "add-section", null, (sections) => {
    refuseClash(sections, name, null);
    return [...sections, { id: null, name, fields: [] }];
  });
}

/** Renames a section; returns it as it was. */
export async function renameFormSection(db: Db, actor: Actor, id: number, name: string, now: string): Promise<FormSection> {
  const before = await changeLayout(db, actor, now, "rename-section", id, (sections) => {
    find(sections, id);
    refuseClash(sections, name, id);
    return sections.map((s) => (s.id === id ? { ...s, name } : s));
  });
  return find(before, id);
}

/** Moves a section one place up or down; at the top (or bottom) it stays where it is. Returns the section. */
export async function moveFormSection(db: Db, actor: Actor, id: number, direction: "up" | "down", now: string): Promise<FormSection> {
  const before = await changeLayout(db, actor, now, `move-section-${direction}`, id, (sections) => {
    const from = sections.indexOf(find(sections, id));
    const to = direction === "up" ? from - 1 : from + 1;
    if (to < 0 || to >= sections.length) return sections;
    const order = [...sections];
    [order[from], order[to]] = [order[to], order[from]];
    return order;
  });
  return find(before, id);
}

/** Removes a section; its fields are then in no section, and the pack lists them at the end. Returns it as it was. */
export async function removeFormSection(db: Db, actor: Actor, id: number, now: string): Promise<FormSection> {
  const before = await changeLayout(db, actor, now, "remove-section", id, (sections) => {
    find(sections, id);
    return sections.filter((s) => s.id !== id);
  });
  return find(before, id);
}

/**
 * Puts each pack field in the section chosen for it (or in none). A field that stays in its
 * section keeps its place there; a field moved into a section goes at the end of it.
 */
export async function placeFields(db: Db, actor: Actor, placement: Map<PackFieldKey, number | null>, now: string): Promise<void> {
  await changeLayout(db, actor, now, "place-fields", null, (sections) => {
    // The page offered the sections as they were when it was read; one may have gone since.
    for (const [key, target] of placement) {
      if (target !== null && !sections.some((s) => s.id === target)) {
        throw new ConflictError(`The section chosen for "${PACK_FIELD_LABELS[key]}" has been removed since the page was shown: choose its form section again`, `field-${key}`);
      }
    }
    return sections.map((s) => {
      const staying = s.fields.filter((k) => placement.get(k) === s.id);
      const arriving = PACK_FIELD_KEYS.filter((k) => placement.get(k) === s.id && !staying.includes(k));
      return { ...s, fields: [...staying, ...arriving] };
    });
  });
}

// ---------------------------------------------------------------- form input

export function readSectionName(input: InputReader): string {
  const name = input.text("name", { label: "Section name", required: true, max: 120, name: true });
  return input.result(name === null ? "" : name.replace(/\s+/g, " "));
}

export function readDirection(input: InputReader): "up" | "down" {
  return input.result(input.choice("direction", ["up", "down"] as const, { label: "Direction", required: true })!);
}

/** Each field's section, from selects named `field-<key>`: a section's id, or "none". Every field must be given. */
export function readPlacement(input: InputReader, sections: FormSection[]): Map<PackFieldKey, number | null> {
  const placement = new Map<PackFieldKey, number | null>();
  for (const key of PACK_FIELD_KEYS) {
    const field = `field-${key}`;
    const raw = input.raw(field);
    if (raw === "none") placement.set(key, null);
    else if (typeof raw === "string" && sections.some((s) => String(s.id) === raw)) placement.set(key, Number(raw));
    else input.fail(field, `Choose the form section for "${PACK_FIELD_LABELS[key]}", or "Not in a form section"`);
  }
  return input.result(placement);
}
