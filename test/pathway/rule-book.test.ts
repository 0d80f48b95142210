import { test } from "node:test";
import assert from "node:assert/strict";
import { RULE_BOOK, RULE_BOOK_LINE, ruleBookReviewDue } from "../../src/pathway/index.ts";
import { throwsInput } from "./helpers.ts";

test("rule book: the version and review date are the policy's (5 November 2024, review January 2027)", () => {
  assert.equal(RULE_BOOK.version, "5 November 2024");
  assert.equal(RULE_BOOK_LINE, "Rule book version 5 November 2024, review due January 2027");
});

test("rule book: the review is due from 1 January 2027, not before", () => {
  assert.equal(ruleBookReviewDue("2026-12-31"), false);
  assert.equal(ruleBookReviewDue("2027-01-01"), true);
  assert.equal(ruleBookReviewDue("2028-06-30"), true);
});

test("rule book: a date that is not YYYY-MM-DD is refused", () => {
  throwsInput(() => ruleBookReviewDue("1/1/2027"), "invalid-value", "today");
});
