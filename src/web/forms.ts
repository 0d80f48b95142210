import type { Request, Response } from "express";
import type { Actor } from "../audit/audit.ts";
import { ConflictError, type FieldError, ValidationError } from "../errors.ts";
import type { Role, RoleRouter } from "./routing.ts";

/** Field errors to show on a form, or null for an error the error handler should deal with. */
export function formErrors(err: unknown): FieldError[] | null {
  if (err instanceof ValidationError) return err.errors;
  if (err instanceof ConflictError) return [{ field: err.field ?? "", message: err.message }];
  return null;
}

/** Where a saved form goes, and the confirmation shown there. */
export interface Saved {
  redirect: string;
  flash?: string;
}

/**
 * One form page. `load` reads what the page is about from the request (throwing 404 when it is
 * missing); `render` shows the form with values and field errors; `save` reads the posted form,
 * saves it and says where to go, throwing a ValidationError or ConflictError to come back with it.
 */
export interface FormPage<C> {
  load: (req: Request) => Promise<C>;
  initial: (context: C) => Record<string, unknown> | Promise<Record<string, unknown>>;
  render: (res: Response, context: C, values: Record<string, unknown>, errors?: FieldError[]) => unknown;
  save: (req: Request, context: C, actor: Actor) => Promise<Saved>;
}

/**
 * GET renders the form; POST saves and redirects (303); a refused post (invalid input, or a
 * change the record refuses) re-renders the form, status 400, with the error summary and what was typed.
 */
export function formPage<C>(router: RoleRouter, access: readonly Role[], paths: { form: string; action?: string }, page: FormPage<C>): void {
  router.get(paths.form, access, async (req, res) => {
    const context = await page.load(req);
    await page.render(res, context, await page.initial(context));
  });
  router.post(paths.action ?? paths.form, access, async (req, res, actor) => {
    const context = await page.load(req);
    try {
      const { redirect, flash } = await page.save(req, context, actor);
      if (flash) req.session.flash = flash;
      res.redirect(303, redirect);
    } catch (err) {
      const errors = formErrors(err);
      if (!errors) throw err;
      res.status(400);
      // Loaded again: the refusal may be because someone else changed the record meanwhile.
      await page.render(res, await page.load(req), req.body as Record<string, unknown>, errors);
    }
  });
}
