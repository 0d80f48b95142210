import type { Request, Response } from "express";
import type { AppDeps } from "../deps.ts";
import { loadFollowup } from "../followup/state.ts";
import { loadEpisode } from "../patients/load.ts";
import { formPage } from "../web/forms.ts";
import { findEpisode, findPatient } from "../patients/repository.ts";
import { HttpError, NotFoundError } from "../errors.ts";
import { idParam } from "../web/form-values.ts";
import type { RoleRouter } from "../web/routing.ts";
import { ADMINS, CLINICIANS } from "../web/routing.ts";
import { sciReferralIndication } from "../pathway/index.ts";
import { formatCalendarDate } from "../time.ts";
import { InputReader } from "../web/validation.ts";
import { listFormSections } from "./referral-form.ts";
import { referralFormRoutes } from "./referral-form-routes.ts";
import { missingPackFields, packForPrint, referralPack } from "./referral-pack.ts";
import { formErrors } from "../web/forms.ts";
import type { FieldError } from "../errors.ts";
import type { Episode, Patient } from "../patients/model.ts";
import { findServiceDetails, readServiceDetails, saveServiceDetails } from "./letterhead.ts";
import { LETTER_KIND_INFO, LETTER_KINDS, type Letter, type LetterKind, type LetterVersion, RECIPIENT_KIND_NAMES, RECIPIENT_KINDS, SEND_METHOD_NAMES, SEND_METHODS } from "./model.ts";
import { renderPackPdf } from "./pdf.ts";
import { findLetter, findVersion, lettersForEpisode, listRecipients, findRecipient, versionsOf } from "./repository.ts";
import { changesSince, createLetter, createRecipient, currentOf, markSent, newVersion, recordNscisbReference, regenerateDraft, storedOf, updateRecipient, versionPdf } from "./service.ts";
import { readLetterRequest, readNscisbReference, readRecipient, readSendMethod } from "./validation.ts";

/** Said wherever the form's layout is used: this service cannot see the live form. */
const LAYOUT_NOTE =
  "The sections and their order follow this service's copy of the National Spinal Cord Injury Database's online form. The service must check them against the live form; an administrator can change them.";

const letterUrl = (letterId: number, version: number) => `/letters/${letterId}/versions/${version}`;

export function letterRoutes(pages: RoleRouter, _api: RoleRouter, deps: AppDeps): void {
  const { db, clock } = deps;
  const now = () => clock().toISOString();

  const recipientsFor = (kind: LetterKind) => listRecipients(db, { kinds: LETTER_KIND_INFO[kind].recipients, activeOnly: true });

  // The letters of an episode, and a form to start each kind.
  formPage(pages, CLINICIANS, { form: "/episodes/:episodeId/letters" }, {
    load: (req) => loadEpisode(deps, req),
    initial: () => ({}),
    render: async (res, { episode, patient }, values, errors) => {
      const view = await loadFollowup(db, episode, now());
      const letters = await lettersForEpisode(db, episode.id);
      const kinds = await Promise.all(
        LETTER_KINDS.map(async (kind) => {
          const recipients = await recipientsFor(kind);
          const chosen = values.kind === kind ? String(values.recipientId ?? "") : String(recipients.find((r) => r.regional)?.id ?? recipients[0]?.id ?? "");
          return {
            kind,
            ...LETTER_KIND_INFO[kind],
            needsRecipient: LETTER_KIND_INFO[kind].recipients.length > 0,
            ccItems: [{ name: "ccGp", value: "yes", text: `Send a copy to the GP (${patient.gp.name ?? "GP not recorded"})`, checked: values.kind === kind && values.ccGp === "yes" }],
            recipients: recipients.map((r) => ({ ...r, selected: String(r.id) === chosen, kindName: RECIPIENT_KIND_NAMES[r.kind] })),
            indication: indication(kind, view),
          };
        }),
      );
      res.render("letters/list", {
        title: "Letters",
        backLink: { href: `/episodes/${episode.id}/follow-up`, text: "Back to follow-up" },
        patient,
        episode,
        sci: view.sci,
        kinds,
        letters: letters.map((l) => ({
          ...l,
          title: LETTER_KIND_INFO[l.kind].title,
          latest: { ...l.versions[0], sentMethodName: l.versions[0].sentMethod ? SEND_METHOD_NAMES[l.versions[0].sentMethod] : null },
        })),
        errors,
      });
    },
    save: async (req, { episode }, actor) => {
      const input = await readLetterRequest(db, new InputReader(req.body, "form"), true);
      const id = await createLetter(db, actor, episode, input.kind!, input.recipientId, input.freeText, now(), input.ccGp);
      return { redirect: letterUrl(id, 1), flash: `Draft generated from the record: ${LETTER_KIND_INFO[input.kind!].title}` };
    },
  });

  const loadLetter = async (req: Request): Promise<Letter> => {
    const id = idParam(req.params.letterId);
    const letter = id ? await findLetter(db, id) : null;
    if (!letter) throw new NotFoundError("Letter");
    return letter;
  };
  const loadVersion = async (req: Request) => {
    const letter = await loadLetter(req);
    const n = idParam(req.params.version);
    const version = n ? await findVersion(db, letter.id, n) : null;
    if (!version) throw new NotFoundError("Letter version");
    const episode = (await findEpisode(db, letter.episodeId))!;
    const patient = (await findPatient(db, episode.patientId))!;
    return { letter, version, episode, patient };
  };

  pages.get("/letters/:letterId", CLINICIANS, async (req, res) => {
    const letter = await loadLetter(req);
    const [latest] = await versionsOf(db, letter.id);
    res.redirect(303, letterUrl(letter.id, latest.version));
  });

  type Loaded = { letter: Letter; version: LetterVersion; episode: Episode; patient: Patient };
  // The version page: a draft with its form to regenerate and to send; a sent version without them.
  const renderVersion = async (res: Response, { letter, version, episode, patient }: Loaded, values: Record<string, unknown>, errors?: FieldError[]) => {
    const versions = await versionsOf(db, letter.id);
    const recipients = await recipientsFor(letter.kind);
    const chosen = String(values.recipientId ?? version.recipientId ?? "");
    // What changed in the record since the draft was generated, in words; a stale draft cannot be sent.
    const changed = version.status === "draft" ? changesSince(storedOf(version).facts, (await currentOf(db, letter, version, episode, patient, now())).facts) : [];
    const ccChecked = values.ccGp === undefined ? version.ccGp : values.ccGp === "yes";
    // An SCI referral's draft: the pack fields still empty, named before it is sent (centres reject incomplete referrals).
    const packMissing = letter.kind === "sci-referral" && version.status === "draft" ? missingPackFields(referralPack(storedOf(version).facts, await listFormSections(db))) : [];
    res.render("letters/version", {
      title: `${LETTER_KIND_INFO[letter.kind].title}, version ${version.version}`,
      backLink: { href: `/episodes/${episode.id}/letters`, text: "Back to letters" },
      patient,
      episode,
      letter,
      info: LETTER_KIND_INFO[letter.kind],
      version,
      sentMethod: version.sentMethod ? SEND_METHOD_NAMES[version.sentMethod] : null,
      isDraft: version.status === "draft",
      isLatest: versions[0].version === version.version,
      isSciReferral: letter.kind === "sci-referral",
      needsRecipient: LETTER_KIND_INFO[letter.kind].recipients.length > 0,
      canCopyGp: letter.kind !== "gp",
      ccItems: [{ name: "ccGp", value: "yes", text: `Send a copy to the GP (${patient.gp.name ?? "GP not recorded"})`, checked: ccChecked }],
      methodItems: SEND_METHODS.filter((m) => m !== "nscisb-web-form" || letter.kind === "sci-referral").map((value) => ({ value, text: SEND_METHOD_NAMES[value] })),
      recipients: recipients.map((r) => ({ ...r, selected: String(r.id) === chosen })),
      versions,
      stale: changed.length > 0,
      packMissing,
      changed,
      url: letterUrl(letter.id, version.version),
      values,
      errors,
    });
  };

  formPage(pages, CLINICIANS, { form: "/letters/:letterId/versions/:version" }, {
    load: loadVersion,
    initial: ({ version }) => ({ freeText: version.freeText ?? "", nscisbReference: version.nscisbReference ?? "" }),
    render: renderVersion,
    save: async (req, { letter, version }, actor) => {
      const input = await readLetterRequest(db, new InputReader(req.body, "form"), false, letter.kind);
      await regenerateDraft(db, actor, letter, version.version, input.recipientId, input.freeText, now(), input.ccGp);
      return { redirect: letterUrl(letter.id, version.version), flash: `Version ${version.version} regenerated from the record` };
    },
  });

  /** A refused post on the version page comes back to it with the error summary (400, or 409 for a refusal of the record's). */
  const refusedOnVersionPage = async (req: Request, res: Response, err: unknown) => {
    const errors = formErrors(err);
    if (!errors) throw err;
    res.status(err instanceof HttpError ? err.status : 400);
    await renderVersion(res, await loadVersion(req), req.body as Record<string, unknown>, errors);
  };

  // Sending asks how the letter went; a stale draft is refused, naming what changed (see markSent).
  pages.post("/letters/:letterId/versions/:version/send", CLINICIANS, async (req, res, actor) => {
    const { letter, version } = await loadVersion(req);
    try {
      const method = readSendMethod(new InputReader(req.body, "form"), letter.kind);
      await markSent(db, actor, letter, version.version, method, now());
    } catch (err) {
      return refusedOnVersionPage(req, res, err);
    }
    req.session.flash = `Version ${version.version} marked as sent (${SEND_METHOD_NAMES[(req.body as { method: keyof typeof SEND_METHOD_NAMES }).method]}); it can no longer change`;
    res.redirect(303, letterUrl(letter.id, version.version));
  });

  // The National Spinal Cord Injury Database's reference, added to a sent SCI referral once the centre gives it.
  pages.post("/letters/:letterId/versions/:version/nscisb-reference", CLINICIANS, async (req, res, actor) => {
    const { letter, version } = await loadVersion(req);
    if (letter.kind !== "sci-referral") throw new NotFoundError("Letter version");
    try {
      const reference = readNscisbReference(new InputReader(req.body, "form"));
      await recordNscisbReference(db, actor, letter, version.version, reference, now());
      req.session.flash = `Reference ${reference} recorded`;
    } catch (err) {
      return refusedOnVersionPage(req, res, err);
    }
    res.redirect(303, letterUrl(letter.id, version.version));
  });

  pages.post("/letters/:letterId/versions", CLINICIANS, async (req, res, actor) => {
    const letter = await loadLetter(req);
    const version = await newVersion(db, actor, letter, now());
    req.session.flash = `Version ${version} generated from the record`;
    res.redirect(303, letterUrl(letter.id, version));
  });

  pages.get("/letters/:letterId/versions/:version/pdf", CLINICIANS, async (req, res) => {
    const { letter, version } = await loadVersion(req);
    const pdf = await versionPdf(version);
    res.set("Content-Type", "application/pdf");
    res.set("Content-Disposition", `attachment; filename="${letter.kind}-letter-${letter.id}-v${version.version}.pdf"`);
    res.send(pdf);
  });

  const packOf = async (req: Request) => {
    const v = await loadVersion(req);
    if (v.letter.kind !== "sci-referral") throw new NotFoundError("Referral pack");
    const { facts, doc } = storedOf(v.version);
    return { ...v, pack: referralPack(facts, await listFormSections(db)), subject: doc.subject };
  };
  pages.get("/letters/:letterId/versions/:version/pack", CLINICIANS, async (req, res) => {
    const { letter, version, patient, episode, pack, subject } = await packOf(req);
    res.render("letters/pack", {
      title: `Referral pack, version ${version.version}`,
      backLink: { href: letterUrl(letter.id, version.version), text: "Back to the letter" },
      patient,
      episode,
      letter,
      version,
      subject,
      sections: pack.sections.map((s, i) => ({ ...s, number: i + 1 })),
      unplaced: pack.unplaced,
      url: letterUrl(letter.id, version.version),
    });
  });
  pages.get("/letters/:letterId/versions/:version/pack/pdf", CLINICIANS, async (req, res) => {
    const { letter, version, pack, subject } = await packOf(req);
    const pdf = await renderPackPdf("Referral pack for the National Spinal Cord Injury Database", subject, packForPrint(pack), version.status !== "sent", LAYOUT_NOTE);
    res.set("Content-Type", "application/pdf");
    res.set("Content-Disposition", `attachment; filename="referral-pack-${letter.id}-v${version.version}.pdf"`);
    res.send(pdf);
  });

  referralFormRoutes(pages, deps);

  // The service's details for the letterhead: one record an admin keeps (audited).
  formPage(pages, ADMINS, { form: "/admin/service" }, {
    load: async () => findServiceDetails(db),
    initial: (details) => ({ hospital: details.hospital ?? "", department: details.department ?? "", address: details.address ?? "", phone: details.phone ?? "" }),
    render: (res, _details, values, errors) =>
      res.render("letters/service-details", { title: "Service details for letters", backLink: { href: "/admin/recipients", text: "Back to letter recipients" }, values, errors }),
    save: async (req, _details, actor) => {
      const input = readServiceDetails(new InputReader(req.body, "form"));
      await saveServiceDetails(db, actor, input, now());
      return { redirect: "/admin/service", flash: "Service details saved: new letters carry them" };
    },
  });

  // Recipients: reference data an admin keeps.
  const kindItems = RECIPIENT_KINDS.map((value) => ({ value, text: RECIPIENT_KIND_NAMES[value] }));
  pages.get("/admin/recipients", ADMINS, async (_req, res) => {
    const recipients = (await listRecipients(db)).map((r) => ({ ...r, kindName: RECIPIENT_KIND_NAMES[r.kind] }));
    res.render("letters/recipients", { title: "Letter recipients", recipients });
  });
  const renderRecipientForm = (res: Response, model: { values: Record<string, unknown> } & Record<string, unknown>) =>
    res.render("letters/recipient-form", {
      kindItems,
      regionalItems: [{ name: "regional", text: "This is the regional spinal cord injury centre", checked: ["yes", "on", "true"].includes(String(model.values.regional)) }],
      activeItems: [
        { value: "yes", text: "In use" },
        { value: "no", text: "Not in use" },
      ],
      backLink: { href: "/admin/recipients", text: "Back to recipients" },
      ...model,
    });
  formPage(pages, ADMINS, { form: "/admin/recipients/new", action: "/admin/recipients" }, {
    load: async () => null,
    initial: () => ({ active: "yes" }),
    render: (res, _none, values, errors) => renderRecipientForm(res, { title: "Add a recipient", action: "/admin/recipients", values, errors }),
    save: async (req, _none, actor) => {
      const input = readRecipient(new InputReader(req.body, "form"));
      await createRecipient(db, actor, input, now());
      return { redirect: "/admin/recipients", flash: `${input.name} added` };
    },
  });
  const loadRecipient = async (req: Request) => {
    const id = idParam(req.params.recipientId);
    const r = id ? await findRecipient(db, id) : null;
    if (!r) throw new NotFoundError("Recipient");
    return r;
  };
  formPage(pages, ADMINS, { form: "/admin/recipients/:recipientId" }, {
    load: loadRecipient,
    initial: (r) => ({ ...r, department: r.department ?? "", address: r.address ?? "", email: r.email ?? "", phone: r.phone ?? "", regional: r.regional ? "yes" : "", active: r.active ? "yes" : "no" }),
    render: (res, r, values, errors) => renderRecipientForm(res, { title: `Change ${r.name}`, action: `/admin/recipients/${r.id}`, values, errors }),
    save: async (req, r, actor) => {
      const input = readRecipient(new InputReader(req.body, "form"));
      await updateRecipient(db, actor, r.id, input, now());
      return { redirect: "/admin/recipients", flash: `${input.name} changed` };
    },
  });
}

/** Why a letter kind is (or is not) called for, from the engine's answers on the follow-up view. */
function indication(kind: LetterKind, view: Awaited<ReturnType<typeof loadFollowup>>): string {
  switch (kind) {
    case "sci-referral":
      return sciReferralIndication(view.sci).text;
    case "gp":
      return view.gpDrugReview ? `P4: GP drug review due ${formatCalendarDate(view.gpDrugReview.from)} to ${formatCalendarDate(view.gpDrugReview.to)}` : "Pain guidance P1 to P8 and the P4 drug review";
    case "continence":
      return view.ward.failedTwoc || view.sci.findings.catheterOrIsc ? "Catheter or failed TWOC recorded: teach ISC (U5, U8)" : "U8: teach ISC where possible";
    case "failed-twoc":
      return view.ward.failedTwoc ? "TWOC failed: follow-up required (U7)" : "No failed TWOC recorded";
  }
}
