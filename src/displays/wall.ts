import type { Db } from "../db/knex.ts";
import { formatDateTime, formatTime } from "../time.ts";
import { wardBoard } from "../ward/board.ts";
import { TWOC_STATUS_TAGS } from "../ward/format.ts";
import type { WardDisplay } from "./repository.ts";

/**
 * What a wall screen shows: the ward board's own rows (the rule engine's values, in its order),
 * cut down to what can be read across a bay. In initials mode nothing else about the patient
 * (no name, no NHS number) reaches the page.
 */
export async function wallBoard(db: Db, display: WardDisplay, now: string) {
  const rows = await wardBoard(db, display.wardName, now);
  return {
    title: `Ward board: ${display.wardName}`,
    ward: display.wardName,
    initialsOnly: display.initialsOnly,
    renderedAt: now,
    updated: formatDateTime(now),
    updatedClock: formatTime(now),
    rows: rows.map((r) => ({
      bed: r.bed ?? "–",
      who: display.initialsOnly ? r.initials : r.patientName,
      nhsNumber: display.initialsOnly ? null : r.nhsNumber,
      tag: TWOC_STATUS_TAGS[r.twoc.status],
      safeAlert: r.safeAlert,
      due: r.due && {
        label: r.due.label,
        clock: r.due.at ? formatTime(r.due.at) : null,
        text: r.due.text,
        overdue: r.due.overdue,
      },
    })),
  };
}
