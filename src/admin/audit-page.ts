/**
 * /admin/audit: the audit trail of everything that belongs to no patient (reference data and
 * administration), in words as a patient's audit trail is, filtered by kind of record and by UK
 * dates, a page at a time. GET only: the filter is in the query string, so a view can be shared;
 * a filter that is not one answers 400 with an error summary.
 */
import type { Request } from "express";
import { auditWithoutPatient } from "../audit/audit.ts";
import { ADMIN_ENTITIES, placeInWords } from "../audit/words.ts";
import type { AppDeps } from "../deps.ts";
import { londonInstant } from "../reminders/derive.ts";
import { formErrors } from "../web/forms.ts";
import { dateFields } from "../web/form-values.ts";
import { ADMINS, type RoleRouter } from "../web/routing.ts";
import { InputReader } from "../web/validation.ts";

export const AUDIT_PAGE_SIZE = 100;
const PAGE = "/admin/audit";
/** The dates a filter may name: the app keeps nothing older, and a year beyond is a typing slip. */
const FIRST_DATE = "2000-01-01";
const LAST_DATE = "2099-12-31";
const LARGEST_ID = 2_147_483_647;

type AdminEntity = (typeof ADMIN_ENTITIES)[number];

export interface AdminAuditQuery {
  kind: AdminEntity | null;
  /** YYYY-MM-DD, UK dates, both included. */
  from: string | null;
  to: string | null;
  /** The page starts after this entry (the "older" link). */
  older: number | null;
}

/** The filter's fields as the query string gives them; nothing else is read. */
function askedIn(req: Request): Record<string, unknown> {
  const query = req.query;
  return {
    kind: query.kind,
    "from-day": query["from-day"],
    "from-month": query["from-month"],
    "from-year": query["from-year"],
    "to-day": query["to-day"],
    "to-month": query["to-month"],
    "to-year": query["to-year"],
    older: query.older,
  };
}

/** Reads the filter; throws a ValidationError with a message per field when it is not one. */
export function readAdminAuditQuery(asked: Record<string, unknown>): AdminAuditQuery {
  const input = new InputReader(asked, "form");
  const kindValue = input.raw("kind");
  let kind: AdminEntity | null = null;
  if (kindValue !== undefined && kindValue !== "") {
    const known = ADMIN_ENTITIES.find((e) => e === kindValue);
    if (known) kind = known;
    else input.fail("kind", "Choose a kind of record from the list");
  }
  const from = inRange(input, "from", input.date("from", { label: "From date" }), "From date");
  const to = inRange(input, "to", input.date("to", { label: "To date" }), "To date");
  if (from && to && to < from) input.fail("to", "To date must be the same as or after the from date");
  const older = readOlder(input);
  return input.result({ kind, from, to, older });
}

function inRange(input: InputReader, field: string, date: string | null, label: string): string | null {
  if (date !== null && (date < FIRST_DATE || date > LAST_DATE)) return input.fail(field, `${label} must be in the years 2000 to 2099`);
  return date;
}

function readOlder(input: InputReader): number | null {
  const value = input.raw("older");
  if (value === undefined || value === "") return null;
  const id = typeof value === "string" && /^\d{1,10}$/.test(value) ? Number(value) : NaN;
  if (!(id >= 1 && id <= LARGEST_ID)) return input.fail("older", "The link to older changes is not right: start again from the newest changes");
  return id;
}

const nextDay = (date: string): string => {
  const d = new Date(`${date}T00:00:00Z`);
  d.setUTCDate(d.getUTCDate() + 1);
  return d.toISOString().slice(0, 10);
};

/** The page's address for a filter, optionally from an older entry on. */
function hrefOf(filter: AdminAuditQuery, older: number | null): string {
  const params = new URLSearchParams({ ...(filter.kind ? { kind: filter.kind } : {}), ...dateFields("from", filter.from), ...dateFields("to", filter.to) });
  if (older !== null) params.set("older", String(older));
  const query = params.toString();
  return query ? `${PAGE}?${query}` : PAGE;
}

/** The values to show in the filter form: what was asked, as text (a repeated field shows nothing). */
function formValues(asked: Record<string, unknown>): Record<string, string> {
  return Object.fromEntries(Object.entries(asked).map(([k, v]) => [k, typeof v === "string" ? v : ""]));
}

const capitalised = (s: string) => s.charAt(0).toUpperCase() + s.slice(1);

export function adminAuditRoutes(pages: RoleRouter, deps: AppDeps): void {
  const { db } = deps;

  pages.get(PAGE, ADMINS, async (req, res) => {
    const asked = askedIn(req);
    let filter: AdminAuditQuery;
    try {
      filter = readAdminAuditQuery(asked);
    } catch (err) {
      const errors = formErrors(err);
      if (!errors) throw err;
      const kindValue = typeof asked.kind === "string" ? asked.kind : "";
      return res.status(400).render("admin/audit", { title: "Audit trail", values: formValues(asked), kindItems: kindItems(kindValue), errors });
    }
    const { records, olderThanId } = await auditWithoutPatient(db, {
      entity: filter.kind,
      fromUtc: filter.from ? londonInstant(filter.from, "00:00") : null,
      untilUtc: filter.to ? londonInstant(nextDay(filter.to), "00:00") : null,
      olderThanId: filter.older,
      limit: AUDIT_PAGE_SIZE,
    });
    res.render("admin/audit", {
      title: "Audit trail",
      values: { ...(filter.kind ? { kind: filter.kind } : {}), ...dateFields("from", filter.from), ...dateFields("to", filter.to) },
      kindItems: kindItems(filter.kind ?? ""),
      kindText: filter.kind ? placeInWords(filter.kind) : null,
      from: filter.from,
      to: filter.to,
      events: records,
      pageSize: AUDIT_PAGE_SIZE,
      olderPage: filter.older !== null,
      olderHref: olderThanId === null ? null : hrefOf(filter, olderThanId),
      newestHref: filter.older === null ? null : hrefOf(filter, null),
    });
  });
}

function kindItems(selected: string) {
  return ADMIN_ENTITIES.map((value) => ({ value, text: capitalised(placeInWords(value)), selected: value === selected }));
}
