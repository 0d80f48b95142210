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
import { formatUkMobile } from "./mobile.ts";
import { channelStates, contactHistory } from "../reminders/contact.ts";
import { formPage } from "../web/forms.ts";
import { dischargeChecklist } from "../ward/discharge.ts";
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

  const renderPatientForm = (res: Response, model: Record<string, unknown>) => res.render("patients/form", { sexItems: SEX_ITEMS, yesNo: YES_NO_ITEMS, ...model });

  formPage(pages, CLINICAL, { form: "/patients/new", action: "/patients" }, {
    load: async () => null,
    initial: () => ({}),
    render: (res, _none, values, errors) => renderPatientForm(res, { title: "Register a patient", action: "/patients", values, errors }),
    save: async (req, _none, actor) => {
      const patient = await registerPatient(db, actor, readPatient(new InputReader(req.body, "form"), londonDate(clock())), now());
      return { redirect: `/patients/${patient.id}`, flash: `${patient.givenName} ${patient.familyName} is registered` };
    },
  });

  pages.get("/patients/:patientId", CLINICAL, async (req, res) => {
    const patient = await loadPatient(deps, req);
    const episodes = await episodesForPatient(db, patient.id);
    const names = await episodeLinkNames(db, episodes);
    res.render("patients/show", {
      title: patientDisplayName(patient), patient, episodes: episodes.map((e) => episodeSummary(e, names)),
      channels: channelStates(patient), contactHistory: await contactHistory(db, patient.id),
    });
  });

  formPage(pages, CLINICAL, { form: "/patients/:patientId/edit" }, {
    load: (req) => loadPatient(deps, req),
    initial: (patient) => patientFormValues(patient),
    render: (res, patient, values, errors) => renderPatientForm(res, { title: "Correct patient details", action: `/patients/${patient.id}/edit`, patient, values, errors }),
    save: async (req, patient, actor) => {
      await correctPatient(db, actor, patient.id, readPatient(new InputReader(req.body, "form"), londonDate(clock())), now());
      return { redirect: `/patients/${patient.id}`, flash: "Patient details corrected; the previous details are kept in the audit trail" };
    },
  });

  const renderEpisodeForm = (res: Response, choices: EpisodeChoices, model: { values: Record<string, unknown> } & Record<string, unknown>) => {
    const wardId = String(model.values.wardId ?? "");
    const consultantUserId = String(model.values.consultantUserId ?? "");
    res.render("patients/episode-form", {
      presentationItems: PRESENTATION_ITEMS,
      procedureItems: PROCEDURE_ITEMS,
      yesNo: YES_NO_ITEMS,
      wardItems: choices.wards.map((w) => ({ value: String(w.id), text: w.retired ? `${w.name} (retired)` : w.name, selected: String(w.id) === wardId })),
      consultantItems: choices.consultants.map((c) => ({ value: String(c.id), text: c.name, selected: String(c.id) === consultantUserId })),
      ...model,
    });
  };

  formPage(pages, CLINICAL, { form: "/patients/:patientId/episodes/new", action: "/patients/:patientId/episodes" }, {
    load: async (req) => ({ patient: await loadPatient(deps, req), choices: await episodeChoices(db) }),
    initial: () => ({}),
    render: (res, { patient, choices }, values, errors) =>
      renderEpisodeForm(res, choices, { title: "Register a CES surgery episode", action: `/patients/${patient.id}/episodes`, patient, values, errors }),
    save: async (req, { patient, choices }, actor) => {
      const episode = await registerEpisode(db, actor, patient.id, readEpisode(new InputReader(req.body, "form"), now(), choices), now());
      return { redirect: `/episodes/${episode.id}`, flash: "Surgery episode registered" };
    },
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

  formPage(pages, CLINICAL, { form: "/episodes/:episodeId/edit" }, {
    load: async (req) => {
      const { episode, patient } = await loadEpisode(deps, req);
      return { episode, patient, choices: await episodeChoices(db, episode) };
    },
    initial: ({ episode, choices }) => episodeFormValues(episode, choices),
    render: (res, { episode, patient, choices }, values, errors) => {
      // Text that names no ward (written before wards were records, or by another system) is shown, so it is not dropped unseen.
      const unlistedWard = episode.ward && !episodeFormValues(episode, choices).wardId ? episode.ward : null;
      renderEpisodeForm(res, choices, { title: "Correct the surgery record", action: `/episodes/${episode.id}/edit`, patient, values, errors, unlistedWard });
    },
    save: async (req, { episode, choices }, actor) => {
      await correctEpisode(db, actor, episode.id, readEpisode(new InputReader(req.body, "form"), now(), choices), now());
      return { redirect: `/episodes/${episode.id}`, flash: "Surgery record corrected; the previous record is kept in the audit trail" };
    },
  });

  formPage(pages, CLINICAL, { form: "/episodes/:episodeId/discharge" }, {
    load: async (req) => {
      const loaded = await loadEpisode(deps, req);
      return { ...loaded, checklist: await dischargeChecklist(db, loaded.episode, now()) };
    },
    initial: ({ episode, checklist }) =>
      episode.discharge
        ? { ...instantFields("dischargedAt", episode.discharge.dischargedAt), destination: episode.discharge.destination, catheterStatus: episode.discharge.catheterStatus }
        : { ...instantFields("dischargedAt", now()), catheterStatus: checklist.catheterStatus ?? "" },
    render: (res, { episode, patient, checklist }, values, errors) =>
      res.render("patients/discharge", { catheterItems: CATHETER_ITEMS, title: "Record discharge", patient, episode, values, errors, checklist, prefilled: !episode.discharge && checklist.catheterFrom ? `Pre-filled from the bladder record: ${checklist.catheterFrom}` : null }),
    save: async (req, { episode }, actor) => {
      const discharge = readDischarge(new InputReader(req.body, "form"), now(), episode.anaesthesiaStartAt);
      await recordDischarge(db, actor, episode.id, discharge, now());
      return { redirect: `/episodes/${episode.id}`, flash: "Discharge recorded" };
    },
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
    mobile: p.mobile ? formatUkMobile(p.mobile) : "",
    smsConsent: boolField(p.smsConsent),
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
