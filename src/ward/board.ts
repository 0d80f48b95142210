import type { Db } from "../db/knex.ts";
import { patientDisplayName } from "../patients/model.ts";
import type { BladderAssessment, BladderTier, RuleId, TwocAssessment } from "../pathway/index.ts";
import { formatDuration } from "../time.ts";
import { activeSchedules, boardEvents } from "./repository.ts";
import { bladderState, flipFlowState, toWardEvents, type WardFlipFlow } from "./state.ts";

export interface BoardRow {
  episodeId: number;
  patientName: string;
  /** Given and family name initials ("A K"), for screens that must not show names. */
  initials: string;
  nhsNumber: string;
  bed: string | null;
  twoc: TwocAssessment;
  /** The TWOC's rule ids in force (assessBladder): U-SAFE leaves once a re-catheterisation resolves it. */
  rules: RuleId[];
  flipFlow: WardFlipFlow | null;
  /** U-SAFE not yet resolved by a catheter after the scan over 600 ml (assessBladder). */
  safeAlert: boolean;
  due: { label: string; at: string | null; msLeft: number | null; overdue: boolean; text: string } | null;
  /** The engine's urgency tier (assessBladder): 0 most urgent. */
  tier: BladderTier;
  /** The next thing the nurse should do, with its rule ids and the action that does it (assessBladder). */
  nextStep: BladderAssessment["nextStep"];
}

/**
 * The wards to choose from: every ward not retired and every ward with a current inpatient (a
 * retired ward stays listed while it has one), plus, for inpatients written with a ward name
 * but no ward record (older API callers), those names. In name order.
 */
/** A ward the board can show: a ward record (by id, so a rename keeps the board's address), or the ward text of unlinked inpatients. */
export interface BoardWard {
  id: number | null;
  name: string;
}

export async function boardWards(db: Db): Promise<BoardWard[]> {
  const inpatients = db("episodes").whereNull("discharged_at").whereNotNull("ward_id").select("ward_id");
  const [wards, unlinked]: [{ id: number; name: string }[], { ward: string }[]] = await Promise.all([
    db("wards").whereNull("retired_at").orWhereIn("id", inpatients).select("id", "name"),
    db("episodes").distinct("ward").whereNull("ward_id").whereNotNull("ward").whereNull("discharged_at"),
  ]);
  const recorded = new Set(wards.map((w) => w.name));
  const textOnly = unlinked.map((r) => r.ward).filter((w) => w.trim() !== "" && !recorded.has(w));
  return [...wards.map((w) => ({ id: w.id, name: w.name })), ...[...new Set(textOnly)].map((name) => ({ id: null, name }))].sort((a, b) =>
    a.name.localeCompare(b.name, "en-GB", { numeric: true }),
  );
}

/** The names on the board's ward list. */
export async function wardNames(db: Db): Promise<string[]> {
  return (await boardWards(db)).map((w) => w.name);
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
  const [events, schedules] = await Promise.all([boardEvents(db, ids), activeSchedules(db, ids)]);
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
    const schedule = schedules.filter((s) => s.episodeId === id).pop();
    const flipFlow = schedule ? flipFlowState(schedule, mine, now, { detail: false }) : null;
    // The board does not read overrides: it shows no U6 lock, only the engine's tier and next step.
    const bladder = bladderState(mine, now, { override: false, flipFlow });
    return {
      episodeId: id,
      patientName: patientDisplayName({ familyName: String(e.family_name), givenName: String(e.given_name) }),
      initials: initials(String(e.given_name), String(e.family_name)),
      nhsNumber: e.nhs_number as string,
      bed: (e.bed as string) ?? null,
      twoc: bladder.twoc,
      rules: bladder.rules,
      flipFlow,
      safeAlert: bladder.uSafe.active && !bladder.uSafe.resolved,
      due: dueThing(bladder, flipFlow, nowMs),
      tier: bladder.tier,
      nextStep: bladder.nextStep,
    };
  });
  return rows.sort((a, b) => a.tier - b.tier || (a.due?.msLeft ?? Infinity) - (b.due?.msLeft ?? Infinity) || bedOrder(a.bed, b.bed));
}

/** The timed thing the row shows first, in words: the engine decides what is due, this only formats it. */
function dueThing(bladder: BladderAssessment, flipFlow: WardFlipFlow | null, nowMs: number): BoardRow["due"] {
  const candidates: NonNullable<BoardRow["due"]>[] = [];
  if (flipFlow) {
    const left = Date.parse(flipFlow.nextOpeningAt) - nowMs;
    candidates.push({
      label: "Flip-flow opening",
      at: flipFlow.nextOpeningAt,
      msLeft: left,
      overdue: flipFlow.overdue,
      text: flipFlow.overdue ? `Overdue by ${formatDuration(-left)}${flipFlow.missed ? ": missed (F1)" : ""}` : `In ${formatDuration(left)}`,
    });
  }
  const { twoc } = bladder;
  if (twoc.noVoidDeadline && bladder.noVoidClock) {
    const left = Date.parse(twoc.noVoidDeadline) - nowMs;
    candidates.push({ label: "No-void deadline (U4)", at: new Date(Date.parse(twoc.noVoidDeadline)).toISOString(), msLeft: left, overdue: false, text: `In ${formatDuration(left)}` });
  }
  if (bladder.recatheteriseNow) {
    candidates.push({ label: "TWOC failed: re-catheterise with a flip-flow valve (U5)", at: null, msLeft: null, overdue: true, text: "Action needed now" });
  }
  candidates.sort((a, b) => (a.msLeft ?? -Infinity) - (b.msLeft ?? -Infinity));
  return candidates[0] ?? null;
}

function initials(...names: string[]): string {
  return names.map((n) => (Array.from(n.trim())[0] ?? "").toUpperCase()).join(" ");
}

function bedOrder(a: string | null, b: string | null): number {
  return (a ?? "").localeCompare(b ?? "", "en-GB", { numeric: true });
}

/** The ward a page's `?ward=` names (a ward record's id, or a name), the first ward when none is asked; null when no such ward. */
export async function chosenWard(db: Db, asked: unknown): Promise<{ wards: BoardWard[]; ward: BoardWard | null; asked: string }> {
  const wards = await boardWards(db);
  const text = typeof asked === "string" ? asked.slice(0, 120) : "";
  const ward = text ? (wards.find((w) => String(w.id) === text || w.name === text) ?? null) : (wards[0] ?? null);
  return { wards, ward, asked: text };
}

/** The address of a ward's page: by record id, or by name for ward text with no record. */
export function wardKey(ward: BoardWard): string {
  return ward.id === null ? ward.name : String(ward.id);
}
