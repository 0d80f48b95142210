import { randomBytes } from "node:crypto";
import type { RequestHandler, Response } from "express";
import type { Db } from "../db/knex.ts";
import { isUniqueViolation } from "../db/values.ts";
import { HttpError } from "../errors.ts";

// Keys are cut from a block of random bytes drawn a few hundred at a time: one call into the
// random source per form was a measurable part of rendering a page with forms.
const KEY_BYTES = 12;
const POOL_KEYS = 256;
let pool = Buffer.alloc(0);
let offset = 0;

/** Every rendered form carries a fresh one of these as `_once` (see views/partials/csrf.hbs). */
export function newOnceKey(): string {
  if (offset + KEY_BYTES > pool.length) {
    pool = randomBytes(KEY_BYTES * POOL_KEYS);
    offset = 0;
  }
  const key = pool.toString("hex", offset, offset + KEY_BYTES);
  offset += KEY_BYTES;
  return key;
}

const ONCE = /^[0-9a-f]{24}$/;
const WAIT_FOR_FIRST_MS = 3000;
const POLL_MS = 50;
const KEEP_MS = 24 * 3600_000;

/**
 * A signed-in user's form is saved once, however often it is sent (a double click, a refresh of
 * the answer, back and send again). The first post claims the form's key; when it succeeds with a
 * redirect, the key remembers where to, and a repeat is sent there too ("already saved"). A post
 * that ends any other way (errors to correct) frees the key, so the corrected form can be sent.
 * Claims live in the database, so this holds across app instances.
 */
export function oncePerForm(db: Db, clock: () => Date = () => new Date()): RequestHandler {
  let claims = 0;
  return async (req, res, next) => {
    const once = req.method === "POST" ? (req.body as Record<string, unknown>)._once : undefined;
    const user = res.locals.user;
    if (!user || typeof once !== "string" || !ONCE.test(once)) return next();
    const key = `${user.id}:${once}`;

    if (!(await claim(db, key, clock))) {
      const firstPath = await waitForFirst(db, key, clock);
      if (firstPath === "claimed") return proceed(db, key, res, next);
      if (firstPath === null) return next(new HttpError(409, "This form is still being saved. Check the record before you send it again.", "form-in-progress"));
      req.session.flash = "This form had already been sent: it was saved once";
      return res.redirect(303, firstPath);
    }
    if (++claims % 100 === 0) await db("form_submissions").where("created_at", "<", new Date(clock().getTime() - KEEP_MS).toISOString()).delete();
    proceed(db, key, res, next);
  };
}

function proceed(db: Db, key: string, res: Response, next: (err?: unknown) => void): void {
  let saved = false;
  const redirect = res.redirect.bind(res) as (...args: unknown[]) => void;
  res.redirect = ((...args: unknown[]) => {
    saved = true;
    const path = String(args.length > 1 ? args[1] : args[0]);
    db("form_submissions")
      .where({ key })
      .update({ result_path: path.slice(0, 500) })
      .then(() => redirect(...args), next);
  }) as Response["redirect"];
  res.on("finish", () => {
    if (!saved) void db("form_submissions").where({ key }).whereNull("result_path").delete().catch(() => undefined);
  });
  next();
}

async function claim(db: Db, key: string, clock: () => Date): Promise<boolean> {
  try {
    await db("form_submissions").insert({ key, result_path: null, created_at: clock().toISOString() });
    return true;
  } catch (err) {
    if (isUniqueViolation(err)) return false;
    throw err;
  }
}

/** The first post's redirect; "claimed" when the first ended without one and this post took the key. */
async function waitForFirst(db: Db, key: string, clock: () => Date): Promise<string | "claimed" | null> {
  const until = Date.now() + WAIT_FOR_FIRST_MS;
  for (;;) {
    const row = await db("form_submissions").where({ key }).first("result_path");
    if (row?.result_path) return row.result_path as string;
    if (!row && (await claim(db, key, clock))) return "claimed";
    if (Date.now() > until) return null;
    await new Promise((resolve) => setTimeout(resolve, POLL_MS));
  }
}
