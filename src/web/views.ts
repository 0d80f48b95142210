import path from "node:path";
import { fileURLToPath } from "node:url";
import type { Express } from "express";
import { engine } from "express-handlebars";
import Handlebars from "handlebars";
import { formatCalendarDate, formatDate, formatDateTime, formatDuration, formatTime } from "./time.ts";
import type { FieldError } from "./errors.ts";

export const viewsDir = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "../../views");

/** "9434765919" -> "943 476 5919", the way NHS numbers are read out and printed. */
export function formatNhsNumber(value: string): string {
  const digits = String(value ?? "").replace(/\s/g, "");
  return digits.length === 10 ? `${digits.slice(0, 3)} ${digits.slice(3, 6)} ${digits.slice(6)}` : digits;
}

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
  lowerCase: (v: unknown) => String(v ?? "").toLowerCase(),
};

export function setUpViews(app: Express): void {
  app.engine(
    "hbs",
    engine({
      extname: ".hbs",
      defaultLayout: "main",
      layoutsDir: path.join(viewsDir, "layouts"),
      partialsDir: path.join(viewsDir, "partials"),
      helpers,
      handlebars: Handlebars,
    }),
  );
  app.set("view engine", "hbs");
  app.set("views", viewsDir);
}
