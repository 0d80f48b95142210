import type { FieldError } from "../errors.ts";
import { ValidationError } from "../errors.ts";
import { londonLocalToInstant } from "../time.ts";

const MAX_TEXT = 2000;
const EMAIL = /^[^\s@<>"]+@[^\s@<>"]+\.[^\s@<>"]+$/;
/** Control characters (not tab or line breaks): never typed by a person, and PostgreSQL refuses NUL in text. */
// eslint-disable-next-line no-control-regex -- matching control characters is the point
export const CONTROL_CHARACTERS = /[\u0000-\u0008\u000B\u000C\u000E-\u001F\u007F]/;
const ISO_WITH_OFFSET = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}(:\d{2}(\.\d{1,9})?)?(Z|[+-]\d{2}:\d{2})$/;

/** Characters that change how text is shown without being seen: direction overrides and zero-width marks. */
const INVISIBLE_OR_BIDI = /[\u200B-\u200F\u202A-\u202E\u2060-\u2064\u2066-\u2069\uFEFF]/;
const LINE_BREAK = /[\r\n\u2028\u2029]/;

interface TextOptions {
  label: string;
  required?: boolean;
  max?: number;
  /** One line only (a bed, a ward): a line break is refused. */
  line?: boolean;
  /**
   * A person's or place's name: one line, no invisible or direction-changing characters (with
   * them two patients could look identical), stored in Unicode NFC so equal names compare equal.
   */
  name?: boolean;
}

/**
 * Turns an untrusted body (an HTML form or JSON) into typed values, collecting one clear
 * message per field instead of throwing at the first problem. Nothing here trusts types:
 * arrays, objects, numbers and megabyte strings all end as field errors.
 */
export class InputReader {
  readonly errors: FieldError[] = [];
  private readonly body: Record<string, unknown>;

  constructor(
    body: unknown,
    readonly mode: "form" | "json",
  ) {
    this.body = body && typeof body === "object" && !Array.isArray(body) ? (body as Record<string, unknown>) : {};
    if (mode === "json" && (typeof body !== "object" || body === null || Array.isArray(body))) {
      this.fail("body", "The request body must be a JSON object");
    }
  }

  fail(field: string, message: string): null {
    if (!this.errors.some((e) => e.field === field)) this.errors.push({ field, message });
    return null;
  }

  has(field: string): boolean {
    const v = this.body[field];
    return v !== undefined && v !== null && v !== "";
  }

  raw(field: string): unknown {
    return this.body[field];
  }

  text(field: string, options: TextOptions): string | null {
    const value = this.body[field];
    const max = options.max ?? MAX_TEXT;
    if (value === undefined || value === null || (typeof value === "string" && value.trim() === "")) {
      return options.required ? this.fail(field, `Enter ${inSentence(options.label)}`) : null;
    }
    if (typeof value !== "string") return this.fail(field, `${options.label} must be text`);
    if (CONTROL_CHARACTERS.test(value)) return this.fail(field, `${options.label} must not contain control characters`);
    if ((options.line || options.name) && LINE_BREAK.test(value.trim())) return this.fail(field, `${options.label} must be on one line`);
    if (options.name && INVISIBLE_OR_BIDI.test(value)) {
      return this.fail(field, `${options.label} must not contain invisible or text-direction characters`);
    }
    const trimmed = options.name ? value.trim().normalize("NFC") : value.trim();
    if (trimmed.length > max) return this.fail(field, `${options.label} must be ${max} characters or fewer`);
    return trimmed;
  }

  choice<T extends string>(field: string, options: readonly T[], labels: { label: string; required?: boolean }): T | null {
    const value = this.body[field];
    if (value === undefined || value === null || value === "") {
      return labels.required ? this.fail(field, `Select ${inSentence(labels.label)}`) : null;
    }
    if (typeof value !== "string" || !(options as readonly string[]).includes(value)) {
      return this.fail(field, `${labels.label} must be one of: ${options.join(", ")}`);
    }
    return value as T;
  }

  /** Forms send "yes"/"no"; JSON sends true/false. Absent gives null unless required. */
  bool(field: string, options: { label: string; required?: boolean }): boolean | null {
    const value = this.body[field];
    if (value === undefined || value === null || value === "") {
      return options.required ? this.fail(field, `Select whether ${inSentence(options.label)}`) : null;
    }
    if (this.mode === "json") {
      if (typeof value !== "boolean") return this.fail(field, `${field} must be true or false`);
      return value;
    }
    if (value === "yes" || value === "true") return true;
    if (value === "no" || value === "false") return false;
    return this.fail(field, `Select yes or no for whether ${inSentence(options.label)}`);
  }

  /** A checkbox: present means ticked. */
  checkbox(field: string): boolean {
    const value = this.body[field];
    return value === "yes" || value === "true" || value === "on" || value === true;
  }

  integer(field: string, options: { label: string; min: number; max: number; unit?: string; required?: boolean }): number | null {
    const value = this.body[field];
    const unit = options.unit ? ` ${options.unit}` : "";
    if (value === undefined || value === null || value === "") {
      return options.required ? this.fail(field, `Enter ${inSentence(options.label)}`) : null;
    }
    // JSON callers send numbers, as the OpenAPI document says; forms send text.
    // A form's number may carry its unit as typed ("80 ml", "80ml"): the unit is the field's own, so it is read off.
    const typed = typeof value === "string" && this.mode === "form" ? value.trim() : null;
    const text = typeof value === "number" ? String(value) : typed !== null && options.unit ? stripUnit(typed, options.unit) : typed;
    if (text === null || !/^-?\d+$/.test(text)) {
      return this.fail(field, `${options.label} must be a whole number${unit ? ` of${unit}` : ""}`);
    }
    const n = Number(text);
    if (n < options.min || n > options.max) {
      return this.fail(field, `${options.label} must be between ${options.min} and ${options.max}${unit}`);
    }
    return n;
  }

  email(field: string, options: { label: string; required?: boolean }): string | null {
    const value = this.text(field, { ...options, max: 320 });
    if (value !== null && !EMAIL.test(value)) return this.fail(field, `Enter ${inSentence(options.label)} in the right format, like name@example.nhs.uk`);
    return value;
  }

  /** A calendar date: JSON "YYYY-MM-DD"; forms the three inputs `${field}-day`, `-month`, `-year`. */
  date(field: string, options: { label: string; required?: boolean }): string | null {
    let text: string | null;
    if (this.mode === "json") {
      const value = this.body[field];
      if (value === undefined || value === null || value === "") return options.required ? this.fail(field, `Enter ${inSentence(options.label)}`) : null;
      if (typeof value !== "string") return this.fail(field, `${options.label} must be a date like 1970-01-31`);
      text = value;
    } else {
      const parts = ["day", "month", "year"].map((p) => this.body[`${field}-${p}`]);
      if (parts.every((p) => p === undefined || p === "")) return options.required ? this.fail(field, `Enter ${inSentence(options.label)}`) : null;
      if (!parts.every((p) => typeof p === "string" && /^\d{1,4}$/.test(p.trim()))) {
        return this.fail(field, `${options.label} must be a real date, for example 31 1 1970`);
      }
      const [d, m, y] = parts.map((p) => (p as string).trim());
      text = `${y.padStart(4, "0")}-${m.padStart(2, "0")}-${d.padStart(2, "0")}`;
    }
    if (!isRealDate(text)) return this.fail(field, `${options.label} must be a real date${this.mode === "json" ? " like 1970-01-31" : ", for example 31 1 1970"}`);
    return text;
  }

  /**
   * An instant: JSON an ISO 8601 string with an offset; forms a date (three inputs) and a
   * `${field}-time` "HH:MM" read as UK time.
   */
  instant(field: string, options: { label: string; required?: boolean }): string | null {
    if (this.mode === "json") {
      const value = this.body[field];
      if (value === undefined || value === null || value === "") return options.required ? this.fail(field, `Enter ${inSentence(options.label)}`) : null;
      if (typeof value !== "string" || !isRealIsoInstant(value)) {
        return this.fail(field, `${options.label} must be an ISO 8601 time with an offset, like 2026-11-24T08:30:00Z`);
      }
      return new Date(value).toISOString();
    }
    const timeValue = this.body[`${field}-time`];
    const dateGiven = ["day", "month", "year"].some((p) => this.has(`${field}-${p}`));
    if (!dateGiven && (timeValue === undefined || timeValue === "")) {
      return options.required ? this.fail(field, `Enter ${inSentence(options.label)}`) : null;
    }
    const date = this.date(field, { label: options.label, required: true });
    if (date === null) return null;
    if (typeof timeValue !== "string" || !/^\d{1,2}[:.]\d{2}$/.test(timeValue.trim())) {
      return this.fail(field, `Enter the time of ${inSentence(options.label)} as hours and minutes, like 14:30`);
    }
    const zoneValue = this.body[`${field}-zone`];
    const zone = zoneValue === "BST" || zoneValue === "GMT" ? zoneValue : undefined;
    const time = timeValue.trim().replace(".", ":");
    const local = londonLocalToInstant(date, time, zone);
    if (local.ok && local.repeated && !zone) {
      return this.fail(field, `${options.label}: ${time} happened twice that night (the clocks went back): choose BST for the first ${time} or GMT for the second`);
    }
    if (!local.ok) {
      return this.fail(
        field,
        local.reason === "nonexistent"
          ? `${options.label}: that time does not exist in the UK (the clocks went forward)`
          : `Enter the time of ${inSentence(options.label)} as hours and minutes, like 14:30`,
      );
    }
    return local.instant;
  }

  /** Fields a JSON caller sent that the endpoint does not know are refused, so typos are not silently dropped. */
  rejectUnknown(known: readonly string[]): void {
    if (this.mode !== "json") return;
    for (const key of Object.keys(this.body)) {
      if (!known.includes(key)) this.fail(key, `${key} is not a field of this request`);
    }
  }

  /** Throws a ValidationError when anything was wrong; otherwise returns the value built from the fields. */
  result<T>(value: T): T {
    if (this.errors.length > 0) throw new ValidationError(this.errors);
    return value;
  }
}

/**
 * An ISO 8601 time with an offset whose every part is real. Date.parse alone is not enough:
 * it turns 2026-02-30 into 2 March and 24:00 into the next day.
 */
function isRealIsoInstant(text: string): boolean {
  const m = ISO_WITH_OFFSET.exec(text);
  if (!m || !isRealDate(text.slice(0, 10))) return false;
  const [hour, minute, second] = [text.slice(11, 13), text.slice(14, 16), m[1] ? text.slice(17, 19) : "0"].map(Number);
  const offset = /([+-])(\d{2}):(\d{2})$/.exec(text);
  // No zone is more than 14 hours from UTC.
  if (offset && (Number(offset[3]) > 59 || Number(offset[2]) * 60 + Number(offset[3]) > 14 * 60)) return false;
  return hour < 24 && minute < 60 && second < 60 && !Number.isNaN(Date.parse(text));
}

export function isRealDate(text: string): boolean {
  const m = /^(\d{4})-(\d{2})-(\d{2})$/.exec(text);
  if (!m) return false;
  const [y, mo, d] = [Number(m[1]), Number(m[2]), Number(m[3])];
  if (y < 1900 || y > 2200) return false;
  const date = new Date(Date.UTC(y, mo - 1, d));
  return date.getUTCFullYear() === y && date.getUTCMonth() === mo - 1 && date.getUTCDate() === d;
}

/**
 * A label or title as it reads inside a sentence: the first letter lower-cased only when it starts
 * an ordinary word, so "Letter to the GP" reads "letter to the GP" and "CES symptoms" stays as it is.
 */
export function inSentence(text: string): string {
  return /^[A-Z][a-z]/.test(text) ? text[0].toLowerCase() + text.slice(1) : text;
}

function stripUnit(text: string, unit: string): string {
  const lower = text.toLowerCase();
  const suffix = unit.toLowerCase();
  return lower.endsWith(suffix) ? text.slice(0, text.length - suffix.length).trimEnd() : text;
}
