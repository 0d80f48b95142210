/**
 * The one CSV writer for downloads: a header row, UTF-8 with a byte-order mark (so a spreadsheet
 * reads accents and "£" right), CRLF line ends (RFC 4180), UK dates, and no formula injection:
 * a text cell that a spreadsheet would run as a formula (starting with =, +, -, @, a tab or a
 * carriage return) is written with a leading apostrophe, so it shows as the text it is.
 */
import { formatTime, londonDate, zoneAbbreviation } from "../time.ts";

export type CsvCell = string | number | boolean | null | undefined;

export const BOM = "\uFEFF";
const FORMULA_START = /^[=+\-@\t\r]/;

/** One cell as CSV text: neutralised if it could be read as a formula, quoted if it must be. */
export function csvCell(value: CsvCell): string {
  if (value === null || value === undefined) return "";
  if (typeof value === "boolean") return value ? "yes" : "no";
  if (typeof value === "number") return Number.isFinite(value) ? String(value) : "";
  const text = FORMULA_START.test(value) ? `'${value}` : value;
  return /[",\r\n]/.test(text) ? `"${text.replace(/"/g, '""')}"` : text;
}

/** A whole CSV document: the header row, then one line per row. */
export function toCsv(header: readonly string[], rows: readonly (readonly CsvCell[])[]): string {
  return [...csvPieces(header, rows, (row) => row)].join("");
}

/** The same document as toCsv, in pieces of `size` rows (the first with the byte-order mark and header), made as they are written. */
export function* csvPieces<T>(header: readonly string[], items: readonly T[], row: (item: T) => readonly CsvCell[], size = 1_000): Generator<string> {
  yield `${BOM}${header.map(csvCell).join(",")}\r\n`;
  for (let i = 0; i < items.length; i += size) {
    yield items.slice(i, i + size).map((item) => `${row(item).map(csvCell).join(",")}\r\n`).join("");
  }
}

/** An instant as a UK date, 31/01/2026 (Europe/London); empty when there is none. */
export function csvDate(instant: string | null | undefined): string {
  if (!instant) return "";
  const [y, m, d] = londonDate(instant).split("-");
  return `${d}/${m}/${y}`;
}

/** A calendar date YYYY-MM-DD as 31/01/2026. */
export function csvCalendarDate(date: string | null | undefined): string {
  if (!date) return "";
  const [y, m, d] = date.split("-");
  return `${d}/${m}/${y}`;
}

/** An instant as UK date and time with its zone, "31/01/2026 14:05 GMT". */
export function csvDateTime(instant: string | null | undefined): string {
  if (!instant) return "";
  return `${csvDate(instant)} ${formatTime(instant)} ${zoneAbbreviation(instant)}`;
}
