import type { Request, Response } from "express";
import type { Actor } from "../audit/audit.ts";
import type { AppDeps } from "../deps.ts";
import { loadPatient } from "../patients/load.ts";
import { patientDisplayName } from "../patients/model.ts";
import { NotFoundError } from "../errors.ts";
import { idParam } from "../web/form-values.ts";
import type { RoleRouter } from "../web/routing.ts";
import { ADMINS, CLINICAL, STAFF } from "../web/routing.ts";
import { outboxDir } from "./mailer.ts";
import { confirmDelivered, resend } from "./outbox.ts";
import { dueClinicians, dueItems, dueWards, findOutbox, outboxCounts, outboxRows } from "./queries.ts";
import { markReminderDone, optOutOfEmails } from "./service.ts";
import { verifyUnsubscribeToken } from "./unsubscribe.ts";

/** Registers this feature's pages and API endpoints. */
export function reminderRoutes(pages: RoleRouter, api: RoleRouter, deps: AppDeps): void {
  const { db, clock } = deps;
  const now = () => clock().toISOString();
  const text = (v: unknown) => (typeof v === "string" ? v.slice(0, 200) : "");

  // ?ward= and ?clinician= take record ids (a ward's name is also accepted for ?ward=);
  // "my patients" is ?clinician= the signed-in clinician's own id.
  pages.get("/due", STAFF, async (req, res) => {
    const [wards, clinicians] = await Promise.all([dueWards(db), dueClinicians(db)]);
    const wardParam = text(req.query.ward);
    const ward = wards.find((w) => String(w.id) === wardParam || w.name === wardParam);
    const clinicianParam = text(req.query.clinician);
    const clinician = clinicians.find((c) => String(c.id) === clinicianParam);
    const unknown = (wardParam !== "" && !ward) || (clinicianParam !== "" && !clinician);
    const items = unknown ? [] : await dueItems(db, now(), { ward, consultantUserId: clinician?.id });
    const user = res.locals.user;
    const me = user?.role === "clinician" ? user.id : null;
    res.render("reminders/due", {
      title: clinician && clinician.id === me ? "My patients: due and overdue" : "Due and overdue",
      // Refreshed by a small script the user can switch off, not a meta refresh (WCAG 2.2.1).
      autoRefreshSeconds: 60,
      items,
      overdue: items.filter((i) => i.state === "overdue").length,
      ward: ward?.name ?? wardParam,
      clinician: clinician?.name ?? clinicianParam,
      myPatientsHref: me ? `/due?clinician=${me}` : null,
      wardItems: wards.map((w) => ({ value: String(w.id), text: w.name, selected: w.id === ward?.id })),
      clinicianItems: clinicians.map((c) => ({ value: String(c.id), text: c.name, selected: c.id === clinician?.id })),
      canMarkDone: res.locals.user?.role !== "admin",
    });
  });

  pages.post("/due/:reminderId/done", CLINICAL, async (req, res, actor) => {
    const id = idParam(req.params.reminderId);
    const at = now();
    const done = id && (await markReminderDone(db, actor, id, at));
    if (!done) throw new NotFoundError("Open reminder");
    req.session.flash = "Marked as done";
    res.redirect(303, "/due");
  });

  pages.get("/outbox/problems", STAFF, async (_req, res) => {
    const rows = await outboxRows(db, { statuses: ["failed", "in-doubt"] });
    res.render("reminders/problems", {
      title: "Messages that could not be sent",
      failed: rows.filter((r) => r.status === "failed"),
      inDoubt: rows.filter((r) => r.status === "in-doubt"),
    });
  });

  const outboxAction = (action: typeof resend, flash: string) => async (req: Request, res: Response, actor: Actor) => {
    const id = idParam(req.params.outboxId);
    if (!id || !(await action(db, id, actor, now()))) throw new NotFoundError("Message that could not be sent");
    req.session.flash = flash;
    res.redirect(303, "/outbox/problems");
  };
  pages.post("/outbox/:outboxId/resend", STAFF, outboxAction(resend, "The message is queued to be sent again"));
  pages.post("/outbox/:outboxId/delivered", STAFF, outboxAction(confirmDelivered, "The message is recorded as delivered"));

  pages.get("/admin/sent-mail", ADMINS, async (_req, res) => {
    res.render("reminders/sent-mail", {
      title: "Sent mail",
      rows: await outboxRows(db, { limit: 200 }),
      counts: await outboxCounts(db),
      transport: deps.config.smtpUrl ? "an SMTP server (SMTP_URL)" : `.eml files in ${outboxDir(deps.config.dataDir)}`,
    });
  });

  pages.get("/admin/sent-mail/:outboxId", ADMINS, async (req, res) => {
    const id = idParam(req.params.outboxId);
    const row = id ? await findOutbox(db, id) : null;
    if (!row) throw new NotFoundError("Message");
    res.render("reminders/message", {
      title: `Message ${row.id}`,
      row,
      headers: Object.entries(row.headers ?? {}).map(([name, value]) => ({ name, value })),
      backLink: { href: "/admin/sent-mail", text: "Sent mail" },
    });
  });

  pages.get("/patients/:patientId/emails", CLINICAL, async (req, res) => {
    const patient = await loadPatient(deps, req);
    res.render("reminders/patient-emails", {
      title: `Emails to ${patientDisplayName(patient)}`,
      patient,
      rows: await outboxRows(db, { patientId: patient.id, limit: 500 }),
      backLink: { href: `/patients/${patient.id}`, text: "Back to the patient" },
    });
  });

  // Unsubscribe: public by design, protected by the signed token in the link.
  const secret = deps.config.sessionSecret;
  const tokenPatient = async (token: unknown): Promise<number | null> => {
    const id = verifyUnsubscribeToken(token, secret);
    return id && (await db("patients").where({ id }).first("id")) ? id : null;
  };

  pages.get("/unsubscribe/:token", "public", async (req, res) => {
    const id = await tokenPatient(req.params.token);
    if (!id) return res.status(404).render("reminders/unsubscribe", { title: "This link is not valid", invalid: true });
    const row = await db("patients").where({ id }).first("email_opted_out_at");
    res.render("reminders/unsubscribe", { title: "Stop reminder emails", token: req.params.token, already: Boolean(row.email_opted_out_at) });
  });

  pages.post("/unsubscribe/:token", "public", async (req, res) => {
    const id = await tokenPatient(req.params.token);
    if (!id) return res.status(404).render("reminders/unsubscribe", { title: "This link is not valid", invalid: true });
    const result = await optOutOfEmails(db, id, now());
    res.render("reminders/unsubscribe", { title: "Reminder emails stopped", done: result === "stopped", already: result === "already" });
  });

  api.post("/unsubscribe/:token", "public", async (req, res) => {
    const id = await tokenPatient(req.params.token);
    if (!id) return res.status(404).json({ code: "not-found", message: "This unsubscribe link is not valid", errors: [] });
    res.json({ status: await optOutOfEmails(db, id, now()) });
  });
  api.document("post", "/unsubscribe/{token}", {
    summary: "One-click unsubscribe (RFC 8058) from patient reminder emails",
    description: "Public by design: the signed token in the email's List-Unsubscribe header is the credential. Records the opt-out once.",
    security: [],
    parameters: [{ name: "token", in: "path", required: true, schema: { type: "string" } }],
    responses: { "200": { description: "Opted out (status stopped) or already opted out (status already)" }, "404": { description: "Invalid token" } },
  });

  deps.episodePanels.add(90, async ({ db: conn, episode, now: at }) => {
    const items = await dueItems(conn, at.toISOString(), { episodeId: episode.id });
    const sent = await outboxRows(conn, { patientId: episode.patientId, limit: 5 });
    return { partial: "reminders/episode-panel", data: { items, sent, patientId: episode.patientId } };
  });
}
