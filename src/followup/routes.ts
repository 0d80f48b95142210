import type { Request, Response } from "express";
import type { AppDeps } from "../deps.ts";
import { loadEpisode } from "../patients/load.ts";
import { formErrors } from "../web/forms.ts";
import { HttpError, NotFoundError, ValidationError } from "../errors.ts";
import { dateFields, idParam, instantFields, YES_NO_ITEMS } from "../web/form-values.ts";
import type { RoleRouter } from "../web/routing.ts";
import { CLINICAL, CLINICIANS } from "../web/routing.ts";
import { londonDate } from "../time.ts";
import { InputReader } from "../web/validation.ts";
import { getFollowupState } from "./index.ts";
import { DOMAINS, FOLLOWUP_DOMAINS, type FollowupDomain, REFERRAL_NAMES } from "./model.ts";
import { findMedication } from "./repository.ts";
import { addMedication, recordReassessment, setAppointment, setIssue, setTick, stopMedication } from "./service.ts";
import { loadFollowup, mayTick } from "./state.ts";
import { readAppointment, readIssue, readMedication, readReassessment, readStop } from "./validation.ts";
import { followupPage } from "./view.ts";

const FINDING_ITEMS = (what: string) => [
  { value: "no", text: `No ${what} issue` },
  { value: "yes", text: `${what[0].toUpperCase()}${what.slice(1)} issue found` },
  { value: "not-assessed", text: "Not re-assessed at this appointment" },
];
const REFERRAL_ITEMS = Object.entries(REFERRAL_NAMES).map(([value, text]) => ({ value, text }));

export function followupRoutes(pages: RoleRouter, api: RoleRouter, deps: AppDeps): void {
  const { db, clock } = deps;
  const now = () => clock().toISOString();
  const base = (id: number) => `/episodes/${id}/follow-up`;

  deps.episodePanels.add(20, async ({ db: conn, episode, now: at }) => {
    const view = await loadFollowup(conn, episode, at.toISOString());
    const items = view.sections.flatMap((s) => s.items);
    return {
      partial: "followup/episode-panel",
      data: {
        href: base(episode.id),
        phase: view.phase,
        chronicFrom: view.chronicFrom,
        done: items.filter((i) => i.done).length,
        total: items.length,
        appointment: view.appointment,
        sci: view.sci,
        flagCount: view.current.reduce((n, m) => n + m.flags.length, 0),
      },
    };
  });

  const renderPage = async (req: Request, res: Response, extra: Record<string, unknown> = {}, status = 200) => {
    const { episode, patient } = await loadEpisode(deps, req);
    const view = await loadFollowup(db, episode, now());
    res.status(status).render("followup/page", { ...followupPage(episode, patient, view, res.locals.user?.role), ...extra });
  };

  pages.get("/episodes/:episodeId/follow-up", CLINICAL, (req, res) => renderPage(req, res));

  pages.post("/episodes/:episodeId/follow-up/checklist", CLINICAL, async (req, res, actor) => {
    const { episode } = await loadEpisode(deps, req);
    const view = await loadFollowup(db, episode, now());
    const input = new InputReader(req.body, "form");
    const itemId = input.text("item", { label: "Checklist item", required: true, max: 100 });
    const done = input.bool("done", { label: "The item is done", required: true });
    const item = view.sections.flatMap((s) => s.items).find((i) => i.id === itemId);
    if (itemId && !item) input.fail("item", "That checklist item is not on this episode's checklist today");
    try {
      input.result(null);
    } catch (err) {
      if (!(err instanceof ValidationError)) throw err;
      return renderPage(req, res, { errors: err.errors }, 400);
    }
    if (!mayTick(res.locals.user?.role, item!)) throw new HttpError(403, `${item!.rule} is done by a clinician at the outpatient appointment`, "forbidden");
    await setTick(db, actor, episode, item!, done!, now());
    req.session.flash = `${item!.rule} ${done ? "marked as done" : "marked as not done"}`;
    res.redirect(303, `${base(episode.id)}#${item!.id}`);
  });

  // Ongoing issue per section.
  const issueDomain = (req: Request): FollowupDomain => {
    const d = req.params.domain;
    if (!(FOLLOWUP_DOMAINS as readonly string[]).includes(String(d))) throw new NotFoundError("Section");
    return d as FollowupDomain;
  };
  const renderIssue = async (req: Request, res: Response, values: Record<string, unknown> | null, errors?: unknown) => {
    const { episode, patient } = await loadEpisode(deps, req);
    const domain = issueDomain(req);
    const view = await loadFollowup(db, episode, now());
    const issue = view.sections.find((s) => s.domain === domain)!.issue;
    res.status(errors ? 400 : 200).render("followup/issue", {
      title: `${DOMAINS[domain].title}: ongoing issue`,
      backLink: { href: base(episode.id), text: "Back to follow-up" },
      patient,
      episode,
      domain,
      info: DOMAINS[domain],
      yesNo: YES_NO_ITEMS,
      values: values ?? (issue ? { ongoing: issue.ongoing ? "yes" : "no", details: issue.details ?? "" } : {}),
      errors,
    });
  };
  pages.get("/episodes/:episodeId/follow-up/issues/:domain", CLINICAL, (req, res) => renderIssue(req, res, null));
  pages.post("/episodes/:episodeId/follow-up/issues/:domain", CLINICAL, async (req, res, actor) => {
    const { episode } = await loadEpisode(deps, req);
    const domain = issueDomain(req);
    try {
      const { ongoing, details } = readIssue(new InputReader(req.body, "form"), DOMAINS[domain].issue);
      await setIssue(db, actor, episode, domain, ongoing, details, now());
      req.session.flash = `${DOMAINS[domain].title}: ongoing issue recorded`;
      res.redirect(303, `${base(episode.id)}#section-${domain}`);
    } catch (err) {
      const errors = formErrors(err);
      if (!errors) throw err;
      await renderIssue(req, res, req.body, errors);
    }
  });

  // Outpatient appointment (date and time; reminders use it).
  const renderAppointment = async (req: Request, res: Response, values: Record<string, unknown> | null, errors?: unknown) => {
    const { episode, patient } = await loadEpisode(deps, req);
    const view = await loadFollowup(db, episode, now());
    res.status(errors ? 400 : 200).render("followup/appointment", {
      title: "Surgical outpatient appointment",
      backLink: { href: base(episode.id), text: "Back to follow-up" },
      patient,
      episode,
      values: values ?? (view.appointment ? { ...instantFields("appointmentAt", view.appointment.at), clinic: view.appointment.clinic ?? "" } : {}),
      errors,
    });
  };
  pages.get("/episodes/:episodeId/follow-up/appointment", CLINICAL, (req, res) => renderAppointment(req, res, null));
  pages.post("/episodes/:episodeId/follow-up/appointment", CLINICAL, async (req, res, actor) => {
    const { episode } = await loadEpisode(deps, req);
    try {
      const { at, clinic } = readAppointment(new InputReader(req.body, "form"));
      await setAppointment(db, actor, episode, at, clinic, now());
      req.session.flash = "Outpatient appointment recorded";
      res.redirect(303, `${base(episode.id)}#outpatient`);
    } catch (err) {
      const errors = formErrors(err);
      if (!errors) throw err;
      await renderAppointment(req, res, req.body, errors);
    }
  });

  // Outpatient re-assessment (B6, X4): clinicians.
  const renderReassessment = async (req: Request, res: Response, values: Record<string, unknown>, errors?: unknown) => {
    const { episode, patient } = await loadEpisode(deps, req);
    res.status(errors ? 400 : 200).render("followup/reassessment", {
      title: "Outpatient re-assessment",
      backLink: { href: base(episode.id), text: "Back to follow-up" },
      patient,
      episode,
      bowelItems: FINDING_ITEMS("bowel"),
      sexualItems: FINDING_ITEMS("sexual function"),
      referralItems: REFERRAL_ITEMS,
      values,
      errors,
    });
  };
  pages.get("/episodes/:episodeId/follow-up/reassessment", CLINICIANS, async (req, res) => {
    const { episode } = await loadEpisode(deps, req);
    const view = await loadFollowup(db, episode, now());
    const apptDate = view.appointment && londonDate(view.appointment.at) <= view.today ? londonDate(view.appointment.at) : view.today;
    await renderReassessment(req, res, dateFields("appointmentDate", apptDate));
  });
  pages.post("/episodes/:episodeId/follow-up/reassessment", CLINICIANS, async (req, res, actor) => {
    const { episode } = await loadEpisode(deps, req);
    const view = await loadFollowup(db, episode, now());
    try {
      const input = readReassessment(new InputReader(req.body, "form"), view.today, view.surgeryDate);
      await recordReassessment(db, actor, episode, input, now());
      req.session.flash = "Outpatient re-assessment recorded";
      res.redirect(303, `${base(episode.id)}#outpatient`);
    } catch (err) {
      const errors = formErrors(err);
      if (!errors) throw err;
      await renderReassessment(req, res, req.body, errors);
    }
  });

  // Medicines: the list with the engine's review flags; starting and stopping are clinicians' records.
  const renderMedicines = async (req: Request, res: Response, values: Record<string, unknown> | null, errors?: unknown) => {
    const { episode, patient } = await loadEpisode(deps, req);
    const view = await loadFollowup(db, episode, now());
    res.status(errors ? 400 : 200).render("followup/medicines", {
      title: "Medicines and medication review",
      backLink: { href: base(episode.id), text: "Back to follow-up" },
      patient,
      episode,
      view,
      values: values ?? dateFields("startedOn", view.today),
      errors,
    });
  };
  pages.get("/episodes/:episodeId/follow-up/medicines", CLINICIANS, (req, res) => renderMedicines(req, res, null));
  pages.post("/episodes/:episodeId/follow-up/medicines", CLINICIANS, async (req, res, actor) => {
    const { episode } = await loadEpisode(deps, req);
    try {
      const input = readMedication(new InputReader(req.body, "form"), londonDate(now()));
      await addMedication(db, actor, episode, input, now());
      req.session.flash = `${input.name} added to the medication list`;
      res.redirect(303, `${base(episode.id)}/medicines`);
    } catch (err) {
      const errors = formErrors(err);
      if (!errors) throw err;
      await renderMedicines(req, res, req.body, errors);
    }
  });

  const loadMedication = async (req: Request, episodeId: number) => {
    const id = idParam(req.params.medicationId);
    const medication = id ? await findMedication(db, episodeId, id) : null;
    if (!medication) throw new NotFoundError("Medicine");
    return medication;
  };
  const renderStop = async (req: Request, res: Response, values: Record<string, unknown> | null, errors?: unknown) => {
    const { episode, patient } = await loadEpisode(deps, req);
    const medication = await loadMedication(req, episode.id);
    res.status(errors ? 400 : 200).render("followup/stop-medicine", {
      title: `Stop ${medication.name}`,
      backLink: { href: `${base(episode.id)}/medicines`, text: "Back to medicines" },
      patient,
      episode,
      medication,
      values: values ?? dateFields("stoppedOn", londonDate(now())),
      errors,
    });
  };
  pages.get("/episodes/:episodeId/follow-up/medicines/:medicationId/stop", CLINICIANS, (req, res) => renderStop(req, res, null));
  pages.post("/episodes/:episodeId/follow-up/medicines/:medicationId/stop", CLINICIANS, async (req, res, actor) => {
    const { episode } = await loadEpisode(deps, req);
    const medication = await loadMedication(req, episode.id);
    try {
      const { stoppedOn, reason } = readStop(new InputReader(req.body, "form"), londonDate(now()), medication.startedOn);
      await stopMedication(db, actor, episode, medication.id, stoppedOn, reason, now());
      req.session.flash = `${medication.name} recorded as stopped`;
      res.redirect(303, `${base(episode.id)}/medicines`);
    } catch (err) {
      const errors = formErrors(err);
      if (!errors) throw err;
      await renderStop(req, res, req.body, errors);
    }
  });

  api.get("/episodes/:episodeId/follow-up", CLINICAL, async (req, res) => {
    const id = idParam(req.params.episodeId);
    if (!id) throw new NotFoundError("Episode");
    res.json(await getFollowupState(db, id, now()));
  });
  api.document("get", "/episodes/{episodeId}/follow-up", {
    summary: "Follow-up state of an episode: pain phase, chronic-from date, outpatient appointment, re-assessment, SCI referral (R1) and the GP drug review window (P4)",
    tags: ["follow-up"],
    parameters: [{ name: "episodeId", in: "path", required: true, schema: { type: "integer" } }],
    responses: { "200": { description: "The follow-up state" }, "404": { description: "No such episode" } },
  });

}
