import type { Request, Response } from "express";
import type { Actor } from "../audit/audit.ts";
import type { AppDeps } from "../deps.ts";
import type { FieldError } from "../errors.ts";
import { NotFoundError } from "../errors.ts";
import { formErrors, formPage } from "../web/forms.ts";
import { idParam } from "../web/form-values.ts";
import type { RoleRouter } from "../web/routing.ts";
import { ADMINS } from "../web/routing.ts";
import { InputReader } from "../web/validation.ts";
import { addFormSection, listFormSections, moveFormSection, placeFields, readDirection, readPlacement, readSectionName, removeFormSection, renameFormSection } from "./referral-form.ts";
import { type FormSection, PACK_FIELDS } from "./referral-pack.ts";

const PAGE = "/admin/referral-form";

/** The admin pages for the online form's sections: order, names, and which pack fields go in each. */
export function referralFormRoutes(pages: RoleRouter, deps: AppDeps): void {
  const { db, clock } = deps;
  const now = () => clock().toISOString();

  /** The page; `posted` is the body of a refused post, so what was chosen is shown again. */
  const renderPage = async (res: Response, errors?: FieldError[], posted: Record<string, unknown> = {}) => {
    const sections = await listFormSections(db);
    const sectionOf = (key: string) => sections.find((s) => (s.fields as string[]).includes(key))?.id ?? null;
    res.render("letters/referral-form", {
      title: "Referral form sections",
      backLink: { href: "/admin/recipients", text: "Back to letter recipients" },
      sections: sections.map((s, i) => ({
        ...s,
        number: i + 1,
        first: i === 0,
        last: i === sections.length - 1,
        fieldLabels: s.fields.map((k) => PACK_FIELDS.find((f) => f.key === k)!.label),
      })),
      fields: PACK_FIELDS.map((f) => {
        const chosen = posted[`field-${f.key}`] === undefined ? String(sectionOf(f.key) ?? "none") : String(posted[`field-${f.key}`]);
        return {
          key: f.key,
          label: f.label,
          options: [...sections.map((s, i) => ({ value: String(s.id), text: `${i + 1}. ${s.name}` })), { value: "none", text: "Not in a form section" }].map((o) => ({ ...o, selected: o.value === chosen })),
        };
      }),
      values: { name: typeof posted.name === "string" ? posted.name : "" },
      errors,
    });
  };

  /** Runs a change posted from the page; a refusal comes back to the page with its error summary (400). */
  const postFromPage = (path: string, change: (req: Request, actor: Actor) => Promise<string>) =>
    pages.post(path, ADMINS, async (req, res, actor) => {
      try {
        req.session.flash = await change(req, actor);
      } catch (err) {
        const errors = formErrors(err);
        if (!errors) throw err;
        res.status(400);
        return renderPage(res, errors, req.body as Record<string, unknown>);
      }
      res.redirect(303, PAGE);
    });

  const loadSection = async (req: Request): Promise<FormSection> => {
    const id = idParam(req.params.sectionId);
    const section = id ? (await listFormSections(db)).find((s) => s.id === id) : undefined;
    if (!section) throw new NotFoundError("Form section");
    return section;
  };

  pages.get(PAGE, ADMINS, async (_req, res) => renderPage(res));

  postFromPage(`${PAGE}/sections`, async (req, actor) => {
    const name = readSectionName(new InputReader(req.body, "form"));
    await addFormSection(db, actor, name, now());
    return `Section "${name}" added at the end`;
  });

  postFromPage(`${PAGE}/sections/:sectionId/move`, async (req, actor) => {
    const section = await loadSection(req);
    const direction = readDirection(new InputReader(req.body, "form"));
    const moved = await moveFormSection(db, actor, section.id, direction, now());
    return `"${moved.name}" moved ${direction}`;
  });

  postFromPage(`${PAGE}/sections/:sectionId/remove`, async (req, actor) => {
    const section = await loadSection(req);
    const removed = await removeFormSection(db, actor, section.id, now());
    return `"${removed.name}" removed${removed.fields.length ? ": its fields are now under \"Not in a form section\"" : ""}`;
  });

  postFromPage(`${PAGE}/fields`, async (req, actor) => {
    const placement = readPlacement(new InputReader(req.body, "form"), await listFormSections(db));
    await placeFields(db, actor, placement, now());
    return "Fields placed in their form sections";
  });

  formPage(pages, ADMINS, { form: `${PAGE}/sections/:sectionId` }, {
    load: loadSection,
    initial: (section) => ({ name: section.name }),
    render: (res, section, values, errors) =>
      res.render("letters/referral-form-section", { title: `Rename "${section.name}"`, backLink: { href: PAGE, text: "Back to the referral form sections" }, section, values, errors }),
    save: async (req, section, actor) => {
      const name = readSectionName(new InputReader(req.body, "form"));
      const renamed = await renameFormSection(db, actor, section.id, name, now());
      return { redirect: PAGE, flash: `"${renamed.name}" is now called "${name}"` };
    },
  });
}
