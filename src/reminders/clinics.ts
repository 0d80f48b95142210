/**
 * Clinics: where outpatient appointments happen, with the address and phone number patients are
 * given. Admins keep them at /admin/clinics (audited). An appointment's clinic, as typed on the
 * follow-up page, is matched to a clinic by name (case and spacing ignored).
 */
import type { Response } from "express";
import { type Actor, writeAudit } from "../audit/audit.ts";
import type { AppDeps } from "../deps.ts";
import { isUniqueViolation } from "../db/values.ts";
import { ConflictError, NotFoundError } from "../errors.ts";
import { wardNameKey } from "../patients/model.ts";
import { idParam } from "../web/form-values.ts";
import { formPage } from "../web/forms.ts";
import { ADMINS, type RoleRouter } from "../web/routing.ts";
import { InputReader } from "../web/validation.ts";
import type { Db } from "../db/knex.ts";
import { clinicalWordsAsTyped } from "./words.ts";

export interface ClinicInput {
  name: string;
  address: string | null;
  phone: string | null;
}

export interface Clinic extends ClinicInput {
  id: number;
}

/** A number patients can call: digits and phone punctuation only (it goes into patients' messages). */
export const PHONE_PATTERN = /^\+?[0-9][0-9 ()-]*(\s*(ext\.?|extension|x)\s*[0-9]+)?$/i;

export function readClinic(input: InputReader): ClinicInput {
  const name = input.text("name", { label: "Clinic name", required: true, max: 200 });
  const address = input.text("address", { label: "Address", max: 300 });
  const phone = input.text("phone", { label: "Clinic phone number", max: 40 });
  if (phone && !PHONE_PATTERN.test(phone)) input.fail("phone", "Enter the clinic phone number as digits, for example 0113 000 0100");
  // The name and address go into patients' reminders, which must name nothing clinical.
  for (const [field, value, label] of [["name", name, "The clinic name"], ["address", address, "The address"]] as const) {
    const found = value ? clinicalWordsAsTyped(value) : [];
    if (found.length) input.fail(field, `${label} is given to patients in their reminders, which must not name anything clinical: leave out ${found.map((w) => `"${w}"`).join(", ")}`);
  }
  return input.result({ name: name === null ? "" : name.replace(/\s+/g, " "), address, phone });
}

const toClinic = (row: Record<string, unknown>): Clinic => ({ id: row.id as number, name: row.name as string, address: (row.address as string) ?? null, phone: (row.phone as string) ?? null });

export async function listClinics(db: Db): Promise<Clinic[]> {
  return (await db("clinics").orderBy("name").select("*")).map(toClinic);
}

async function saveClinic(db: Db, actor: Actor, id: number | null, input: ClinicInput, now: string): Promise<Clinic> {
  return db.transaction(async (trx) => {
    const others: { id: number; name: string }[] = await trx("clinics").select("id", "name");
    const clash = others.find((c) => c.id !== id && wardNameKey(c.name) === wardNameKey(input.name));
    if (clash) throw new ConflictError(`There is already a clinic called "${clash.name}"`, "name");
    const before = id === null ? null : await trx("clinics").where({ id }).first();
    if (id !== null && !before) throw new NotFoundError("Clinic");
    let savedId = id;
    try {
      if (id === null) {
        const [row] = await trx("clinics").insert({ ...input, created_at: now, updated_at: now }).returning("id");
        savedId = typeof row === "object" ? (row as { id: number }).id : (row as number);
      } else {
        await trx("clinics").where({ id }).update({ ...input, updated_at: now });
      }
    } catch (err) {
      if (isUniqueViolation(err)) throw new ConflictError("There is already a clinic with this name", "name");
      throw err;
    }
    await writeAudit(trx, {
      at: now, actor, patientId: null, entity: "clinic", entityId: savedId!, action: id === null ? "add" : "correct",
      before: before ? { name: before.name, address: before.address, phone: before.phone } : null, after: input,
    });
    return { id: savedId!, ...input };
  });
}

export function clinicRoutes(pages: RoleRouter, deps: AppDeps): void {
  const { db, clock } = deps;
  const now = () => clock().toISOString();
  pages.get("/admin/clinics", ADMINS, async (_req, res) => {
    res.render("reminders/clinics", { title: "Clinics", clinics: await listClinics(db) });
  });
  const renderForm = (res: Response, model: Record<string, unknown>) => res.render("reminders/clinic-form", { backLink: { href: "/admin/clinics", text: "Clinics" }, ...model });
  formPage(pages, ADMINS, { form: "/admin/clinics/new", action: "/admin/clinics" }, {
    load: async () => null,
    initial: () => ({}),
    render: (res, _none, values, errors) => renderForm(res, { title: "Add a clinic", action: "/admin/clinics", values, errors }),
    save: async (req, _none, actor) => {
      const clinic = await saveClinic(db, actor, null, readClinic(new InputReader(req.body, "form")), now());
      return { redirect: "/admin/clinics", flash: `${clinic.name} added` };
    },
  });
  formPage(pages, ADMINS, { form: "/admin/clinics/:clinicId/edit" }, {
    load: async (req) => {
      const id = idParam(req.params.clinicId);
      const row = id ? await db("clinics").where({ id }).first() : null;
      if (!row) throw new NotFoundError("Clinic");
      return toClinic(row);
    },
    initial: (c) => ({ name: c.name, address: c.address ?? "", phone: c.phone ?? "" }),
    render: (res, c, values, errors) => renderForm(res, { title: `Correct ${c.name}`, action: `/admin/clinics/${c.id}/edit`, values, errors }),
    save: async (req, c, actor) => {
      const clinic = await saveClinic(db, actor, c.id, readClinic(new InputReader(req.body, "form")), now());
      return { redirect: "/admin/clinics", flash: `${clinic.name} corrected` };
    },
  });
}
