import type { Db } from "../db/knex.ts";
import { patientDisplayName } from "../patients/model.ts";
import type { TwocAssessment } from "../pathway/index.ts";
import { formatDuration } from "../time.ts";
import type { FlipFlowState } from "./model.ts";
import { activeEvents, activeSchedules } from "./repository.ts";
import { assess, flipFlowState, toWardEvents } from "./state.ts";

export interface BoardRow {
  episodeId: number;
  patientName: string;
  nhsNumber: string;
  bed: string | null;
  twoc: TwocAssessment;
  flipFlow: FlipFlowState | null;
  /** U-SAFE on an attempt with no re-catheterisation recorded after it. */
  safeAlert: boolean;
  due: { label: string; at: string | null; msLeft: number | null; overdue: boolean; text: string } | null;
  /** 0 most urgent. */
  tier: number;
}

/**
 * The wards to choose from: every ward not retired and every ward with a current inpatient (a
 * retired ward stays listed while it has one), plus, for inpatients written with a ward name
 * but no ward record (older API callers), those names. In name order.
 */
export async function wardNames(db: Db): Promise<string[]> {
  const inpatients = db("episodes").whereNull("discharged_at").whereNotNull("ward_id").select("ward_id");
  const [wards, unlinked]: [{ name: string }[], { ward: string }[]] = await Promise.all([
    db("wards").whereNull("retired_at").orWhereIn("id", inpatients).select("name"),
    db("episodes").distinct("ward").whereNull("ward_id").whereNotNull("ward").whereNull("discharged_at"),
  ]);
  const names = new Set([...wards.map((r) => r.name), ...unlinked.map((r) => r.ward).filter((w) => w.trim() !== "")]);
  return [...names].sort((a, b) => a.localeCompare(b, "en-GB", { numeric: true }));
}

/**
 * Every current inpatient episode of a ward with its TWOC and flip-flow state, most urgent first.
 * Three queries whatever the ward's size and however long the history: the inpatients (served by
 * the (ward, discharged_at) index), their current events ((episode_id, at) index) and their schedules.
 */
export async function wardBoard(db: Db, ward: string, now: string): Promise<BoardRow[]> {
  const episodes: Record<string, unknown>[] = await db("episodes")
    .join("patients", "patients.id", "episodes.patient_id")
    // The ward record by its name; an episode linked to no ward by the name it carries (each side an index).
    .where((q) => q.whereIn("episodes.ward_id", db("wards").where("name", ward).select("id")).orWhere((q2) => q2.whereNull("episodes.ward_id").andWhere("episodes.ward", ward)))
    .whereNull("episodes.discharged_at")
    .select("episodes.id", "episodes.bed", "patients.family_name", "patients.given_name", "patients.nhs_number");
  const ids = episodes.map((e) => e.id as number);
  const [events, schedules] = await Promise.all([activeEvents(db, ids, { lean: true }), activeSchedules(db, ids)]);
  const nowMs = Date.parse(now);
  const byEpisode = new Map<number, typeof events>();
  for (const ev of events) {
    if (Date.parse(ev.at) > nowMs) continue;
    const list = byEpisode.get(ev.episodeId);
    if (list) list.push(ev);
    else byEpisode.set(ev.episodeId, [ev]);
  }

  const rows = episodes.map((e): BoardRow => {
    const id = e.id as number;
    const mine = toWardEvents(byEpisode.get(id) ?? []);
    const twoc = assess(mine, now);
    const schedule = schedules.filter((s) => s.episodeId === id).pop();
    const flipFlow = schedule ? flipFlowState(schedule, mine, now, { detail: false }) : null;
    const lastRemoval = [...mine].reverse().find((ev) => ev.type === "catheter-removed");
    const recathAfter = lastRemoval ? mine.some((ev) => ev.type === "recatheterised" && Date.parse(ev.at) >= Date.parse(lastRemoval.at)) : false;
    const safeAlert = twoc.rules.includes("U-SAFE") && !recathAfter;
    const row: BoardRow = {
      episodeId: id,
      patientName: patientDisplayName({ familyName: String(e.family_name), givenName: String(e.given_name) }),
      nhsNumber: e.nhs_number as string,
      bed: (e.bed as string) ?? null,
      twoc,
      flipFlow,
      safeAlert,
      due: null,
      tier: 5,
    };
    return { ...row, ...dueThing(twoc, flipFlow, recathAfter, safeAlert, nowMs) };
  });
  return rows.sort((a, b) => a.tier - b.tier || (a.due?.msLeft ?? Infinity) - (b.due?.msLeft ?? Infinity) || bedOrder(a.bed, b.bed));
}

function dueThing(twoc: TwocAssessment, flipFlow: FlipFlowState | null, recathAfter: boolean, safeAlert: boolean, nowMs: number): Pick<BoardRow, "due" | "tier"> {
  const candidates: NonNullable<BoardRow["due"]>[] = [];
  if (flipFlow) {
    const left = Date.parse(flipFlow.nextOpeningAt) - nowMs;
    candidates.push({
      label: "Flip-flow opening",
      at: flipFlow.nextOpeningAt,
      msLeft: left,
      overdue: left <= 0,
      text: left <= 0 ? `Overdue by ${formatDuration(-left)}` : `In ${formatDuration(left)}`,
    });
  }
  if (twoc.noVoidDeadline && !recathAfter) {
    const left = Date.parse(twoc.noVoidDeadline) - nowMs;
    candidates.push({ label: "No-void deadline (U4)", at: new Date(Date.parse(twoc.noVoidDeadline)).toISOString(), msLeft: left, overdue: false, text: `In ${formatDuration(left)}` });
  }
  if (twoc.status === "failed" && !recathAfter && !flipFlow) {
    candidates.push({ label: "TWOC failed: re-catheterise with a flip-flow valve (U5)", at: null, msLeft: null, overdue: true, text: "Action needed now" });
  }
  candidates.sort((a, b) => (a.msLeft ?? -Infinity) - (b.msLeft ?? -Infinity));
  const due = candidates[0] ?? null;
  let tier = 4;
  if (safeAlert) tier = 0;
  else if (due?.overdue) tier = 1;
  else if (twoc.status === "review") tier = 2;
  else if (due) tier = 3;
  return { due, tier };
}

function bedOrder(a: string | null, b: string | null): number {
  return (a ?? "").localeCompare(b ?? "", "en-GB", { numeric: true });
}
