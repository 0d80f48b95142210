import type { TwocStatus } from "../pathway/index.ts";

/** 240 -> "4 h", 210 -> "3 h 30 min", 30 -> "30 min" */
export function describeInterval(minutes: number): string {
  const h = Math.floor(minutes / 60);
  const m = minutes % 60;
  if (h === 0) return `${m} min`;
  return m === 0 ? `${h} h` : `${h} h ${m} min`;
}

export const TWOC_STATUS_TAGS: Record<TwocStatus, { text: string; colour: string }> = {
  "not-started": { text: "TWOC not started", colour: "grey" },
  "in-progress": { text: "TWOC in progress", colour: "blue" },
  passed: { text: "TWOC passed", colour: "green" },
  failed: { text: "TWOC failed", colour: "red" },
  review: { text: "Clinical review", colour: "orange" },
};
