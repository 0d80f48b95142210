import { PathwayInputError } from "./errors.ts";

/**
 * The version of the policy this rule engine implements: the West Yorkshire ICB clinical policy
 * "Routine referral for Spinal Surgery Assessment" (cauda equina syndrome pathway). Shown on every
 * decision page's footer and in every letter; an admin page warns once the review date has passed.
 */
export const RULE_BOOK = {
  title: "West Yorkshire ICB policy: Routine referral for Spinal Surgery Assessment (cauda equina syndrome pathway)",
  version: "5 November 2024",
  /** The policy says "January 2027 (or as NICE guidance changes)": due from the first day of that month. */
  reviewDue: "2027-01-01",
  reviewDueInWords: "January 2027",
} as const;

/** "Rule book version 5 November 2024, review due January 2027", as footers and letters print it. */
export const RULE_BOOK_LINE = `Rule book version ${RULE_BOOK.version}, review due ${RULE_BOOK.reviewDueInWords}`;

/** The policy's review date has come (London date YYYY-MM-DD): the rules must be checked against any new version. */
export function ruleBookReviewDue(today: string): boolean {
  if (!/^\d{4}-\d{2}-\d{2}$/.test(today)) throw new PathwayInputError("invalid-value", "today", "today must be a date YYYY-MM-DD.");
  return today >= RULE_BOOK.reviewDue;
}
