import type { Response } from "express";
import type { AppDeps } from "../deps.ts";
import { surgicalRecordChecks } from "../pathway/index.ts";
import { boolField, dateFields, instantFields, YES_NO_ITEMS } from "../web/form-values.ts";
import type { RoleRouter } from "../web/routing.ts";
import { CLINICAL } from "../web/routing.ts";
import { londonDate } from "../time.ts";
import { CONTROL_CHARACTERS, InputReader } from "../web/validation.ts";
import { CATHETER_STATUS_NAMES, CATHETER_STATUSES, type Episode, type Patient, patientDisplayName, PROCEDURE_NAMES, PROCEDURES, wardNameKey } from "./model.ts";
import { episodeChoices, episodeLinkNames, episodesForPatient, searchPatients } from "./repository.ts";
import { loadEpisode, loadPatient } from "./load.ts";
import { formErrors } from "../web/forms.ts";
import { correctEpisode, correctPatient, recordDischarge, registerEpisode, registerPatient } from "./service.ts";
import { type EpisodeChoices, readDischarge, readEpisode, readPatient } from "./validation.ts";

const PAGE_SIZE = 50;

const SEX_ITEMS = [
  { value: "female", text: "Female" },
  { value: "male", text: "Male" },
  { value: "indeterminate", text: "Indeterminate" },
  { value: "not-known", text: "Not known" },
];
const PRESENTATION_ITEMS = [
  { value: "CES-I", text: "CES-I: incomplete" },
  { value: "CES-R", text: "CES-R: painless urinary retention with overflow incontinence" },
];
const PROCEDURE_ITEMS = PROCEDURES.map((value) => ({ value, text: PROCEDURE_NAMES[value] }));
const CATHETER_ITEMS = CATHETER_STATUSES.map((value) => ({ value, text: CATHETER_STATUS_NAMES[value] }));

export function patientRoutes(pages: RoleRouter, deps: AppDeps): void {
  const { db, clock } = deps;
  const now = () => clock().toISOString();

  pages.get("/patients", CLINICAL, async (req, res) => {
    const q = typeof req.query.q === "string" ? req.query.q.replace(new RegExp(CONTROL_CHARACTERS.source, "g"), "").slice(0, 100) : "";
    const page = Math.max(1, Math.min(10000, Number.parseInt(String(req.query.page ?? "1"), 10) || 1));
    const { items, total } = await searchPatients(db, q, page, PAGE_SIZE);
    const pages_ = Math.max(1, Math.ceil(total / PAGE_SIZE));
    res.render("patients/list", {
      title: "Patients",
      q,
      items,
      total,
      page,
      previous: page > 1 ? `?q=${encodeURIComponent(q)}&page=${page - 1}` : null,
      next: page < pages_ ? `?q=${encodeURIComponent(q)}&page=${page + 1}` : null,
      pageCount: pages_,
    });
  });

  const renderPatientForm = (res: Response, model: Record<string, unknown>, status = 200) =>
    res.status(status).render("patients/form", { sexItems: SEX_ITEMS, yesNo: YES_NO_ITEMS, ...model });

  pages.get("/patients/new", CLINICAL, (_req, res) => renderPatientForm(res, { title: "Register a patient", action: "/patients", values: {} }));

  pages.post("/patients", CLINICAL, async (req, res, actor) => {
    try {
      const input = readPatient(new InputReader(req.body, "form"), londonDate(clock()));
      const patient = await registerPatient(db, actor, input, now());
      req.session.flash = `${patient.givenName} ${patient.familyName} is registered`;
      res.redirect(303, `/patients/${patient.id}`);
    } catch (err) {
      const errors = formErrors(err);
      if (!errors) throw err;
      renderPatientForm(res, { title: "Register a patient", action: "/patients", values: req.body, errors }, 400);
    }
  });

  pages.get("/patients/:patientId", CLINICAL, async (req, res) => {
    const patient = await loadPatient(deps, req);
    const episodes = await episodesForPatient(db, patient.id);
    const names = await episodeLinkNames(db, episodes);
    res.render("patients/show", { title: patientDisplayName(patient), patient, episodes: episodes.map((e) => episodeSummary(e, names)) });
  });

  pages.get("/patients/:patientId/edit", CLINICAL, async (req, res) => {
    const patient = await loadPatient(deps, req);
    renderPatientForm(res, { title: "Correct patient details", action: `/patients/${patient.id}/edit`, patient, values: patientFormValues(patient) });
  });

  pages.post("/patients/:patientId/edit", CLINICAL, async (req, res, actor) => {
    const patient = await loadPatient(deps, req);
    try {
      const input = readPatient(new InputReader(req.body, "form"), londonDate(clock()));
      await correctPatient(db, actor, patient.id, input, now());
      req.session.flash = "Patient details corrected; the previous details are kept in the audit trail";
      res.redirect(303, `/patients/${patient.id}`);
    } catch (err) {
      const errors = formErrors(err);
      if (!errors) throw err;
      renderPatientForm(res, { title: "Correct patient details", action: `/patients/${patient.id}/edit`, patient, values: req.body, errors }, 400);
    }
  });

  const renderEpisodeForm = (res: Response, choices: EpisodeChoices, model: { values: Record<string, unknown> } & Record<string, unknown>, status = 200) => {
    const wardId = String(model.values.wardId ?? "");
    const consultantUserId = String(model.values.consultantUserId ?? "");
    res.status(status).render("patients/episode-form", {
      presentationItems: PRESENTATION_ITEMS,
      procedureItems: PROCEDURE_ITEMS,
      yesNo: YES_NO_ITEMS,
      wardItems: choices.wards.map((w) => ({ value: String(w.id), text: w.retired ? `${w.name} (retired)` : w.name, selected: String(w.id) === wardId })),
      consultantItems: choices.consultants.map((c) => ({ value: String(c.id), text: c.name, selected: String(c.id) === consultantUserId })),
      ...model,
    });
  };

  pages.get("/patients/:patientId/episodes/new", CLINICAL, async (req, res) => {
    const patient = await loadPatient(deps, req);
    renderEpisodeForm(res, await episodeChoices(db), { title: "Register a CES surgery episode", action: `/patients/${patient.id}/episodes`, patient, values: {} });
  });

  pages.post("/patients/:patientId/episodes", CLINICAL, async (req, res, actor) => {
    const patient = await loadPatient(deps, req);
    const choices = await episodeChoices(db);
    try {
      const input = readEpisode(new InputReader(req.body, "form"), now(), choices);
      const episode = await registerEpisode(db, actor, patient.id, input, now());
      req.session.flash = "Surgery episode registered";
      res.redirect(303, `/episodes/${episode.id}`);
    } catch (err) {
      const errors = formErrors(err);
      if (!errors) throw err;
      renderEpisodeForm(res, choices, { title: "Register a CES surgery episode", action: `/patients/${patient.id}/episodes`, patient, values: req.body, errors }, 400);
    }
  });

  pages.get("/episodes/:episodeId", CLINICAL, async (req, res) => {
    const { episode, patient } = await loadEpisode(deps, req);
    const panels = await deps.episodePanels.render({ db, episode, patient, now: clock() });
    res.render("patients/episode", {
      title: `Episode: ${patientDisplayName(patient)}`,
      patient,
      episode: episodeSummary(episode, await episodeLinkNames(db, [episode])),
      surgicalChecks: surgicalRecordChecks(surgicalRecordOf(episode)),
      panels,
    });
  });

  pages.get("/episodes/:episodeId/edit", CLINICAL, async (req, res) => {
    const { episode, patient } = await loadEpisode(deps, req);
    const choices = await episodeChoices(db, episode);
    const values = episodeFormValues(episode, choices);
    // Text that names no ward (written before wards were records, or by another system) is shown, so it is not dropped unseen.
    const unlistedWard = episode.ward && !values.wardId ? episode.ward : null;
    renderEpisodeForm(res, choices, { title: "Correct the surgery record", action: `/episodes/${episode.id}/edit`, patient, values, unlistedWard });
  });

  pages.post("/episodes/:episodeId/edit", CLINICAL, async (req, res, actor) => {
    const { episode, patient } = await loadEpisode(deps, req);
    const choices = await episodeChoices(db, episode);
    try {
      const input = readEpisode(new InputReader(req.body, "form"), now(), choices);
      await correctEpisode(db, actor, episode.id, input, now());
      req.session.flash = "Surgery record corrected; the previous record is kept in the audit trail";
      res.redirect(303, `/episodes/${episode.id}`);
    } catch (err) {
      const errors = formErrors(err);
      if (!errors) throw err;
      renderEpisodeForm(res, choices, { title: "Correct the surgery record", action: `/episodes/${episode.id}/edit`, patient, values: req.body, errors }, 400);
    }
  });

  const renderDischargeForm = (res: Response, model: Record<string, unknown>, status = 200) =>
    res.status(status).render("patients/discharge", { catheterItems: CATHETER_ITEMS, ...model });

  pages.get("/episodes/:episodeId/discharge", CLINICAL, async (req, res) => {
    const { episode, patient } = await loadEpisode(deps, req);
    const values = episode.discharge
      ? { ...instantFields("dischargedAt", episode.discharge.dischargedAt), destination: episode.discharge.destination, catheterStatus: episode.discharge.catheterStatus }
      : instantFields("dischargedAt", now());
    renderDischargeForm(res, { title: "Record discharge", patient, episode, values });
  });

  pages.post("/episodes/:episodeId/discharge", CLINICAL, async (req, res, actor) => {
    const { episode, patient } = await loadEpisode(deps, req);
    try {
      const discharge = readDischarge(new InputReader(req.body, "form"), now(), episode.anaesthesiaStartAt);
      await recordDischarge(db, actor, episode.id, discharge, now());
      req.session.flash = "Discharge recorded";
      res.redirect(303, `/episodes/${episode.id}`);
    } catch (err) {
      const errors = formErrors(err);
      if (!errors) throw err;
      renderDischargeForm(res, { title: "Record discharge", patient, episode, values: req.body, errors }, 400);
    }
  });
}

export function surgicalRecordOf(e: Episode) {
  return {
    presentation: e.presentation,
    mriAt: e.mriAt,
    anaesthesiaStartAt: e.anaesthesiaStartAt,
    delayReason: e.delayReason ?? undefined,
    consultantSanction: e.consultantSanction ?? undefined,
    preopReviewAt: e.preopReviewAt ?? undefined,
    consentRecorded: e.consentRecorded ?? undefined,
    bsrRegistered: e.bsrRegistered ?? undefined,
    catheterisedBeforeSurgery: e.catheterisedBeforeSurgery ?? undefined,
  };
}

function episodeSummary(e: Episode, names: { wards: Map<number, string>; consultants: Map<number, string> }) {
  return {
    ...e,
    // The ward record's name today; an episode linked to no ward shows its text as recorded.
    wardName: (e.wardId !== null ? names.wards.get(e.wardId) : null) ?? e.ward,
    consultantName: e.consultantUserId !== null ? (names.consultants.get(e.consultantUserId) ?? null) : null,
    procedureName: PROCEDURE_NAMES[e.procedure],
    catheterStatusName: e.discharge ? CATHETER_STATUS_NAMES[e.discharge.catheterStatus] : null,
  };
}

function patientFormValues(p: Patient): Record<string, string> {
  return {
    nhsNumber: p.nhsNumber,
    familyName: p.familyName,
    givenName: p.givenName,
    ...dateFields("dateOfBirth", p.dateOfBirth),
    sex: p.sex,
    email: p.email ?? "",
    emailConsent: boolField(p.emailConsent),
    gpName: p.gp.name ?? "",
    gpAddress: p.gp.address ?? "",
    gpEmail: p.gp.email ?? "",
  };
}

function episodeFormValues(e: Episode, choices: EpisodeChoices): Record<string, string> {
  // An episode linked to no ward (written with text only) offers the ward its text names, if any.
  const wardId = e.wardId ?? (e.ward ? choices.wards.find((w) => !w.retired && wardNameKey(w.name) === wardNameKey(e.ward!))?.id : undefined);
  return {
    presentation: e.presentation,
    ...instantFields("mriAt", e.mriAt),
    ...instantFields("anaesthesiaStartAt", e.anaesthesiaStartAt),
    procedure: e.procedure,
    level: e.level ?? "",
    surgeon: e.surgeon ?? "",
    hospital: e.hospital ?? "",
    wardId: wardId ? String(wardId) : "",
    consultantUserId: e.consultantUserId ? String(e.consultantUserId) : "",
    bed: e.bed ?? "",
    delayReason: e.delayReason ?? "",
    consultantSanction: boolField(e.consultantSanction),
    ...instantFields("preopReviewAt", e.preopReviewAt),
    consentRecorded: boolField(e.consentRecorded),
    bsrRegistered: boolField(e.bsrRegistered),
    catheterisedBeforeSurgery: boolField(e.catheterisedBeforeSurgery),
  };
}
