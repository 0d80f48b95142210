/** The report period: from and to calendar dates in UK time, both days included. */
import { InputReader } from "../web/validation.ts";
import { londonDate } from "../time.ts";
import { londonInstant } from "../reminders/derive.ts";

export interface Period {
  /** YYYY-MM-DD, London. */
  from: string;
  to: string;
  /** Midnight in London at the start of `from`, and at the end of `to` (exclusive), as UTC ISO. */
  startUtc: string;
  endUtc: string;
}

/** The longest period one report covers (a service reads a year, or a few, at a time). */
export const MAX_PERIOD_DAYS = 5 * 366;

const addDays = (date: string, days: number) => {
  const d = new Date(`${date}T00:00:00Z`);
  d.setUTCDate(d.getUTCDate() + days);
  return d.toISOString().slice(0, 10);
};

export function periodOf(from: string, to: string): Period {
  return { from, to, startUtc: londonInstant(from, "00:00"), endUtc: londonInstant(addDays(to, 1), "00:00") };
}

/** The default: the 12 months to today (London). */
export function defaultPeriod(now: string): Period {
  const today = londonDate(now);
  const [y, m, d] = today.split("-").map(Number);
  const yearAgo = new Date(Date.UTC(y - 1, m - 1, d + 1)).toISOString().slice(0, 10);
  return periodOf(yearAgo, today);
}

/** Form fields for a period (day, month and year of each end). */
export function periodFields(period: Pick<Period, "from" | "to">): Record<string, string> {
  const fields: Record<string, string> = {};
  for (const [name, date] of [["from", period.from], ["to", period.to]] as const) {
    const [y, m, d] = date.split("-");
    Object.assign(fields, { [`${name}-day`]: String(Number(d)), [`${name}-month`]: String(Number(m)), [`${name}-year`]: y });
  }
  return fields;
}

/**
 * The period asked for in a query string (from-day, from-month, from-year, to-...), or the default
 * when none is given. Throws a ValidationError with a message per field when it is not a period.
 */
export function readPeriod(query: unknown, now: string): Period {
  const q = (query ?? {}) as Record<string, unknown>;
  const given = ["from", "to"].some((f) => ["day", "month", "year"].some((p) => q[`${f}-${p}`] !== undefined && q[`${f}-${p}`] !== ""));
  if (!given) return defaultPeriod(now);
  const reader = new InputReader(q, "form");
  const from = reader.date("from", { label: "Start date", required: true });
  const to = reader.date("to", { label: "End date", required: true });
  if (from && to) {
    if (to < from) reader.fail("to", "End date must be the same as or after the start date");
    else if (Date.parse(to) - Date.parse(from) > MAX_PERIOD_DAYS * 86_400_000) reader.fail("to", "Choose a period of 5 years or less");
  }
  reader.result(null);
  return periodOf(from!, to!);
}
