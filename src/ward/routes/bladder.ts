import type { Request, Response } from "express";
import { ConflictError, NotFoundError } from "../../errors.ts";
import { loadEpisode } from "../../patients/load.ts";
import { type Episode, type Patient, patientDisplayName } from "../../patients/model.ts";
import { formatDateTime, formatTime } from "../../time.ts";
import { boolField, idParam, instantFields, YES_NO_ITEMS } from "../../web/form-values.ts";
import { formErrors } from "../../web/forms.ts";
import { CLINICAL, CLINICIANS, type RoleRouter } from "../../web/routing.ts";
import { InputReader } from "../../web/validation.ts";
import { bladderChartSvg, NARROW, WIDE } from "../chart.ts";
import { getWardState, type WardView } from "../index.ts";
import { CATHETER_TYPE_NAMES, CATHETER_TYPES, EVENT_TYPE_NAMES, EVENT_TYPES, TWOC_ACTIONS, type EventType, type WardState } from "../model.ts";
import { chartTable, eventDescription, historyRows, twocPanel } from "../presenters.ts";
import { eventHistory, findEvent } from "../repository.ts";
import { correctBladderEvent, recordBladderEvent, recordTwocAction, recordTwocOverride, recordVoidAndScan } from "../service.ts";
import { formRowKey, readBladderEvent, readVoidAndScan } from "../validation.ts";
import { lockMessage, type WardRouteContext } from "./context.ts";

const PHASE_ITEMS = [
  { value: "pre-void", text: "Pre-void (before passing urine)" },
  { value: "post-void", text: "Post-void (after passing urine)" },
];
const CATHETER_ITEMS = CATHETER_TYPES.map((value) => ({ value, text: CATHETER_TYPE_NAMES[value] }));
const VOID_AND_SCAN = "Void and post-void scan";

/** A U-SAFE alert not yet resolved (assessBladder): the re-catheterisation form then asks for its documentation. */
const uSafeOpen = (state: WardView): boolean => state.bladder.uSafe.active && !state.bladder.uSafe.resolved;

/** The nurse's bladder page for an episode: recording, correcting, the chart, the U6 override and the failed-TWOC ticks. */
export function bladderRoutes(pages: RoleRouter, ctx: WardRouteContext): void {
  const { db, now, deps } = ctx;

  async function renderBladderPage(res: Response, episode: Episode, patient: Patient, extra: Record<string, unknown> = {}, status = 200) {
    const at = now();
    const [state, history] = await Promise.all([getWardState(db, episode.id, at), eventHistory(db, episode.id)]);
    res.status(status).render("ward/bladder", {
      title: `Bladder: ${patientDisplayName(patient)}`,
      patient,
      episode,
      panel: { ...twocPanel(state, at, episode.id, episode.discharge?.dischargedAt ?? null), forms: true, done: res.locals.flash ?? null },
      // The "Done" note follows the result on this page (after a fail or an alert the result is read first).
      flash: null,
      history: historyRows(history),
      recordLinks: EVENT_TYPES.map((type) => ({ type, text: EVENT_TYPE_NAMES[type], href: `/episodes/${episode.id}/bladder/record/${type}` })),
      isClinician: res.locals.user?.role === "clinician",
      backLink: { href: `/episodes/${episode.id}`, text: "Episode" },
      ...extra,
    });
  }

  pages.get("/episodes/:episodeId/bladder", CLINICAL, async (req, res) => {
    const { episode, patient } = await loadEpisode(deps, req);
    await renderBladderPage(res, episode, patient);
  });

  // ---------------------------------------------------------------- recording events
  const eventType = (req: Request): EventType => {
    const type = req.params.type;
    if (typeof type !== "string" || !(EVENT_TYPES as readonly string[]).includes(type)) throw new NotFoundError("Page");
    return type as EventType;
  };

  const renderRecordForm = (res: Response, episode: Episode, patient: Patient, type: EventType | "void-and-scan", values: Record<string, unknown>, errors?: unknown, status = 200, extra: Record<string, unknown> = {}) =>
    res.status(status).render("ward/record", {
      title: `${type === "void-and-scan" ? VOID_AND_SCAN : EVENT_TYPE_NAMES[type]}: ${patientDisplayName(patient)}`,
      heading: type === "void-and-scan" ? VOID_AND_SCAN : EVENT_TYPE_NAMES[type],
      patient,
      episode,
      type,
      isVoidAndScan: type === "void-and-scan",
      ...extra,
      isScan: type === "scan",
      isVoid: type === "void",
      isOpening: type === "flip-flow-opening",
      isRecath: type === "recatheterised",
      isRemoval: type === "catheter-removed",
      whenItems: [
        { value: "now", text: "Now (the time it is saved)" },
        { value: "earlier", text: "Earlier (enter the time below, up to 24 hours ago)" },
      ],
      phaseItems: PHASE_ITEMS,
      yesNo: YES_NO_ITEMS,
      catheterItems: CATHETER_ITEMS,
      values,
      errors,
      action: type === "void-and-scan" ? `/episodes/${episode.id}/bladder/void-and-scan` : `/episodes/${episode.id}/bladder/record/${type}`,
      backLink: { href: `/episodes/${episode.id}/bladder`, text: "Back" },
    });

  pages.get("/episodes/:episodeId/bladder/record/:type", CLINICAL, async (req, res) => {
    const { episode, patient } = await loadEpisode(deps, req);
    const type = eventType(req);
    const state = await getWardState(db, episode.id, now());
    const phase = type === "scan" && req.query.phase === "post-void" ? { phase: "post-void" } : {};
    const values = { when: "now", ...instantFields("at", now()), ...phase };
    const lockErrors = type === "catheter-removed" && state.u6Locked ? [{ field: "type", message: lockMessage() }] : undefined;
    renderRecordForm(res, episode, patient, type, values, lockErrors, 200, { uSafeOpen: uSafeOpen(state) });
  });

  pages.post("/episodes/:episodeId/bladder/record/:type", CLINICAL, async (req, res, actor) => {
    const { episode, patient } = await loadEpisode(deps, req);
    const type = eventType(req);
    const at = now();
    const state = type === "recatheterised" ? await getWardState(db, episode.id, at) : null;
    try {
      const reader = new InputReader(req.body, "form");
      const input = reader.result(readBladderEvent(reader, at, type, { uSafeOpen: state !== null && uSafeOpen(state) }));
      const result = await recordBladderEvent(db, actor, episode, input, formRowKey(), "form", at);
      req.session.flash = result.duplicate
        ? `This form was already saved: ${eventDescription(result.event)} at ${formatTime(result.event.at)} is recorded once`
        : `Recorded: ${eventDescription(result.event)} at ${formatTime(result.event.at)}`;
      res.redirect(303, type === "flip-flow-opening" ? `/episodes/${episode.id}/flip-flow` : `/episodes/${episode.id}/bladder`);
    } catch (err) {
      const errors = formErrors(err);
      if (!errors) throw err;
      renderRecordForm(res, episode, patient, type, req.body, errors, err instanceof ConflictError ? 409 : 400, { uSafeOpen: state !== null && uSafeOpen(state) });
    }
  });

  // A void and its post-void scan on one form: two events in one change.
  pages.get("/episodes/:episodeId/bladder/void-and-scan", CLINICAL, async (req, res) => {
    const { episode, patient } = await loadEpisode(deps, req);
    renderRecordForm(res, episode, patient, "void-and-scan", { when: "now", ...instantFields("at", now()) });
  });

  pages.post("/episodes/:episodeId/bladder/void-and-scan", CLINICAL, async (req, res, actor) => {
    const { episode, patient } = await loadEpisode(deps, req);
    const at = now();
    try {
      const reader = new InputReader(req.body, "form");
      const input = reader.result(readVoidAndScan(reader, at));
      const result = await recordVoidAndScan(db, actor, episode, input, formRowKey(), at);
      req.session.flash = `Recorded: ${result.events.map(eventDescription).join(", then ")} at ${formatTime(input.void.at)}`;
      res.redirect(303, `/episodes/${episode.id}/bladder`);
    } catch (err) {
      const errors = formErrors(err);
      if (!errors) throw err;
      renderRecordForm(res, episode, patient, "void-and-scan", req.body, errors, 400);
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
      catheterItems: CATHETER_ITEMS,
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
      when: "earlier",
      ...instantFields("at", original.at),
      phase: original.phase ?? "",
      volumeMl: original.volumeMl === null ? "" : String(original.volumeMl),
      sensationToVoid: original.sensationToVoid === null ? "" : original.sensationToVoid ? "yes" : "no",
      catheterType: original.catheterType ?? "",
      sensate: boolField(original.sensate ?? null),
      catheterTugDone: boolField(original.catheterTugDone ?? null),
      catheterTugResult: original.catheterTugResult ?? "",
    });
  });

  pages.post("/episodes/:episodeId/bladder/events/:eventId/correct", CLINICAL, async (req, res, actor) => {
    const { episode, patient } = await loadEpisode(deps, req);
    const original = await loadActiveEvent(req, episode);
    const at = now();
    try {
      const reader = new InputReader({ ...req.body, when: "earlier" }, "form");
      const reason = reader.text("reason", { label: "The reason for the correction", required: true, max: 500 });
      const input = readBladderEvent(reader, at, original.type);
      reader.result(null);
      await correctBladderEvent(db, actor, episode, original.id, input, reason!, formRowKey(), at);
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
    const chart = bladderChartSvg(state.events, at, patientDisplayName(patient), WIDE);
    const narrow = bladderChartSvg(state.events, at, patientDisplayName(patient), NARROW);
    res.render("ward/chart", {
      title: `Bladder chart: ${patientDisplayName(patient)}`,
      patient,
      episode,
      svg: chart.svg,
      svgNarrow: narrow.svg,
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
    renderOverride(res, episode, patient, await getWardState(db, episode.id, now()), {});
  });

  pages.post("/episodes/:episodeId/twoc/override", CLINICIANS, async (req, res, actor) => {
    const { episode, patient } = await loadEpisode(deps, req);
    const at = now();
    try {
      const reader = new InputReader(req.body, "form");
      const reason = reader.text("reason", { label: "The clinical reason for a new TWOC", required: true, max: 1000 });
      reader.result(null);
      const { duplicate } = await recordTwocOverride(db, actor, episode, reason!, formRowKey(), at);
      req.session.flash = duplicate ? "The override was already recorded" : "Override recorded: a new catheter removal can now be recorded";
      res.redirect(303, `/episodes/${episode.id}/bladder`);
    } catch (err) {
      const errors = formErrors(err);
      if (!errors) throw err;
      renderOverride(res, episode, patient, await getWardState(db, episode.id, at), req.body, errors, err instanceof ConflictError ? 409 : 400);
    }
  });

  pages.post("/episodes/:episodeId/twoc/actions", CLINICAL, async (req, res, actor) => {
    const { episode, patient } = await loadEpisode(deps, req);
    const at = now();
    try {
      const reader = new InputReader(req.body, "form");
      const action = reader.choice("action", TWOC_ACTIONS, { label: "The action", required: true });
      const done = reader.bool("done", { label: "the action is done", required: true });
      reader.result(null);
      const { duplicate } = await recordTwocAction(db, actor, episode, action!, done!, formRowKey(), at);
      req.session.flash = duplicate ? "That tick was already saved" : done ? "Ticked as done" : "Tick removed";
      res.redirect(303, `/episodes/${episode.id}/bladder#twoc-checklist`);
    } catch (err) {
      const errors = formErrors(err);
      if (!errors) throw err;
      await renderBladderPage(res, episode, patient, { errors }, 400);
    }
  });
}
