import type { RuleId } from "../pathway/index.ts";
import { formatDuration, formatTime } from "../time.ts";
import type { BoardRow } from "./board.ts";
import { actionLink } from "./presenters.ts";

export interface WardTask {
  episodeId: number;
  bed: string | null;
  patientName: string;
  /** The engine's next step for the patient, with its rule ids. */
  text: string;
  rules: RuleId[];
  /** Its form, one click away. */
  href: string;
  linkText: string;
  /** When it is due (the board's due time), null for "now". */
  at: string | null;
  when: string;
  overdue: boolean;
}

/**
 * The ward's task list: each inpatient's next step (assessBladder) that has a form, timed by the
 * board's due time (the flip-flow opening F1 or the no-void deadline U4), the untimed and overdue
 * first, then by time. Read from the board's rows: nothing is decided here.
 */
export function wardTasks(rows: BoardRow[]): WardTask[] {
  const tasks = rows.flatMap((row): WardTask[] => {
    const action = row.nextStep.action;
    if (action === null) return [];
    const link = actionLink(action, row.episodeId);
    const due = row.due;
    // The engine's tiers 0-1 (including its post-void scan and a flip-flow schedule to start) are for now, whatever clock runs.
    const now = due === null || due.at === null || due.overdue || row.tier <= 1;
    return [
      {
        episodeId: row.episodeId,
        bed: row.bed,
        patientName: row.patientName,
        text: row.nextStep.text,
        rules: row.nextStep.rules,
        href: link.href,
        linkText: link.text,
        at: now ? null : due.at,
        when: due?.overdue && due.msLeft !== null ? `Overdue by ${formatDuration(-due.msLeft)}` : now ? "Now" : `${due!.label} ${formatTime(due!.at!)} (in ${formatDuration(due!.msLeft ?? 0)})`,
        overdue: now,
      },
    ];
  });
  return tasks.sort((a, b) => (a.at === null ? -Infinity : Date.parse(a.at)) - (b.at === null ? -Infinity : Date.parse(b.at)) || (a.bed ?? "").localeCompare(b.bed ?? "", "en-GB", { numeric: true }));
}
