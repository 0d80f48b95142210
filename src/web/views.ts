import fs from "node:fs";
import path from "node:path";
import type { Express } from "express";
import Handlebars from "handlebars";
import { formatCalendarDate, formatDate, formatDateTime, formatDuration, formatTime } from "../time.ts";
import type { FieldError } from "../errors.ts";
import { repeatedHour } from "./form-values.ts";
import { newOnceKey } from "./once.ts";
import { formatNhsNumber } from "../pathway/nhs-number.ts";
import { viewsDir } from "../paths.ts";
export { viewsDir };


export const helpers = {
  eq: (a: unknown, b: unknown) => a === b,
  not: (a: unknown) => !a,
  and: (...args: unknown[]) => args.slice(0, -1).every(Boolean),
  or: (...args: unknown[]) => args.slice(0, -1).some(Boolean),
  includes: (list: unknown, value: unknown) => Array.isArray(list) && list.includes(value),
  dateTime: (v: unknown) => (v ? formatDateTime(String(v)) : ""),
  date: (v: unknown) => (v ? formatDate(String(v)) : ""),
  calendarDate: (v: unknown) => (v ? formatCalendarDate(String(v)) : ""),
  time: (v: unknown) => (v ? formatTime(String(v)) : ""),
  duration: (ms: unknown) => formatDuration(Number(ms)),
  nhsNumber: (v: unknown) => formatNhsNumber(String(v ?? "")),
  yesNo: (v: unknown) => (v === true ? "Yes" : v === false ? "No" : "Not recorded"),
  join: (list: unknown, sep: unknown) => (Array.isArray(list) ? list.join(typeof sep === "string" ? sep : ", ") : ""),
  json: (v: unknown) => JSON.stringify(v),
  /** The message for one field, from a list of field errors. */
  fieldError: (errors: unknown, field: unknown) =>
    Array.isArray(errors) ? ((errors as FieldError[]).find((e) => e.field === field)?.message ?? null) : null,
  /** `checked` when a form value equals an option. */
  checked: (value: unknown, option: unknown) => (String(value ?? "") === String(option) ? "checked" : ""),
  selected: (value: unknown, option: unknown) => (String(value ?? "") === String(option) ? "selected" : ""),
  concat: (...args: unknown[]) => args.slice(0, -1).join(""),
  add: (a: unknown, b: unknown) => Number(a) + Number(b),
  /** A fresh one-time key for each form printed, so the form is saved once however often it is sent. */
  onceKey: () => newOnceKey(),
  /** The date-and-time input asks BST or GMT only for October's repeated hour. */
  repeatedHour: (values: unknown, name: unknown) => repeatedHour((values ?? {}) as Record<string, unknown>, String(name)),
};

type Template = Handlebars.TemplateDelegate;

/**
 * The compiler is told which names are helpers, so a call such as `{{fieldError errors name}}`
 * goes straight to the helper instead of trying the helper, then the context, then helperMissing.
 * A partial's output is not re-indented to the column of its `{{> partial}}`: that split and joined
 * every partial's text by lines (about a fifth of rendering a form page) and put spaces into the
 * second and later lines of a textarea's value when a form was shown again.
 */
const COMPILE_OPTIONS: CompileOptions = {
  strict: false,
  preventIndent: true,
  knownHelpers: Object.fromEntries(Object.keys(helpers).map((name) => [name, true])),
};

/**
 * A small Handlebars view engine: views/layouts/main.hbs wraps every page (a view may pass
 * `layout: false`), partials are every file under views/partials named by their path
 * ("ward/twoc-panel"). Templates compile once; in development they are re-read on each render.
 */
export function setUpViews(app: Express, options: { cache: boolean }): void {
  const hbs = Handlebars.create();
  hbs.registerHelper(helpers);
  const compiled = new Map<string, Template>();
  let partialsLoaded = false;

  const template = (file: string): Template => {
    let found = options.cache ? compiled.get(file) : undefined;
    if (!found) {
      found = hbs.compile(fs.readFileSync(file, "utf8"), COMPILE_OPTIONS);
      compiled.set(file, found);
    }
    return found;
  };

  const loadPartials = (): void => {
    const dir = path.join(viewsDir, "partials");
    for (const file of listFiles(dir)) {
      const name = path.relative(dir, file).replace(/\\/g, "/").replace(/\.hbs$/, "");
      // Compiled here with the same options as the views, not from source at first use.
      hbs.registerPartial(name, hbs.compile(fs.readFileSync(file, "utf8"), COMPILE_OPTIONS));
    }
    partialsLoaded = true;
  };

  app.engine("hbs", (file: string, locals: object, callback: (err: unknown, html?: string) => void) => {
    try {
      if (!partialsLoaded || !options.cache) loadPartials();
      const context = locals as Record<string, unknown>;
      const body = template(file)(context);
      const layout = context.layout === false ? null : String(context.layout ?? "main");
      callback(null, layout ? template(path.join(viewsDir, "layouts", `${layout}.hbs`))({ ...context, body }) : body);
    } catch (err) {
      callback(err);
    }
  });
  app.set("view engine", "hbs");
  app.set("views", viewsDir);
  // Express then also remembers where each view file is, instead of looking on disk per render.
  app.set("view cache", options.cache);
}

function listFiles(dir: string): string[] {
  return fs.readdirSync(dir, { withFileTypes: true }).flatMap((entry) => {
    const full = path.join(dir, entry.name);
    if (entry.isDirectory()) return listFiles(full);
    return entry.name.endsWith(".hbs") ? [full] : [];
  });
}
