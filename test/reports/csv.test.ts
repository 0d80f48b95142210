import assert from "node:assert/strict";
import { describe, test } from "node:test";
import { BOM, csvCalendarDate, csvCell, csvDate, csvDateTime, toCsv } from "../../src/reports/csv.ts";

/** Splits CSV text as a spreadsheet reads it (quoted fields may hold commas, quotes and line breaks). */
function parseCsv(text: string): string[][] {
  const rows: string[][] = [];
  let row: string[] = [];
  let cell = "";
  let quoted = false;
  for (let i = 0; i < text.length; i++) {
    const c = text[i];
    if (quoted) {
      if (c === '"' && text[i + 1] === '"') { cell += '"'; i++; }
      else if (c === '"') quoted = false;
      else cell += c;
    } else if (c === '"') quoted = true;
    else if (c === ",") { row.push(cell); cell = ""; }
    else if (c === "\r" && text[i + 1] === "\n") { row.push(cell); rows.push(row); row = []; cell = ""; i++; }
    else cell += c;
  }
  return rows;
}

describe("the CSV writer", () => {
  test("starts with a UTF-8 byte-order mark and a header row, ends each line with CRLF", () => {
    const csv = toCsv(["NHS number", "Name"], [["9434765919", "Zoë Ó Briain"]]);
    assert.ok(csv.startsWith(BOM));
    assert.equal(Buffer.from(csv, "utf8").subarray(0, 3).toString("hex"), "efbbbf");
    assert.deepEqual(parseCsv(csv.slice(1)), [["NHS number", "Name"], ["9434765919", "Zoë Ó Briain"]]);
    assert.ok(csv.endsWith("\r\n"));
  });

  test("a text cell a spreadsheet would run as a formula is written as text (leading apostrophe)", () => {
    for (const hostile of ["=HYPERLINK(\"http://x\")", "+1+1", "-2+3", "@SUM(A1)", "\tcmd", "\rcmd"]) {
      const [, [cell]] = parseCsv(toCsv(["x"], [[hostile]]).slice(1));
      assert.equal(cell, `'${hostile}`, JSON.stringify(hostile));
    }
    // A formula that also needs quoting stays one cell.
    assert.equal(csvCell('=A1,"b"'), `"'=A1,""b"""`);
    // Ordinary text and numbers are left alone: a negative number is a number, not a formula.
    assert.equal(csvCell("Ward 3"), "Ward 3");
    assert.equal(csvCell(-4.5), "-4.5");
    assert.equal(csvCell("a - b"), "a - b");
  });

  test("commas, quotes and line breaks are quoted; empty values are empty; yes and no for booleans", () => {
    const rows = parseCsv(toCsv(["a", "b", "c", "d", "e"], [["x, y", 'say "hi"', "two\nlines", null, true]]).slice(1));
    assert.deepEqual(rows[1], ["x, y", 'say "hi"', "two\nlines", "", "yes"]);
    assert.equal(csvCell(false), "no");
    assert.equal(csvCell(undefined), "");
    assert.equal(csvCell(Number.NaN), "");
  });

  test("dates are UK dates in London time, across midnight and the clock change", () => {
    // 23:30 UTC on 30 June is 00:30 on 1 July in London (BST).
    assert.equal(csvDate("2026-06-30T23:30:00.000Z"), "01/07/2026");
    assert.equal(csvDate("2026-01-31T23:30:00.000Z"), "31/01/2026");
    assert.equal(csvDateTime("2026-06-30T23:30:00.000Z"), "01/07/2026 00:30 BST");
    assert.equal(csvDateTime("2026-12-01T08:05:00.000Z"), "01/12/2026 08:05 GMT");
    assert.equal(csvCalendarDate("2026-03-09"), "09/03/2026");
    assert.equal(csvDate(null), "");
    assert.equal(csvDateTime(null), "");
    assert.equal(csvCalendarDate(null), "");
  });
});
