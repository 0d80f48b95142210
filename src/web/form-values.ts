import { londonLocalToInstant, londonParts } from "../time.ts";

/** The items of a yes/no radio group (forms read them with InputReader.bool). */
export const YES_NO_ITEMS = [
  { value: "yes", text: "Yes" },
  { value: "no", text: "No" },
] as const;

/** Form fields for a date input: `${name}-day`, `-month`, `-year` from YYYY-MM-DD. */
export function dateFields(name: string, date: string | null): Record<string, string> {
  if (!date) return {};
  const [y, m, d] = date.split("-");
  return { [`${name}-day`]: String(Number(d)), [`${name}-month`]: String(Number(m)), [`${name}-year`]: y };
}

/** Form fields for a date-and-time input, in UK time (with the zone when the clock read it twice). */
export function instantFields(name: string, instant: string | null): Record<string, string> {
  if (!instant) return {};
  const p = londonParts(instant);
  const fields = {
    [`${name}-day`]: String(p.day),
    [`${name}-month`]: String(p.month),
    [`${name}-year`]: String(p.year),
    [`${name}-time`]: `${String(p.hour).padStart(2, "0")}:${String(p.minute).padStart(2, "0")}`,
  };
  const local = londonLocalToInstant(`${p.year}-${String(p.month).padStart(2, "0")}-${String(p.day).padStart(2, "0")}`, fields[`${name}-time`]);
  if (local.ok && local.repeated) fields[`${name}-zone`] = local.instant === new Date(instant).toISOString() ? "BST" : "GMT";
  return fields;
}

/** Whether a form's date and time fields name October's repeated hour, when the zone must be chosen. */
export function repeatedHour(values: Record<string, unknown>, name: string): boolean {
  const [day, month, year, time] = ["day", "month", "year", "time"].map((p) => String(values?.[`${name}-${p}`] ?? "").trim());
  if (!/^\d{1,2}$/.test(day) || !/^\d{1,2}$/.test(month) || !/^\d{4}$/.test(year)) return false;
  const local = londonLocalToInstant(`${year}-${month.padStart(2, "0")}-${day.padStart(2, "0")}`, time.replace(".", ":"));
  return local.ok && local.repeated;
}

export function boolField(value: boolean | null): string {
  return value === true ? "yes" : value === false ? "no" : "";
}

/** Reads a positive integer route parameter; anything else is a 404, not a 500. */
export function idParam(value: unknown): number | null {
  return typeof value === "string" && /^[1-9]\d{0,9}$/.test(value) && Number(value) <= 2147483647 ? Number(value) : null;
}
