/**
 * Reading a FHIR query string: only the parameters a route supports, each once, each well formed;
 * anything else is refused (400 OperationOutcome), never ignored. And the searchset Bundle with its
 * next link.
 */
import type { Bundle, Resource } from "@medplum/fhirtypes";
import { londonLocalToInstant } from "../time.ts";
import { invalid, notSupported } from "./outcome.ts";

export const DEFAULT_COUNT = 50;
export const MAX_COUNT = 100;
const MAX_OFFSET = 1_000_000;

/** A FHIR id as the spec allows it: [A-Za-z0-9-.]{1,64}. */
const FHIR_ID = /^[A-Za-z0-9.-]{1,64}$/;

/** Accepted everywhere: `_format` asking for JSON (the only format served). */
const FORMATS = new Set(["json", "application/json", "application/fhir+json"]);

/** A range of instants in ms, both ends inclusive; hi may be Infinity (an open period). */
export interface Range {
  lo: number;
  hi: number;
}

export interface DateBound {
  prefix: "ge" | "le";
  range: Range;
}

/** The query as read: one string per parameter, checked against the parameters allowed. */
export class FhirQuery {
  private readonly values = new Map<string, string[]>();

  constructor(query: unknown, allowed: readonly string[]) {
    const entries = typeof query === "object" && query !== null ? Object.entries(query as Record<string, unknown>) : [];
    for (const [name, raw] of entries) {
      const list = Array.isArray(raw) ? raw : [raw];
      if (list.some((v) => typeof v !== "string")) throw invalid(`The parameter ${name} could not be read`);
      if (name === "_format") {
        if (!list.every((v) => FORMATS.has(v as string))) throw notSupported("Only JSON is served (_format=json)");
        continue;
      }
      if (!allowed.includes(name)) {
        const supported = allowed.length > 0 ? `Supported here: ${allowed.join(", ")}` : "This interaction takes no parameters";
        throw notSupported(`The parameter ${name} is not supported. ${supported}`);
      }
      this.values.set(name, list as string[]);
    }
  }

  /** One value of a parameter; sent twice is refused (except where noted, as for date). */
  one(name: string): string | undefined {
    const list = this.values.get(name);
    if (!list) return undefined;
    if (list.length > 1) throw invalid(`Send ${name} once`);
    if (list[0] === "") throw invalid(`${name} is empty`);
    return list[0];
  }

  all(name: string): string[] {
    return this.values.get(name) ?? [];
  }

  /** `Patient/12` or `12` (for patient=), the id part only. */
  reference(name: string, type: string): string | undefined {
    const value = this.one(name);
    if (value === undefined) return undefined;
    const id = value.startsWith(`${type}/`) ? value.slice(type.length + 1) : value;
    if (!FHIR_ID.test(id)) throw invalid(`${name} must be a ${type} id or ${type}/id, not "${value}"`);
    return id;
  }

  dates(name: string): DateBound[] {
    return this.all(name).map((value) => parseDateBound(name, value));
  }

  /** _count (1 to MAX_COUNT) and _offset (from a next link). */
  page(): { count: number; offset: number } {
    const count = this.integer("_count", 1, MAX_COUNT) ?? DEFAULT_COUNT;
    const offset = this.integer("_offset", 0, MAX_OFFSET) ?? 0;
    return { count, offset };
  }

  private integer(name: string, min: number, max: number): number | undefined {
    const value = this.one(name);
    if (value === undefined) return undefined;
    if (!/^\d{1,7}$/.test(value) || Number(value) < min || Number(value) > max) throw invalid(`${name} must be a whole number from ${min} to ${max}`);
    return Number(value);
  }
}

export function isFhirId(value: string): boolean {
  return FHIR_ID.test(value);
}

const DATE_TIME = /^(\d{4})-(\d{2})-(\d{2})T(\d{2}):(\d{2})(?::(\d{2})(?:\.\d{1,9})?)?(Z|[+-]\d{2}:\d{2})$/;
const PARTIAL_DATE = /^(\d{4})(?:-(\d{2})(?:-(\d{2}))?)?$/;

/**
 * `ge2026-11-24`, `le2026-11-24T10:00:00Z`. Only the ge and le prefixes. A date without a time is
 * the whole day (month, year) in UK time, as the app shows dates; a time must carry its offset.
 */
export function parseDateBound(name: string, value: string): DateBound {
  const prefix = value.slice(0, 2);
  if (prefix !== "ge" && prefix !== "le") throw invalid(`${name} must start with ge or le (the only comparisons supported), as in ${name}=ge2026-11-24`);
  const range = parseDateValue(value.slice(2));
  if (!range) throw invalid(`${name} has no valid date: use YYYY-MM-DD, or YYYY-MM-DDThh:mm:ss with Z or an offset such as +01:00`);
  return { prefix, range };
}

function parseDateValue(text: string): Range | null {
  const timed = DATE_TIME.exec(text);
  if (timed) {
    const [, y, mo, d, h, mi, s] = timed;
    if (!validDay(+y, +mo, +d) || +h > 23 || +mi > 59 || (s !== undefined && +s > 59)) return null;
    const at = Date.parse(text);
    return Number.isNaN(at) ? null : { lo: at, hi: at };
  }
  const partial = PARTIAL_DATE.exec(text);
  if (!partial) return null;
  const [, y, mo, d] = partial;
  const year = +y;
  const month = mo === undefined ? null : +mo;
  if (year < 1 || (month !== null && (month < 1 || month > 12))) return null;
  if (d !== undefined && !validDay(year, month!, +d)) return null;
  const start = d !== undefined ? [year, month!, +d] : [year, month ?? 1, 1];
  const next = d !== undefined ? addDay(year, month!, +d) : month !== null ? [month === 12 ? year + 1 : year, month === 12 ? 1 : month + 1, 1] : [year + 1, 1, 1];
  const lo = londonMidnight(start);
  const hiExclusive = londonMidnight(next);
  return lo === null || hiExclusive === null ? null : { lo, hi: hiExclusive - 1 };
}

function validDay(year: number, month: number, day: number): boolean {
  if (month < 1 || month > 12 || day < 1) return false;
  return day <= new Date(Date.UTC(year, month, 0)).getUTCDate();
}

function addDay(year: number, month: number, day: number): number[] {
  const next = new Date(Date.UTC(year, month - 1, day + 1));
  return [next.getUTCFullYear(), next.getUTCMonth() + 1, next.getUTCDate()];
}

function londonMidnight([y, m, d]: number[]): number | null {
  const date = `${String(y).padStart(4, "0")}-${String(m).padStart(2, "0")}-${String(d).padStart(2, "0")}`;
  const result = londonLocalToInstant(date, "00:00");
  return result.ok ? Date.parse(result.instant) : null;
}

/** A resource's date (an instant, a calendar date or a period) as a range, for date searches. */
export function rangeOf(value: string | { start?: string; end?: string } | undefined): Range | null {
  if (value === undefined) return null;
  if (typeof value === "string") return parseDateValue(value) ?? pointOf(value);
  const start = value.start ? rangeOf(value.start) : null;
  const end = value.end ? rangeOf(value.end) : null;
  return { lo: start?.lo ?? -Infinity, hi: end?.hi ?? Infinity };
}

function pointOf(value: string): Range | null {
  const at = Date.parse(value);
  return Number.isNaN(at) ? null : { lo: at, hi: at };
}

/**
 * ge: the resource's range reaches the search date or later; le: it starts at or before it (FHIR's
 * "the range above/below the search value intersects the range of the target value").
 */
export function matchesDates(range: Range | null, bounds: DateBound[]): boolean {
  if (bounds.length === 0) return true;
  if (range === null) return false;
  return bounds.every((b) => (b.prefix === "ge" ? range.hi >= b.range.lo : range.lo <= b.range.hi));
}

/** A searchset Bundle of one page of matches, with self and next links that repeat the search. */
export function searchset(base: string, path: string, params: [string, string][], matches: Resource[], page: { count: number; offset: number }): Bundle {
  const pageOf = matches.slice(page.offset, page.offset + page.count);
  const link = (offset: number) => {
    const query = new URLSearchParams([...params, ["_count", String(page.count)], ...(offset > 0 ? [["_offset", String(offset)]] : [])]);
    return `${base}/${path}?${query.toString()}`;
  };
  const next = page.offset + page.count < matches.length ? [{ relation: "next", url: link(page.offset + page.count) }] : [];
  return {
    resourceType: "Bundle",
    type: "searchset",
    total: matches.length,
    link: [{ relation: "self", url: link(page.offset) }, ...next],
    entry: pageOf.map((resource) => ({ fullUrl: `${base}/${resource.resourceType}/${resource.id}`, resource, search: { mode: "match" } })),
  };
}
