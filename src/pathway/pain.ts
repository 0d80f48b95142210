import { PathwayInputError } from "./errors.ts";
import { addDays, type CalendarDate, daysInMonth, formatDate, parseDate } from "./time.ts";

export type PainPhase = "acute" | "chronic";

/**
 * The first chronic day: the surgery date plus 3 calendar months, the day of the month clamped
 * to the last day of that month (31 January -> 30 April; 30 November 2027 -> 29 February 2028).
 */
export function chronicPhaseStarts(surgeryDate: string): string {
  return formatDate(addThreeMonths(parseDate(surgeryDate, "surgeryDate")));
}

function addThreeMonths(d: CalendarDate): CalendarDate {
  const zeroBased = d.month - 1 + 3;
  const year = d.year + Math.floor(zeroBased / 12);
  const month = (zeroBased % 12) + 1;
  return { year, month, day: Math.min(d.day, daysInMonth(year, month)) };
}

/**
 * P4: when the patient leaves hospital in the acute phase, the GP reviews the drugs 1 to 2 weeks
 * after discharge: from the discharge date + 7 days to + 14 days. Null for a chronic-phase discharge.
 * One answer for the GP letter that asks for the review and the reminder that checks it happened.
 * A discharge dated before the surgery (a record corrected out of order) counts as on the surgery day.
 */
export function gpDrugReviewWindow(surgeryDate: string, dischargeDate: string): { from: string; to: string } | null {
  const surgery = parseDate(surgeryDate, "surgeryDate");
  const given = parseDate(dischargeDate, "dischargeDate");
  const discharged = formatDate(given) < formatDate(surgery) ? surgery : given;
  if (painPhase(formatDate(surgery), formatDate(discharged)) === "chronic") return null;
  return { from: formatDate(addDays(discharged, 7)), to: formatDate(addDays(discharged, 14)) };
}

/** P3/P4 before the surgery date + 3 calendar months; P5-P8 from that day (the day itself is chronic). */
export function painPhase(surgeryDate: string, onDate: string): PainPhase {
  const surgery = parseDate(surgeryDate, "surgeryDate");
  const on = formatDate(parseDate(onDate, "onDate"));
  if (on < formatDate(surgery)) {
    throw new PathwayInputError(
      "date-before-surgery",
      "onDate",
      `onDate ${onDate} is before the surgery date ${surgeryDate}: there is no post-operative pain phase then.`,
    );
  }
  return on >= formatDate(addThreeMonths(surgery)) ? "chronic" : "acute";
}
