/**
 * The reports' answers kept by the record (table episode_report_facts, one row per episode): what
 * classifyEpisode answers, stored column by column, with the instant until which it holds
 * (valid-until.ts). Written by the record's after-change step in the change's transaction, and by
 * the reports for rows whose instant has passed or episodes with none (bulk-imported history).
 */
import type { Knex } from "knex";
import type { Db } from "../db/knex.ts";
import { toBool, toBoolOrNull, toInstantOrNull } from "../db/values.ts";
import { PathwayInputError } from "../pathway/index.ts";
import { classifyEpisode, type EpisodeFacts, type NightStart, type TimeR, type TwocOutcome } from "./classify.ts";
import type { EpisodeRecord } from "./load.ts";
import { validUntil } from "./valid-until.ts";

export const FACTS_TABLE = "episode_report_facts";

type Row = Record<string, unknown>;

/** An episode's kept answers: the facts, or the engine's reason it could not read the record. */
export type Kept = { episodeId: number; facts: EpisodeFacts; problem: null } | { episodeId: number; facts: null; problem: string };

/** Classifies one record as the reports do, with the instant the answers hold until. */
export function classifyForKeeping(record: EpisodeRecord, now: string): Kept & { validUntil: string | null } {
  const episodeId = record.episode.id;
  try {
    const facts = classifyEpisode(record, now);
    return { episodeId, facts, problem: null, validUntil: validUntil(record, now) };
  } catch (err) {
    if (!(err instanceof PathwayInputError)) throw err;
    return { episodeId, facts: null, problem: err.message, validUntil: validUntil(record, now, { assessed: false }) };
  }
}

const iso = (at: string | null) => (at === null ? null : new Date(at).toISOString());

/** The row for an episode's answers (everything but the episode id and version). */
export function factsColumns(kept: Kept & { validUntil: string | null }, now: string): Row {
  const base = { classified_at: iso(now), valid_until: kept.validUntil, problem: kept.problem };
  const f = kept.facts;
  if (!f) return { ...base, ...EMPTY };
  return {
    ...base,
    mri_to_anaesthesia_hours: f.mriToAnaesthesiaHours,
    time_r: f.timeR,
    night: f.night,
    check_doc: f.checks.doc,
    check_consent: f.checks.consent,
    check_bsr: f.checks.bsr,
    check_cath: f.checks.cath,
    twoc_outcome: f.twoc.outcome,
    twoc_decided_at: iso(f.twoc.decidedAt),
    twoc_hours_from_surgery: f.twoc.hoursFromSurgery,
    ff_due: f.flipFlow.due,
    ff_on_time: f.flipFlow.onTime,
    ff_late: f.flipFlow.late,
    ff_missed: f.flipFlow.missed,
    ff_overdue: f.flipFlow.overdue,
    isc_failed_twoc: f.isc.failedTwoc,
    isc_taught_at: iso(f.isc.taughtAt),
    isc_taught_before_discharge: f.isc.taughtBeforeDischarge,
    sci_indicated: f.sci.indicated,
    sci_rules: f.sci.rules.join(" "),
    sci_indicated_since: iso(f.sci.indicatedSince),
    sci_sent_at: iso(f.sci.sentAt),
    sci_days_to_send: f.sci.daysToSend,
    appointment_at: iso(f.reassessment.appointmentAt),
    appointment_passed: f.reassessment.appointmentPassed,
    bowel_reassessed: f.reassessment.bowel,
    sexual_reassessed: f.reassessment.sexual,
    gp_review_from: f.gpReview.window?.from ?? null,
    gp_review_to: f.gpReview.window?.to ?? null,
    gp_letter_sent_at: iso(f.gpReview.gpLetterSentAt),
    gp_review_checked_at: iso(f.gpReview.checkedAt),
    pre_void_recorded: f.volumes.preVoid,
    post_void_recorded: f.volumes.postVoid,
  };
}

/** The answer columns, every one of them null (an episode the engine could not read). */
const EMPTY: Row = Object.fromEntries(
  ["mri_to_anaesthesia_hours", "time_r", "night", "check_doc", "check_consent", "check_bsr", "check_cath", "twoc_outcome", "twoc_decided_at", "twoc_hours_from_surgery",
    "ff_due", "ff_on_time", "ff_late", "ff_missed", "ff_overdue", "isc_failed_twoc", "isc_taught_at", "isc_taught_before_discharge", "sci_indicated", "sci_rules", "sci_indicated_since",
    "sci_sent_at", "sci_days_to_send", "appointment_at", "appointment_passed", "bowel_reassessed", "sexual_reassessed", "gp_review_from", "gp_review_to", "gp_letter_sent_at",
    "gp_review_checked_at", "pre_void_recorded", "post_void_recorded"].map((c) => [c, null]),
);

/** The columns a report reads back (the row less its bookkeeping), with the episode's presentation beside them. */
export const FACT_COLUMNS = ["episode_id", "problem", ...Object.keys(EMPTY)].map((c) => `f.${c}`);

const num = (v: unknown) => (v === null || v === undefined ? null : Number(v));

/** A kept row (with the episode's `presentation`) back as the facts classifyEpisode gave; null when the engine could not read the record. */
export function factsOf(row: Row): EpisodeFacts | null {
  if (row.problem !== null && row.problem !== undefined) return null;
  const from = row.gp_review_from as string | null;
  return {
    episodeId: row.episode_id as number,
    presentation: row.presentation as EpisodeFacts["presentation"],
    mriToAnaesthesiaHours: Number(row.mri_to_anaesthesia_hours),
    timeR: (row.time_r as TimeR | null) ?? null,
    night: row.night as NightStart,
    checks: { doc: toBool(row.check_doc), consent: toBool(row.check_consent), bsr: toBool(row.check_bsr), cath: toBool(row.check_cath) },
    twoc: { outcome: row.twoc_outcome as TwocOutcome, decidedAt: toInstantOrNull(row.twoc_decided_at), hoursFromSurgery: num(row.twoc_hours_from_surgery) },
    flipFlow: { due: Number(row.ff_due), onTime: Number(row.ff_on_time), late: Number(row.ff_late), missed: Number(row.ff_missed), overdue: Number(row.ff_overdue) },
    isc: { failedTwoc: toBool(row.isc_failed_twoc), taughtAt: toInstantOrNull(row.isc_taught_at), taughtBeforeDischarge: toBoolOrNull(row.isc_taught_before_discharge) },
    sci: {
      indicated: toBool(row.sci_indicated),
      rules: row.sci_rules ? String(row.sci_rules).split(" ") : [],
      indicatedSince: toInstantOrNull(row.sci_indicated_since),
      sentAt: toInstantOrNull(row.sci_sent_at),
      daysToSend: num(row.sci_days_to_send),
    },
    reassessment: { appointmentAt: toInstantOrNull(row.appointment_at), appointmentPassed: toBool(row.appointment_passed), bowel: toBool(row.bowel_reassessed), sexual: toBool(row.sexual_reassessed) },
    gpReview: { window: from ? { from, to: row.gp_review_to as string } : null, gpLetterSentAt: toInstantOrNull(row.gp_letter_sent_at), checkedAt: toInstantOrNull(row.gp_review_checked_at) },
    volumes: { preVoid: toBool(row.pre_void_recorded), postVoid: toBool(row.post_void_recorded) },
  };
}

/** A valid-until long past: the row is classified again at the next reading, whatever the clock. */
const CHANGED = new Date(0).toISOString();
const NOT_YET_CLASSIFIED = "Changed since the reports last read it: not yet classified";

/**
 * Marks an episode's answers out of date from inside a change to its record (the episode is
 * locked): one indexed UPDATE, so a ward's writes do not pay for classifying. Its version goes up,
 * so a report that classified the episode from before the change cannot write over the mark
 * afterwards (see writeIfUnchanged); the next report classifies it again. With no row yet, a
 * placeholder is written (version 1, nothing classified), so a report that found no row and is
 * classifying the record as it was before this change cannot write its answer either.
 */
export async function markChanged(trx: Knex.Transaction, episodeId: number, now: string): Promise<void> {
  await trx(FACTS_TABLE)
    .insert({ episode_id: episodeId, version: 1, classified_at: iso(now), valid_until: CHANGED, problem: NOT_YET_CLASSIFIED })
    .onConflict("episode_id")
    .merge({ valid_until: CHANGED, version: trx.raw("?? + 1", [`${FACTS_TABLE}.version`]) });
}

/**
 * Writes answers a report classified outside any change (a row whose instant passed, or none):
 * each row only if its version is still the one read before its record was loaded, so a change
 * that committed in between (and marked the row out of date) wins. `version` 0: there was no row.
 */
export async function writeIfUnchanged(db: Db, rows: { kept: Kept & { validUntil: string | null }; version: number }[], now: string): Promise<void> {
  if (rows.length === 0) return;
  const values = rows.map(({ kept, version }) => ({ episode_id: kept.episodeId, version, ...factsColumns(kept, now) }));
  const merged = Object.keys(values[0]).filter((c) => c !== "episode_id" && c !== "version");
  await db(FACTS_TABLE).insert(values).onConflict("episode_id").merge(merged).where(`${FACTS_TABLE}.version`, "=", db.raw("excluded.version"));
}
