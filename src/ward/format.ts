import type { TwocStatus } from "../pathway/index.ts";

/** 240 -> "4 h", 210 -> "3 h 30 min", 30 -> "30 min": the rule engine's own wording of intervals. */
export { describeMinutes as describeInterval } from "../pathway/time.ts";

export const TWOC_STATUS_TAGS: Record<TwocStatus, { text: string; colour: string }> = {
  "not-started": { text: "TWOC not started", colour: "grey" },
  "in-progress": { text: "TWOC in progress", colour: "blue" },
  passed: { text: "TWOC passed", colour: "green" },
  failed: { text: "TWOC failed", colour: "red" },
  review: { text: "Clinical review", colour: "orange" },
};

/** A recording user's initials for paper sheets: "Nia Nurse" -> "NN", "mary-jane o'neil" -> "MO". */
export function initialsOf(name: string): string {
  return name
    .split(/\s+/)
    .filter((w) => /\p{L}/u.test(w))
    .map((w) => (/\p{L}/u.exec(w)?.[0] ?? "").toUpperCase())
    .join("");
}
