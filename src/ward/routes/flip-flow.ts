import type { Response } from "express";
import { ConflictError, HttpError, NotFoundError, ValidationError } from "../../errors.ts";
import { checkFlipFlowStart, DEFAULT_INTERVAL_MINUTES, INTERVAL_CHOICES, MAX_INTERVAL_MINUTES, MIN_INTERVAL_MINUTES } from "../../pathway/index.ts";
import { loadEpisode } from "../../patients/load.ts";
import { type Episode, type Patient, patientDisplayName } from "../../patients/model.ts";
import { formatDateTime, formatDuration, formatTime } from "../../time.ts";
import { instantFields } from "../../web/form-values.ts";
import { formErrors } from "../../web/forms.ts";
import { CLINICAL, CLINICIANS, type RoleRouter } from "../../web/routing.ts";
import { InputReader } from "../../web/validation.ts";
import { describeInterval, initialsOf } from "../format.ts";
import { flipFlowCalendar } from "../ics.ts";
import { getWardState } from "../index.ts";
import { eventHistory, scheduleHistory } from "../repository.ts";
import { startFlipFlow, stopFlipFlow } from "../service.ts";
import { flipFlowOpeningsAhead, type WardFlipFlow } from "../state.ts";
import { checkEventTime, formRowKey } from "../validation.ts";
import type { WardRouteContext } from "./context.ts";

const MINUTE = 60_000;
const DAY = 24 * 3600_000;

/** The flip-flow valve schedule: the page, starting, accepting the F2 suggestion, stopping, the bedside sheet and the calendar. */
export function flipFlowRoutes(pages: RoleRouter, ctx: WardRouteContext): void {
  const { db, now, deps } = ctx;

  async function renderFlipFlow(res: Response, episode: Episode, patient: Patient, extra: Record<string, unknown> = {}, status = 200) {
    const at = now();
    const [state, schedules] = await Promise.all([getWardState(db, episode.id, at), scheduleHistory(db, episode.id)]);
    res.status(status).render("ward/flip-flow", {
      title: `Flip-flow schedule: ${patientDisplayName(patient)}`,
      patient,
      episode,
      ...flipFlowView(state.flipFlow, at),
      history: schedules.map((s) => ({ ...s, interval: describeInterval(s.intervalMinutes), first: formatDateTime(s.firstOpeningAt), recorded: formatDateTime(s.recordedAt), ended: s.endedAt ? formatDateTime(s.endedAt) : null })),
      isClinician: res.locals.user?.role === "clinician",
      backLink: { href: `/episodes/${episode.id}/bladder`, text: "Back" },
      ...extra,
    });
  }

  pages.get("/episodes/:episodeId/flip-flow", CLINICAL, async (req, res) => {
    const { episode, patient } = await loadEpisode(deps, req);
    await renderFlipFlow(res, episode, patient);
  });

  const renderStart = (res: Response, episode: Episode, patient: Patient, values: Record<string, unknown>, errors?: unknown, status = 200) => {
    res.status(status).render("ward/flip-flow-start", {
      title: `Start a flip-flow schedule: ${patientDisplayName(patient)}`,
      patient,
      episode,
      isClinician: res.locals.user?.role === "clinician",
      intervalItems: INTERVAL_CHOICES.map((m) => ({ value: String(m), text: m === MAX_INTERVAL_MINUTES ? "Every 4 h (F1: the longest allowed)" : `Every ${describeInterval(m)}` })),
      values,
      errors,
      backLink: { href: `/episodes/${episode.id}/flip-flow`, text: "Back" },
    });
  };

  pages.get("/episodes/:episodeId/flip-flow/start", CLINICAL, async (req, res) => {
    const { episode, patient } = await loadEpisode(deps, req);
    const first = new Date(Date.parse(now()) + DEFAULT_INTERVAL_MINUTES * MINUTE).toISOString();
    renderStart(res, episode, patient, { intervalMinutes: String(DEFAULT_INTERVAL_MINUTES), ...instantFields("firstOpeningAt", first) });
  });

  pages.post("/episodes/:episodeId/flip-flow/start", CLINICAL, async (req, res, actor) => {
    const { episode, patient } = await loadEpisode(deps, req);
    const at = now();
    try {
      const reader = new InputReader(req.body, "form");
      const interval = reader.has("intervalMinutes")
        ? reader.integer("intervalMinutes", { label: "Interval", min: MIN_INTERVAL_MINUTES, max: MAX_INTERVAL_MINUTES, unit: "minutes" })
        : DEFAULT_INTERVAL_MINUTES;
      const first = reader.instant("firstOpeningAt", { label: "Time of the first opening", required: true });
      if (interval !== null) {
        const check = checkFlipFlowStart({ intervalMinutes: interval, firstOpeningAt: first, now: at, byClinician: res.locals.user?.role === "clinician" });
        const codes = new Set(check.problems.map((p) => p.code));
        if (codes.has("clinician-only")) throw new HttpError(403, "Only a clinician may shorten the flip-flow interval below 4 hours (F2)", "forbidden");
        if (codes.has("step")) reader.fail("intervalMinutes", "Choose an interval in 30-minute steps");
        if (codes.has("first-too-late")) {
          reader.fail("firstOpeningAt", `The first opening must be no later than ${formatDateTime(check.latestFirstOpeningAt)}: the valve is opened at least every ${describeInterval(interval)} (F1)`);
        } else if (first !== null && Date.parse(first) <= Date.parse(at)) checkEventTime(reader, "firstOpeningAt", first, at);
      }
      const note = reader.text("note", { label: "Note", max: 500 });
      reader.result(null);
      const { duplicate } = await startFlipFlow(db, actor, episode, { intervalMinutes: interval!, firstOpeningAt: first!, reason: "started", note }, formRowKey(), at);
      req.session.flash = duplicate ? "This schedule was already saved" : `Flip-flow schedule started: every ${describeInterval(interval!)} from ${formatTime(first!)}`;
      res.redirect(303, `/episodes/${episode.id}/flip-flow`);
    } catch (err) {
      const errors = formErrors(err);
      if (!errors) throw err;
      renderStart(res, episode, patient, req.body, errors, 400);
    }
  });

  pages.post("/episodes/:episodeId/flip-flow/accept", CLINICIANS, async (req, res, actor) => {
    const { episode, patient } = await loadEpisode(deps, req);
    const at = now();
    try {
      const reader = new InputReader(req.body, "form");
      const interval = reader.integer("intervalMinutes", { label: "Suggested interval", min: MIN_INTERVAL_MINUTES, max: MAX_INTERVAL_MINUTES, unit: "minutes", required: true });
      reader.result(null);
      const state = await getWardState(db, episode.id, at);
      const suggestion = state.flipFlow?.suggestion;
      if (!state.flipFlow || !suggestion || suggestion.intervalMinutes !== interval) {
        throw new ConflictError("The suggestion has changed since the page was shown: review the new suggestion", "intervalMinutes");
      }
      const anchor = state.flipFlow.lastOpeningAt ? Date.parse(state.flipFlow.lastOpeningAt) + interval * MINUTE : Date.parse(at);
      const { duplicate } = await startFlipFlow(db, actor, episode, { intervalMinutes: interval, firstOpeningAt: new Date(anchor).toISOString(), reason: "f2-accepted", note: suggestion.reason }, formRowKey(), at);
      req.session.flash = duplicate ? "This change was already saved" : `Suggested interval accepted: open every ${describeInterval(interval)}, next at ${formatTime(new Date(anchor))}`;
      res.redirect(303, `/episodes/${episode.id}/flip-flow`);
    } catch (err) {
      const errors = formErrors(err);
      if (!errors) throw err;
      await renderFlipFlow(res, episode, patient, { errors }, err instanceof ConflictError ? 409 : 400);
    }
  });

  pages.post("/episodes/:episodeId/flip-flow/stop", CLINICAL, async (req, res, actor) => {
    const { episode, patient } = await loadEpisode(deps, req);
    const at = now();
    try {
      const reader = new InputReader(req.body, "form");
      const reason = reader.text("stopReason", { label: "Why the schedule stops", required: true, max: 500 });
      reader.result(null);
      await stopFlipFlow(db, actor, episode, reason!, formRowKey(), at);
      req.session.flash = "Flip-flow schedule stopped";
      res.redirect(303, `/episodes/${episode.id}/flip-flow`);
    } catch (err) {
      if (err instanceof ConflictError) {
        req.session.flash = "There is no flip-flow schedule in force (it may already have been stopped)";
        return res.redirect(303, `/episodes/${episode.id}/flip-flow`);
      }
      if (!(err instanceof ValidationError)) throw err;
      await renderFlipFlow(res, episode, patient, { errors: err.errors }, 400);
    }
  });

  pages.get("/episodes/:episodeId/flip-flow/sheet", CLINICAL, async (req, res) => {
    const { episode, patient } = await loadEpisode(deps, req);
    const at = now();
    const [state, history] = await Promise.all([getWardState(db, episode.id, at), eventHistory(db, episode.id)]);
    // Who recorded each current opening, by its time (one current opening per time): their initials go on the sheet.
    const openedBy = new Map(history.filter((e) => e.type === "flip-flow-opening" && e.supersededBy === null).map((e) => [Date.parse(e.at), initialsOf(e.recordedBy)]));
    const view = flipFlowView(state.flipFlow, at);
    res.render("ward/flip-flow-sheet", {
      title: `Flip-flow valve: bedside sheet for ${patientDisplayName(patient)}`,
      patient,
      episode,
      printedAt: formatDateTime(at),
      flipFlow: view.flipFlow ? { ...view.flipFlow, slots: view.flipFlow.slots.map((s) => ({ ...s, initials: s.openedAt ? (openedBy.get(Date.parse(s.openedAt)) ?? "") : "" })) } : null,
      backLink: { href: `/episodes/${episode.id}/flip-flow`, text: "Back" },
    });
  });

  pages.get("/episodes/:episodeId/flip-flow/openings.ics", CLINICAL, async (req, res) => {
    const { episode } = await loadEpisode(deps, req);
    const at = now();
    const state = await getWardState(db, episode.id, at);
    if (!state.flipFlow) throw new NotFoundError("Flip-flow schedule");
    const days = Math.min(31, Math.max(1, Number.parseInt(String(req.query.days ?? "7"), 10) || 7));
    const body = flipFlowCalendar({
      openings: flipFlowOpeningsAhead(state.flipFlow, state.events, at, days * DAY).map((t) => ({ at: t })),
      uidPrefix: `ff-${episode.id}-${state.flipFlow.scheduleId}`,
      now: at,
      summary: "Open the valve",
      description: `Open the flip-flow valve and drain the bladder, every ${describeInterval(state.flipFlow.intervalMinutes)}, day and night, even without an urge to pass urine. Times are UK time.`,
    });
    res.set("Content-Type", "text/calendar; charset=utf-8");
    res.set("Content-Disposition", `attachment; filename="flip-flow-openings.ics"`);
    res.send(body);
  });
}

/** The flip-flow page's model: the engine's slots in UK time, ticks, flags and the F2 suggestion. */
function flipFlowView(ff: WardFlipFlow | null, at: string) {
  if (!ff) return { flipFlow: null };
  const nowMs = Date.parse(at);
  return {
    flipFlow: {
      ...ff,
      interval: describeInterval(ff.intervalMinutes),
      first: formatDateTime(ff.firstOpeningAt),
      nextClock: formatTime(ff.nextOpeningAt),
      nextFull: formatDateTime(ff.nextOpeningAt),
      left: formatDuration(Date.parse(ff.nextOpeningAt) - nowMs),
      overdueBy: formatDuration(ff.overdueMs),
      lastOpening: ff.lastOpeningAt ? formatDateTime(ff.lastOpeningAt) : null,
      slots: ff.slots.map((s) => ({
        ...s,
        clock: formatTime(s.at),
        full: formatDateTime(s.at),
        openedClock: s.openedAt ? formatTime(s.openedAt) : null,
        late: s.lateMs !== null && s.lateMs > 0 ? formatDuration(s.lateMs) : null,
        big: s.aimMissed,
        done: s.status === "done",
        overdue: s.status === "overdue",
        missed: s.status === "missed",
        upcoming: s.status === "upcoming",
      })),
      suggestion: ff.suggestion
        ? { ...ff.suggestion, interval: describeInterval(ff.suggestion.intervalMinutes), drainedWhen: formatDateTime(ff.suggestion.drainedAt), shorter: ff.suggestion.intervalMinutes > 0 && ff.suggestion.intervalMinutes < ff.intervalMinutes }
        : null,
    },
  };
}
