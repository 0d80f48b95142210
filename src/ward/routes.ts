import type { Request, Response } from "express";
import type { AppDeps } from "../deps.ts";
import { type Episode, type Patient, patientDisplayName } from "../patients/model.ts";
import { findEpisode } from "../patients/repository.ts";
import { loadEpisode } from "../patients/load.ts";
import { formErrors } from "../web/forms.ts";
import { ConflictError, HttpError, NotFoundError, ValidationError } from "../errors.ts";
import { idParam, instantFields, YES_NO_ITEMS } from "../web/form-values.ts";
import { CLINICAL, CLINICIANS, type RoleRouter } from "../web/routing.ts";
import { formatDateTime, formatDuration, formatTime } from "../time.ts";
import { InputReader } from "../web/validation.ts";
import { wardBoard, wardNames } from "./board.ts";
import { bladderChartSvg } from "./chart.ts";
import { describeInterval, TWOC_STATUS_TAGS } from "./format.ts";
import { flipFlowCalendar } from "./ics.ts";
import { getWardState } from "./index.ts";
import { CATHETER_TYPE_NAMES, CATHETER_TYPES, EVENT_TYPE_NAMES, EVENT_TYPES, TWOC_ACTIONS, type EventType, type WardState } from "./model.ts";
import { chartTable, eventDescription, historyRows, twocPanel } from "./presenters.ts";
import { eventHistory, findEvent, scheduleHistory } from "./repository.ts";
import { correctBladderEvent, recordBladderEvent, recordTwocAction, recordTwocOverride, startFlipFlow, stopFlipFlow } from "./service.ts";
import { checkEventTime, EVENT_FIELDS, newFormKey, readBladderEvent, readClientKey, readFormKey } from "./validation.ts";
import { bladderEventBodySchema, twocSchema } from "./openapi.ts";

const DEFAULT_INTERVAL = 240;
const INTERVAL_CHOICES = [240, 210, 180, 150, 120, 90, 60, 30];
const MINUTE = 60_000;


export function wardRoutes(pages: RoleRouter, api: RoleRouter, deps: AppDeps): void {
  const { db, clock } = deps;
  const now = () => clock().toISOString();

  deps.episodePanels.add(10, async ({ db: conn, episode, now: at }) => {
    const state = await getWardState(conn, episode.id, at.toISOString());
    return { partial: "ward/twoc-panel", data: { ...twocPanel(state, at.toISOString(), episode.id), onEpisodePage: true } };
  });

  // ---------------------------------------------------------------- the ward board
  pages.get("/ward", CLINICAL, async (req, res) => {
    const wards = await wardNames(db);
    const asked = typeof req.query.ward === "string" ? req.query.ward.slice(0, 120) : "";
    const ward = asked || wards[0] || "";
    const at = now();
    const rows = ward ? await wardBoard(db, ward, at) : [];
    res.render("ward/board", {
      title: ward ? `Ward board: ${ward}` : "Ward board",
      // A meta refresh fails WCAG 2.2.1 (axe: meta-refresh), so a small script reloads the board
      // every minute and the nurse can switch it off; without script the page is reloaded by hand.
      autoRefreshSeconds: 60,
      ward,
      wards: wards.map((name) => ({ name, selected: name === ward, href: `/ward?ward=${encodeURIComponent(name)}` })),
      rows: rows.map((r) => ({
        ...r,
        tag: TWOC_STATUS_TAGS[r.twoc.status],
        dueClock: r.due?.at ? formatTime(r.due.at) : null,
        flipFlowInterval: r.flipFlow ? describeInterval(r.flipFlow.intervalMinutes) : null,
      })),
      updated: formatDateTime(at),
    });
  });

  // ---------------------------------------------------------------- the nurse's page for an episode
  pages.get("/episodes/:episodeId/bladder", CLINICAL, async (req, res) => {
    const { episode, patient } = await loadEpisode(deps, req);
    await renderBladderPage(res, episode, patient);
  });

  async function renderBladderPage(res: Response, episode: Episode, patient: Patient, extra: Record<string, unknown> = {}, status = 200) {
    const at = now();
    const [state, history] = await Promise.all([getWardState(db, episode.id, at), eventHistory(db, episode.id)]);
    res.status(status).render("ward/bladder", {
      title: `Bladder: ${patientDisplayName(patient)}`,
      patient,
      episode,
      panel: { ...twocPanel(state, at, episode.id), forms: true },
      formKey: newFormKey(),
      history: historyRows(history),
      recordLinks: EVENT_TYPES.map((type) => ({ type, text: EVENT_TYPE_NAMES[type], href: `/episodes/${episode.id}/bladder/record/${type}` })),
      isClinician: res.locals.user?.role === "clinician",
      backLink: { href: `/episodes/${episode.id}`, text: "Episode" },
      ...extra,
    });
  }

  // ---------------------------------------------------------------- recording events
  const eventType = (req: Request): EventType => {
    const type = req.params.type;
    if (typeof type !== "string" || !(EVENT_TYPES as readonly string[]).includes(type)) throw new NotFoundError("Page");
    return type as EventType;
  };

  const renderRecordForm = (res: Response, episode: Episode, patient: Patient, type: EventType, values: Record<string, unknown>, errors?: unknown, status = 200) =>
    res.status(status).render("ward/record", {
      title: `${EVENT_TYPE_NAMES[type]}: ${patientDisplayName(patient)}`,
      heading: EVENT_TYPE_NAMES[type],
      patient,
      episode,
      type,
      isScan: type === "scan",
      isVoid: type === "void",
      isOpening: type === "flip-flow-opening",
      isRecath: type === "recatheterised",
      isRemoval: type === "catheter-removed",
      whenItems: [
        { value: "now", text: "Now (the time it is saved)" },
        { value: "earlier", text: "Earlier (enter the time below, up to 24 hours ago)" },
      ],
      phaseItems: [
        { value: "pre-void", text: "Pre-void (before passing urine)" },
        { value: "post-void", text: "Post-void (after passing urine)" },
      ],
      yesNo: YES_NO_ITEMS,
      catheterItems: CATHETER_TYPES.map((value) => ({ value, text: CATHETER_TYPE_NAMES[value] })),
      values,
      errors,
      action: `/episodes/${episode.id}/bladder/record/${type}`,
      backLink: { href: `/episodes/${episode.id}/bladder`, text: "Back" },
    });

  pages.get("/episodes/:episodeId/bladder/record/:type", CLINICAL, async (req, res) => {
    const { episode, patient } = await loadEpisode(deps, req);
    const type = eventType(req);
    const state = await getWardState(db, episode.id, now());
    const values = { when: "now", formKey: newFormKey(), ...instantFields("at", now()) };
    const lockErrors = type === "catheter-removed" && state.u6Locked ? [{ field: "type", message: lockMessage() }] : undefined;
    renderRecordForm(res, episode, patient, type, values, lockErrors);
  });

  pages.post("/episodes/:episodeId/bladder/record/:type", CLINICAL, async (req, res) => {
    const { episode, patient } = await loadEpisode(deps, req);
    const type = eventType(req);
    const at = now();
    try {
      const reader = new InputReader(req.body, "form");
      const key = readFormKey(reader);
      const input = reader.result(readBladderEvent(reader, at, type));
      const result = await recordBladderEvent(db, res.locals.actor!, episode, input, key, "form", at);
      req.session.flash = result.duplicate
        ? `This form was already saved: ${eventDescription(result.event)} at ${formatTime(result.event.at)} is recorded once`
        : `Recorded: ${eventDescription(result.event)} at ${formatTime(result.event.at)}`;
      res.redirect(303, type === "flip-flow-opening" ? `/episodes/${episode.id}/flip-flow` : `/episodes/${episode.id}/bladder`);
    } catch (err) {
      const errors = formErrors(err);
      if (!errors) throw err;
      renderRecordForm(res, episode, patient, type, req.body, errors, err instanceof ConflictError ? 409 : 400);
    }
  });

  // ---------------------------------------------------------------- corrections
  const loadActiveEvent = async (req: Request, episode: Episode) => {
    const id = idParam(req.params.eventId);
    const event = id ? await findEvent(db, episode.id, id) : null;
    if (!event) throw new NotFoundError("Bladder event");
    return event;
  };

  const renderCorrectForm = (res: Response, episode: Episode, patient: Patient, original: Awaited<ReturnType<typeof loadActiveEvent>>, values: Record<string, unknown>, errors?: unknown, status = 200) =>
    res.status(status).render("ward/correct", {
      title: `Correct a record: ${patientDisplayName(patient)}`,
      patient,
      episode,
      original: { ...original, text: eventDescription(original), when: formatDateTime(original.at) },
      isScan: original.type === "scan",
      isVolume: original.type === "void" || original.type === "flip-flow-opening",
      volumeRequired: original.type === "flip-flow-opening",
      isRecath: original.type === "recatheterised",
      phaseItems: [
        { value: "pre-void", text: "Pre-void" },
        { value: "post-void", text: "Post-void" },
      ],
      yesNo: YES_NO_ITEMS,
      catheterItems: CATHETER_TYPES.map((value) => ({ value, text: CATHETER_TYPE_NAMES[value] })),
      values,
      errors,
      backLink: { href: `/episodes/${episode.id}/bladder`, text: "Back" },
    });

  pages.get("/episodes/:episodeId/bladder/events/:eventId/correct", CLINICAL, async (req, res) => {
    const { episode, patient } = await loadEpisode(deps, req);
    const original = await loadActiveEvent(req, episode);
    if (original.supersededBy !== null) {
      req.session.flash = "That record was already corrected: correct the newer record";
      return res.redirect(303, `/episodes/${episode.id}/bladder`);
    }
    renderCorrectForm(res, episode, patient, original, {
      formKey: newFormKey(),
      when: "earlier",
      ...instantFields("at", original.at),
      phase: original.phase ?? "",
      volumeMl: original.volumeMl === null ? "" : String(original.volumeMl),
      sensationToVoid: original.sensationToVoid === null ? "" : original.sensationToVoid ? "yes" : "no",
      catheterType: original.catheterType ?? "",
    });
  });

  pages.post("/episodes/:episodeId/bladder/events/:eventId/correct", CLINICAL, async (req, res) => {
    const { episode, patient } = await loadEpisode(deps, req);
    const original = await loadActiveEvent(req, episode);
    const at = now();
    try {
      const reader = new InputReader({ ...req.body, when: "earlier" }, "form");
      const key = readFormKey(reader);
      const reason = reader.text("reason", { label: "The reason for the correction", required: true, max: 500 });
      const input = readBladderEvent(reader, at, original.type);
      reader.result(null);
      await correctBladderEvent(db, res.locals.actor!, episode, original.id, input, reason!, key, at);
      req.session.flash = "Correction saved; the original record is kept in the history";
      res.redirect(303, `/episodes/${episode.id}/bladder`);
    } catch (err) {
      const errors = formErrors(err);
      if (!errors) throw err;
      renderCorrectForm(res, episode, patient, original, req.body, errors, err instanceof ConflictError ? 409 : 400);
    }
  });

  // ---------------------------------------------------------------- chart
  pages.get("/episodes/:episodeId/bladder/chart", CLINICAL, async (req, res) => {
    const { episode, patient } = await loadEpisode(deps, req);
    const at = now();
    const state = await getWardState(db, episode.id, at);
    const chart = bladderChartSvg(state.events, at, patientDisplayName(patient));
    res.render("ward/chart", {
      title: `Bladder chart: ${patientDisplayName(patient)}`,
      patient,
      episode,
      svg: chart.svg,
      from: formatDateTime(chart.from),
      to: formatDateTime(chart.to),
      table: chartTable(state.events.filter((e) => Date.parse(e.at) >= Date.parse(chart.from))),
      backLink: { href: `/episodes/${episode.id}/bladder`, text: "Back" },
    });
  });

  // ---------------------------------------------------------------- U6 override and the failed-TWOC checklist
  const renderOverride = (res: Response, episode: Episode, patient: Patient, state: WardState, values: Record<string, unknown>, errors?: unknown, status = 200) =>
    res.status(status).render("ward/override", {
      title: `Override the U6 lock: ${patientDisplayName(patient)}`,
      patient,
      episode,
      twoc: state.twoc,
      locked: state.u6Locked,
      values,
      errors,
      backLink: { href: `/episodes/${episode.id}/bladder`, text: "Back" },
    });

  pages.get("/episodes/:episodeId/twoc/override", CLINICIANS, async (req, res) => {
    const { episode, patient } = await loadEpisode(deps, req);
    renderOverride(res, episode, patient, await getWardState(db, episode.id, now()), { formKey: newFormKey() });
  });

  pages.post("/episodes/:episodeId/twoc/override", CLINICIANS, async (req, res) => {
    const { episode, patient } = await loadEpisode(deps, req);
    const at = now();
    try {
      const reader = new InputReader(req.body, "form");
      const key = readFormKey(reader);
      const reason = reader.text("reason", { label: "The clinical reason for a new TWOC", required: true, max: 1000 });
      reader.result(null);
      const { duplicate } = await recordTwocOverride(db, res.locals.actor!, episode, reason!, key, at);
      req.session.flash = duplicate ? "The override was already recorded" : "Override recorded: a new catheter removal can now be recorded";
      res.redirect(303, `/episodes/${episode.id}/bladder`);
    } catch (err) {
      const errors = formErrors(err);
      if (!errors) throw err;
      renderOverride(res, episode, patient, await getWardState(db, episode.id, at), req.body, errors, err instanceof ConflictError ? 409 : 400);
    }
  });

  pages.post("/episodes/:episodeId/twoc/actions", CLINICAL, async (req, res) => {
    const { episode, patient } = await loadEpisode(deps, req);
    const at = now();
    try {
      const reader = new InputReader(req.body, "form");
      const key = readFormKey(reader);
      const action = reader.choice("action", TWOC_ACTIONS, { label: "The action", required: true });
      const done = reader.bool("done", { label: "the action is done", required: true });
      reader.result(null);
      const { duplicate } = await recordTwocAction(db, res.locals.actor!, episode, action!, done!, key, at);
      req.session.flash = duplicate ? "That tick was already saved" : done ? "Ticked as done" : "Tick removed";
      res.redirect(303, `/episodes/${episode.id}/bladder#twoc-checklist`);
    } catch (err) {
      const errors = formErrors(err);
      if (!errors) throw err;
      await renderBladderPage(res, episode, patient, { errors }, 400);
    }
  });

  // ---------------------------------------------------------------- flip-flow
  pages.get("/episodes/:episodeId/flip-flow", CLINICAL, async (req, res) => {
    const { episode, patient } = await loadEpisode(deps, req);
    await renderFlipFlow(res, episode, patient);
  });

  async function renderFlipFlow(res: Response, episode: Episode, patient: Patient, extra: Record<string, unknown> = {}, status = 200) {
    const at = now();
    const [state, schedules] = await Promise.all([getWardState(db, episode.id, at), scheduleHistory(db, episode.id)]);
    res.status(status).render("ward/flip-flow", {
      title: `Flip-flow schedule: ${patientDisplayName(patient)}`,
      patient,
      episode,
      ...flipFlowView(state, at),
      history: schedules.map((s) => ({ ...s, interval: describeInterval(s.intervalMinutes), first: formatDateTime(s.firstOpeningAt), recorded: formatDateTime(s.recordedAt), ended: s.endedAt ? formatDateTime(s.endedAt) : null })),
      isClinician: res.locals.user?.role === "clinician",
      formKey: newFormKey(),
      backLink: { href: `/episodes/${episode.id}/bladder`, text: "Back" },
      ...extra,
    });
  }

  const renderStart = (res: Response, episode: Episode, patient: Patient, values: Record<string, unknown>, errors?: unknown, status = 200) => {
    const isClinician = res.locals.user?.role === "clinician";
    res.status(status).render("ward/flip-flow-start", {
      title: `Start a flip-flow schedule: ${patientDisplayName(patient)}`,
      patient,
      episode,
      isClinician,
      intervalItems: INTERVAL_CHOICES.map((m) => ({ value: String(m), text: m === 240 ? "Every 4 h (F1: the longest allowed)" : `Every ${describeInterval(m)}` })),
      values,
      errors,
      backLink: { href: `/episodes/${episode.id}/flip-flow`, text: "Back" },
    });
  };

  pages.get("/episodes/:episodeId/flip-flow/start", CLINICAL, async (req, res) => {
    const { episode, patient } = await loadEpisode(deps, req);
    const first = new Date(Date.parse(now()) + DEFAULT_INTERVAL * MINUTE).toISOString();
    renderStart(res, episode, patient, { formKey: newFormKey(), intervalMinutes: String(DEFAULT_INTERVAL), ...instantFields("firstOpeningAt", first) });
  });

  pages.post("/episodes/:episodeId/flip-flow/start", CLINICAL, async (req, res) => {
    const { episode, patient } = await loadEpisode(deps, req);
    const at = now();
    const isClinician = res.locals.user?.role === "clinician";
    try {
      const reader = new InputReader(req.body, "form");
      const key = readFormKey(reader);
      const interval = reader.has("intervalMinutes")
        ? reader.integer("intervalMinutes", { label: "Interval", min: 30, max: 240, unit: "minutes" })
        : DEFAULT_INTERVAL;
      if (interval !== null && interval % 30 !== 0) reader.fail("intervalMinutes", "Choose an interval in 30-minute steps");
      if (interval !== null && interval !== DEFAULT_INTERVAL && !isClinician) {
        throw new HttpError(403, "Only a clinician may shorten the flip-flow interval below 4 hours (F2)", "forbidden");
      }
      const first = reader.instant("firstOpeningAt", { label: "Time of the first opening", required: true });
      if (first !== null && interval !== null) {
        const latest = Date.parse(at) + interval * MINUTE;
        if (Date.parse(first) > latest) {
          reader.fail("firstOpeningAt", `The first opening must be no later than ${formatDateTime(new Date(latest))}: the valve is opened at least every ${describeInterval(interval)} (F1)`);
        } else if (Date.parse(first) > Date.parse(at)) {
          // a future first opening is fine
        } else checkEventTime(reader, "firstOpeningAt", first, at);
      }
      const note = reader.text("note", { label: "Note", max: 500 });
      reader.result(null);
      const { duplicate } = await startFlipFlow(db, res.locals.actor!, episode, { intervalMinutes: interval!, firstOpeningAt: first!, reason: "started", note }, key, at);
      req.session.flash = duplicate ? "This schedule was already saved" : `Flip-flow schedule started: every ${describeInterval(interval!)} from ${formatTime(first!)}`;
      res.redirect(303, `/episodes/${episode.id}/flip-flow`);
    } catch (err) {
      const errors = formErrors(err);
      if (!errors) throw err;
      renderStart(res, episode, patient, req.body, errors, 400);
    }
  });

  pages.post("/episodes/:episodeId/flip-flow/accept", CLINICIANS, async (req, res) => {
    const { episode, patient } = await loadEpisode(deps, req);
    const at = now();
    try {
      const reader = new InputReader(req.body, "form");
      const key = readFormKey(reader);
      const interval = reader.integer("intervalMinutes", { label: "Suggested interval", min: 30, max: 240, unit: "minutes", required: true });
      reader.result(null);
      const state = await getWardState(db, episode.id, at);
      const suggestion = state.flipFlow?.suggestion;
      if (!state.flipFlow || !suggestion || suggestion.intervalMinutes !== interval) {
        throw new ConflictError("The suggestion has changed since the page was shown: review the new suggestion", "intervalMinutes");
      }
      const anchor = state.flipFlow.lastOpeningAt ? Date.parse(state.flipFlow.lastOpeningAt) + interval * MINUTE : Date.parse(at);
      const { duplicate } = await startFlipFlow(db, res.locals.actor!, episode, { intervalMinutes: interval, firstOpeningAt: new Date(anchor).toISOString(), reason: "f2-accepted", note: suggestion.reason }, key, at);
      req.session.flash = duplicate ? "This change was already saved" : `Suggested interval accepted: open every ${describeInterval(interval)}, next at ${formatTime(new Date(anchor))}`;
      res.redirect(303, `/episodes/${episode.id}/flip-flow`);
    } catch (err) {
      const errors = formErrors(err);
      if (!errors) throw err;
      await renderFlipFlow(res, episode, patient, { errors }, err instanceof ConflictError ? 409 : 400);
    }
  });

  pages.post("/episodes/:episodeId/flip-flow/stop", CLINICAL, async (req, res) => {
    const { episode, patient } = await loadEpisode(deps, req);
    const at = now();
    try {
      const reader = new InputReader(req.body, "form");
      const key = readFormKey(reader);
      const reason = reader.text("stopReason", { label: "Why the schedule stops", required: true, max: 500 });
      reader.result(null);
      await stopFlipFlow(db, res.locals.actor!, episode, reason!, key, at);
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
    const state = await getWardState(db, episode.id, at);
    res.render("ward/flip-flow-sheet", {
      title: `Flip-flow valve: bedside sheet for ${patientDisplayName(patient)}`,
      patient,
      episode,
      printedAt: formatDateTime(at),
      ...flipFlowView(state, at),
      backLink: { href: `/episodes/${episode.id}/flip-flow`, text: "Back" },
    });
  });

  pages.get("/episodes/:episodeId/flip-flow/openings.ics", CLINICAL, async (req, res) => {
    const { episode } = await loadEpisode(deps, req);
    const at = now();
    const state = await getWardState(db, episode.id, at);
    if (!state.flipFlow) throw new NotFoundError("Flip-flow schedule");
    const days = Math.min(31, Math.max(1, Number.parseInt(String(req.query.days ?? "7"), 10) || 7));
    const step = state.flipFlow.intervalMinutes * MINUTE;
    const origin = Date.parse(state.flipFlow.firstOpeningAt);
    const nowMs = Date.parse(at);
    const k0 = Math.max(0, Math.ceil((nowMs - origin) / step));
    const openings: { at: string }[] = [];
    for (let t = origin + k0 * step; t <= nowMs + days * 24 * 3600_000; t += step) openings.push({ at: new Date(t).toISOString() });
    const body = flipFlowCalendar({
      openings,
      uidPrefix: `ff-${episode.id}-${state.flipFlow.scheduleId}`,
      now: at,
      summary: "Open the valve",
      description: `Open the flip-flow valve and drain the bladder, every ${describeInterval(state.flipFlow.intervalMinutes)}, day and night, even without an urge to pass urine. Times are UK time.`,
    });
    res.set("Content-Type", "text/calendar; charset=utf-8");
    res.set("Content-Disposition", `attachment; filename="flip-flow-openings.ics"`);
    res.send(body);
  });

  // ---------------------------------------------------------------- API
  const apiEpisode = async (req: Request): Promise<Episode> => {
    const id = idParam(req.params.episodeId);
    const episode = id ? await findEpisode(db, id) : null;
    if (!episode) throw new NotFoundError("Episode");
    return episode;
  };

  api.post("/episodes/:episodeId/bladder-events", CLINICAL, async (req, res) => {
    const episode = await apiEpisode(req);
    const at = now();
    const reader = new InputReader(req.body, "json");
    reader.rejectUnknown(EVENT_FIELDS);
    const key = readClientKey(reader);
    const input = reader.result(readBladderEvent(reader, at));
    const result = await recordBladderEvent(db, res.locals.actor!, episode, input, key, "api", at);
    res.status(result.duplicate ? 200 : 201).json({ id: result.event.id, twoc: result.twoc });
  });
  api.document("post", "/episodes/{episodeId}/bladder-events", {
    summary: "Record a bladder event (bladder scanner or EPR)",
    description:
      "Times may be up to 24 hours in the past and never in the future. The same clientId sent again for the episode stores nothing new and answers 200 with the first event's id. A catheter removal after a failed TWOC is refused (409, rule U6) unless a clinician recorded an override.",
    parameters: [{ name: "episodeId", in: "path", required: true, schema: { type: "integer" } }],
    requestBody: { required: true, content: { "application/json": { schema: bladderEventBodySchema } } },
    responses: {
      "201": { description: "Recorded", content: { "application/json": { schema: { type: "object", properties: { id: { type: "integer" }, twoc: twocSchema } } } } },
      "200": { description: "Already recorded with this clientId: nothing new stored", content: { "application/json": { schema: { type: "object", properties: { id: { type: "integer" }, twoc: twocSchema } } } } },
      "400": { description: "Invalid input; nothing stored" },
      "401": { description: "No valid bearer token" },
      "403": { description: "The token's role may not use this endpoint" },
      "404": { description: "No such episode" },
      "409": { description: "U6: a new TWOC after a failed one needs a clinician's override; or a valve opening is already recorded at that time" },
    },
  });

  api.get("/episodes/:episodeId/twoc", CLINICAL, async (req, res) => {
    const episode = await apiEpisode(req);
    const state = await getWardState(db, episode.id, now());
    res.json(state.twoc);
  });
  api.document("get", "/episodes/{episodeId}/twoc", {
    summary: "The trial without catheter now: the rule engine's assessment (status, rule ids, reason, no-void deadline)",
    parameters: [{ name: "episodeId", in: "path", required: true, schema: { type: "integer" } }],
    responses: {
      "200": { description: "Assessment", content: { "application/json": { schema: twocSchema } } },
      "401": { description: "No valid bearer token" },
      "403": { description: "The token's role may not use this endpoint" },
      "404": { description: "No such episode" },
    },
  });

}

function lockMessage(): string {
  return "U6: the last trial without catheter failed, so a new one is not started at this stage. A clinician must record an override with a reason first.";
}

/** The flip-flow page's model: slots in UK time, ticks, flags and the F2 suggestion. */
function flipFlowView(state: WardState, at: string) {
  const ff = state.flipFlow;
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
        big: s.volumeMl !== null && s.volumeMl >= 500,
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
