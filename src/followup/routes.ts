import type { Request } from "express";
import type { AppDeps } from "../deps.ts";
import { loadEpisode } from "../patients/load.ts";
import { formPage } from "../web/forms.ts";
import { HttpError, NotFoundError } from "../errors.ts";
import { dateFields, idParam, instantFields, YES_NO_ITEMS } from "../web/form-values.ts";
import type { Role, RoleRouter } from "../web/routing.ts";
import { CLINICAL, CLINICIANS } from "../web/routing.ts";
import { londonDate } from "../time.ts";
import { OUTSIDE_PATHWAY_NOTE } from "../pathway/index.ts";
import { InputReader } from "../web/validation.ts";
import { errorResponses, followupStateSchema } from "../api/openapi.ts";
import { getFollowupState } from "./index.ts";
import { DOMAINS, FOLLOWUP_DOMAINS, type FollowupDomain, REFERRAL_NAMES } from "./model.ts";
import { findMedication } from "./repository.ts";
import { addMedication, recordReassessment, setAppointment, setIssue, setTicks, stopMedication } from "./service.ts";
import { loadFollowup, mayTick } from "./state.ts";
import { readAppointment, readIssue, readMedication, readOneTick, readReassessment, readStop, readTickedForm, tickedInWords } from "./validation.ts";
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
    const items = view.sections.flatMap((s) => s.items).filter((i) => i.kind === "task");
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
        flagCount: view.current.reduce((n, m) => n + m.flags.length, 0) + view.sharedIngredients.length,
      },
    };
  });

  const loadView = async (req: Request) => {
    const { episode, patient } = await loadEpisode(deps, req);
    return { episode, patient, view: await loadFollowup(db, episode, now()) };
  };
  const backToFollowup = (episodeId: number) => ({ href: base(episodeId), text: "Back to follow-up" });

  // The follow-up page is the checklist's form: a refused tick re-renders the whole page with the error summary.
  formPage(pages, CLINICAL, { form: "/episodes/:episodeId/follow-up", action: "/episodes/:episodeId/follow-up/checklist" }, {
    load: loadView,
    initial: () => ({}),
    render: (res, { episode, patient, view }, _values, errors) =>
      res.render("followup/page", { ...followupPage(episode, patient, view, res.locals.user?.role), ...(errors ? { errors } : {}) }),
    save: async (req, { episode, view }, actor) => {
      const input = new InputReader(req.body, "form");
      const items = view.sections.flatMap((s) => s.items);
      // One item (`item`, `done`: yes/no), or the whole checklist form (`shown`, `done`: the ticked ids).
      const changes = input.has("item") ? [readOneTick(input, items)] : readTickedForm(input, items);
      input.result(null);
      // On a page the actor is the signed-in user, with their role.
      const refused = changes.find((c) => !mayTick(actor.role as Role | undefined, c.item));
      if (refused) throw new HttpError(403, `${refused.item.rule} is ${refused.item.kind === "prohibition" ? "not ticked: the medication review gives its status" : "done by a clinician at the outpatient appointment"}`, "forbidden");
      if (changes.length === 0) return { redirect: base(episode.id), flash: "No change to the checklist" };
      await setTicks(db, actor, episode, changes, now());
      return { redirect: `${base(episode.id)}#${changes[0].item.id}`, flash: tickedInWords(changes) };
    },
  });

  // Ongoing issue per section.
  const issueDomain = (req: Request): FollowupDomain => {
    const d = req.params.domain;
    if (!(FOLLOWUP_DOMAINS as readonly string[]).includes(String(d))) throw new NotFoundError("Section");
    return d as FollowupDomain;
  };
  formPage(pages, CLINICAL, { form: "/episodes/:episodeId/follow-up/issues/:domain" }, {
    load: async (req) => {
      const { episode, patient } = await loadEpisode(deps, req);
      const domain = issueDomain(req);
      return { episode, patient, domain, view: await loadFollowup(db, episode, now()) };
    },
    initial: ({ domain, view }) => {
      const issue = view.sections.find((s) => s.domain === domain)!.issue;
      return issue ? { ongoing: issue.ongoing ? "yes" : "no", details: issue.details ?? "" } : {};
    },
    render: (res, { episode, patient, domain }, values, errors) =>
      res.render("followup/issue", {
        title: `${DOMAINS[domain].title}: ongoing issue`,
        backLink: backToFollowup(episode.id),
        patient,
        episode,
        domain,
        info: DOMAINS[domain],
        yesNo: YES_NO_ITEMS,
        values,
        errors,
      }),
    save: async (req, { episode, domain }, actor) => {
      const { ongoing, details } = readIssue(new InputReader(req.body, "form"), DOMAINS[domain].issue);
      await setIssue(db, actor, episode, domain, ongoing, details, now());
      const answer = ongoing ? "Yes" : "No";
      return { redirect: `${base(episode.id)}#section-${domain}`, flash: `${DOMAINS[domain].title}: "${DOMAINS[domain].issue}" recorded as ${answer}` };
    },
  });

  // Outpatient appointment (date and time; reminders use it).
  formPage(pages, CLINICAL, { form: "/episodes/:episodeId/follow-up/appointment" }, {
    load: loadView,
    initial: ({ view }) => (view.appointment ? { ...instantFields("appointmentAt", view.appointment.at), clinic: view.appointment.clinic ?? "" } : {}),
    render: (res, { episode, patient }, values, errors) =>
      res.render("followup/appointment", { title: "Surgical outpatient appointment", backLink: backToFollowup(episode.id), patient, episode, values, errors }),
    save: async (req, { episode }, actor) => {
      const { at, clinic } = readAppointment(new InputReader(req.body, "form"));
      await setAppointment(db, actor, episode, at, clinic, now());
      return { redirect: `${base(episode.id)}#outpatient`, flash: "Outpatient appointment recorded" };
    },
  });

  // Outpatient re-assessment (B6, X4): clinicians.
  formPage(pages, CLINICIANS, { form: "/episodes/:episodeId/follow-up/reassessment" }, {
    load: loadView,
    initial: ({ view }) => dateFields("appointmentDate", view.appointment && londonDate(view.appointment.at) <= view.today ? londonDate(view.appointment.at) : view.today),
    render: (res, { episode, patient }, values, errors) =>
      res.render("followup/reassessment", {
        title: "Outpatient re-assessment",
        backLink: backToFollowup(episode.id),
        patient,
        episode,
        bowelItems: FINDING_ITEMS("bowel"),
        sexualItems: FINDING_ITEMS("sexual function"),
        referralItems: REFERRAL_ITEMS,
        values,
        errors,
      }),
    save: async (req, { episode, view }, actor) => {
      const input = readReassessment(new InputReader(req.body, "form"), view.today, view.surgeryDate);
      await recordReassessment(db, actor, episode, input, now());
      return { redirect: `${base(episode.id)}#outpatient`, flash: "Outpatient re-assessment recorded" };
    },
  });

  // Medicines: the list with the engine's review flags; starting and stopping are clinicians' records.
  formPage(pages, CLINICIANS, { form: "/episodes/:episodeId/follow-up/medicines" }, {
    load: loadView,
    initial: ({ view }) => dateFields("startedOn", view.today),
    render: (res, { episode, patient, view }, values, errors) =>
      res.render("followup/medicines", { title: "Medicines and medication review", backLink: backToFollowup(episode.id), patient, episode, view, values, errors, outsidePathwayNote: OUTSIDE_PATHWAY_NOTE }),
    save: async (req, { episode }, actor) => {
      const input = readMedication(new InputReader(req.body, "form"), londonDate(now()));
      await addMedication(db, actor, episode, input, now());
      return { redirect: `${base(episode.id)}/medicines`, flash: `${input.name} added to the medication list` };
    },
  });

  const loadMedication = async (req: Request, episodeId: number) => {
    const id = idParam(req.params.medicationId);
    const medication = id ? await findMedication(db, episodeId, id) : null;
    if (!medication) throw new NotFoundError("Medicine");
    return medication;
  };
  formPage(pages, CLINICIANS, { form: "/episodes/:episodeId/follow-up/medicines/:medicationId/stop" }, {
    load: async (req) => {
      const { episode, patient } = await loadEpisode(deps, req);
      return { episode, patient, medication: await loadMedication(req, episode.id) };
    },
    initial: () => dateFields("stoppedOn", londonDate(now())),
    render: (res, { episode, patient, medication }, values, errors) =>
      res.render("followup/stop-medicine", {
        title: `Stop ${medication.name}`,
        backLink: { href: `${base(episode.id)}/medicines`, text: "Back to medicines" },
        patient,
        episode,
        medication,
        values,
        errors,
      }),
    save: async (req, { episode, medication }, actor) => {
      const { stoppedOn, reason } = readStop(new InputReader(req.body, "form"), londonDate(now()), medication.startedOn);
      await stopMedication(db, actor, episode, medication.id, stoppedOn, reason, now());
      return { redirect: `${base(episode.id)}/medicines`, flash: `${medication.name} recorded as stopped` };
    },
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
    responses: {
      "200": { description: "The follow-up state", content: { "application/json": { schema: followupStateSchema } } },
      "401": errorResponses["401"],
      "403": errorResponses["403"],
      "404": { description: "No such episode" },
    },
  });

}
