import type { Request, Response } from "express";
import type { AppDeps } from "../deps.ts";
import { loadPatient } from "../patients/load.ts";
import { patientDisplayName } from "../patients/model.ts";
import { NotFoundError } from "../errors.ts";
import { idParam } from "../web/form-values.ts";
import type { RoleRouter } from "../web/routing.ts";
import { ADMINS, CLINICAL, STAFF } from "../web/routing.ts";
import { outboxDir } from "./mailer.ts";
import { confirmDelivered, resend, resendAllFailed } from "./outbox.ts";
import { dueClinicians, dueItems, dueWards, findOutbox, outboxCounts, outboxRows } from "./queries.ts";
import { clinicRoutes } from "./clinics.ts";
import { channelStates, contactHistory } from "./contact.ts";
import { callbackAuthorised, recordReceipt, recordReceivedText } from "./callbacks.ts";
import { markReminderDone, optOutOfEmails, optOutOfTexts } from "./service.ts";
import { verifyStopTextsToken, verifyUnsubscribeToken } from "./unsubscribe.ts";

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
      expired: await outboxRows(db, { statuses: ["expired"], limit: 50 }),
      undelivered: await outboxRows(db, { deliveryStatuses: ["permanent-failure", "technical-failure"] }),
    });
  });

  const backToProblems = (req: Request, res: Response, flash: string) => {
    req.session.flash = flash;
    res.redirect(303, "/outbox/problems");
  };
  pages.post("/outbox/:outboxId/resend", STAFF, async (req, res, actor) => {
    const id = idParam(req.params.outboxId);
    const outcome = id ? await resend(db, id, actor, now()) : null;
    if (!outcome) throw new NotFoundError("Message that could not be sent");
    backToProblems(req, res, outcome === "queued" ? "The message is queued to be sent again" : "Not sent: the message is no longer to be sent (see Expired below for why)");
  });
  pages.post("/outbox/:outboxId/delivered", STAFF, async (req, res, actor) => {
    const id = idParam(req.params.outboxId);
    if (!id || !(await confirmDelivered(db, id, actor, now()))) throw new NotFoundError("Message that could not be sent");
    backToProblems(req, res, "The message is recorded as delivered");
  });
  // Every failed message at once; those no longer useful are closed as expired, not sent.
  pages.post("/outbox/resend-failed", STAFF, async (req, res, actor) => {
    const { resent, expired } = await resendAllFailed(db, actor, now());
    backToProblems(req, res, `${resent} ${resent === 1 ? "message" : "messages"} queued to be sent again, ${expired} expired (not sent)`);
  });

  pages.get("/admin/sent-mail", ADMINS, async (_req, res) => {
    const { notify, smtpUrl } = deps.config;
    res.render("reminders/sent-mail", {
      title: "Sent messages",
      rows: await outboxRows(db, { limit: 200 }),
      counts: await outboxCounts(db),
      transport: notify
        ? `GOV.UK Notify (${new URL(notify.baseUrl).host}): text messages and email`
        : `${smtpUrl ? "an SMTP server (SMTP_URL)" : `.eml files in ${outboxDir(deps.config.dataDir)}`}; text messages: .sms.txt files in ${outboxDir(deps.config.dataDir)}`,
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
      backLink: { href: "/admin/sent-mail", text: "Sent messages" },
    });
  });

  pages.get("/patients/:patientId/emails", CLINICAL, async (req, res) => {
    const patient = await loadPatient(deps, req);
    res.render("reminders/patient-emails", {
      title: `Messages to ${patientDisplayName(patient)}`,
      patient,
      channels: channelStates(patient),
      history: await contactHistory(db, patient.id),
      rows: await outboxRows(db, { patientId: patient.id, limit: 500 }),
      backLink: { href: `/patients/${patient.id}`, text: "Back to the patient" },
    });
  });

  // Unsubscribe (email) and stop (texts): public by design, protected by the signed token in the
  // link; pages in the neutral patient layout, which names no condition.
  const secret = deps.config.sessionSecret;
  const known = async (id: number | null): Promise<number | null> => (id && (await db("patients").where({ id }).first("id")) ? id : null);
  const helpPhone = async (): Promise<string | null> =>
    deps.config.patientHelpPhone ?? (await db("wards").whereNull("retired_at").whereNotNull("phone").orderBy("id").first("phone"))?.phone ?? null;
  const patientPage = (res: Response, model: Record<string, unknown>) => res.render("reminders/unsubscribe", { layout: "patient", ...model });
  const invalidLink = async (res: Response) => res.status(404).render("reminders/unsubscribe", { layout: "patient", title: "This link is not valid", invalid: true, phone: await helpPhone() });

  const stopPages = (path: string, what: string, verify: (token: unknown) => number | null, column: string, stop: (id: number, at: string) => Promise<"stopped" | "already">) => {
    pages.get(`${path}/:token`, "public", async (req, res) => {
      const id = await known(verify(req.params.token));
      if (!id) return invalidLink(res);
      const row = await db("patients").where({ id }).first(column);
      patientPage(res, { title: `Stop reminder ${what}`, what, action: `${path}/${req.params.token}`, already: Boolean(row[column]) });
    });
    pages.post(`${path}/:token`, "public", async (req, res) => {
      const id = await known(verify(req.params.token));
      if (!id) return invalidLink(res);
      const result = await stop(id, now());
      patientPage(res, { title: `Reminder ${what} stopped`, what, done: result === "stopped", already: result === "already" });
    });
  };
  stopPages("/unsubscribe", "emails", (t) => verifyUnsubscribeToken(t, secret), "email_opted_out_at", (id, at) => optOutOfEmails(db, id, at));
  stopPages("/stop", "text messages", (t) => verifyStopTextsToken(t, secret), "sms_opted_out_at", (id, at) => optOutOfTexts(db, id, at));

  api.post("/unsubscribe/:token", "public", async (req, res) => {
    const id = await known(verifyUnsubscribeToken(req.params.token, secret));
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

  // GOV.UK Notify's callbacks, authenticated by the bearer token set in Notify (NOTIFY_CALLBACK_TOKEN).
  const notifyCallback = (handle: (db: typeof deps.db, body: unknown, at: string) => Promise<{ status: number; body: Record<string, unknown> }>) =>
    async (req: Request, res: Response) => {
      if (!callbackAuthorised(req.headers.authorization, deps.config.notifyCallbackToken)) {
        return res.status(401).json({ code: "unauthorised", message: "The callback token is missing or wrong", errors: [] });
      }
      const result = await handle(db, req.body, now());
      res.status(result.status).json(result.body);
    };
  api.post("/notify/delivery-receipts", "public", notifyCallback(recordReceipt));
  api.post("/notify/received-texts", "public", notifyCallback(recordReceivedText));
  const callbackDoc = (summary: string, description: string) => ({
    summary,
    description: `${description} Authenticated by the bearer token set in GOV.UK Notify (NOTIFY_CALLBACK_TOKEN); refused when it is not set.`,
    security: [],
    responses: { "200": { description: "Recorded" }, "400": { description: "Not a callback body" }, "401": { description: "Missing or wrong token" }, "404": { description: "No such message" } },
  });
  api.document("post", "/notify/delivery-receipts", callbackDoc("Delivery receipt from GOV.UK Notify", "Records delivered, permanent-failure, temporary-failure or technical-failure against the message (reference = outbox id)."));
  api.document("post", "/notify/received-texts", callbackDoc("Text message received by GOV.UK Notify", "A reply starting STOP stops reminder texts to that number (audited)."));

  clinicRoutes(pages, deps);

  deps.episodePanels.add(90, async ({ db: conn, episode, now: at }) => {
    const items = await dueItems(conn, at.toISOString(), { episodeId: episode.id });
    const sent = await outboxRows(conn, { patientId: episode.patientId, limit: 5 });
    return { partial: "reminders/episode-panel", data: { items, sent, patientId: episode.patientId } };
  });
}
