import type { AppDeps } from "../deps.ts";
import { episodeChoices } from "../patients/repository.ts";
import { patientDisplayName } from "../patients/model.ts";
import { londonDate } from "../time.ts";
import type { FieldError } from "../errors.ts";
import { addDays } from "../followup/state.ts";
import { isRealDate } from "../web/validation.ts";
import type { RoleRouter } from "../web/routing.ts";
import { CLINICAL } from "../web/routing.ts";
import { type ClinicRow, clinicList, type ConsultantGroup } from "./service.ts";

const REASSESSMENT_NAMES = { B6: "bowel function", X4: "sexual function" } as const;

/** One row as the clinic list shows it: every value comes from the follow-up state. */
function rowView(row: ClinicRow) {
  const f = row.followup;
  return {
    episodeId: row.episode.id,
    patientName: patientDisplayName(row.patient),
    nhsNumber: row.patient.nhsNumber,
    dateOfBirth: row.patient.dateOfBirth,
    appointmentAt: row.appointmentAt,
    clinic: row.clinic,
    overdue: row.overdue,
    chronic: f.painPhase === "chronic",
    chronicFrom: f.chronicFrom,
    outstanding: f.reassessmentOutstanding.map((rule) => ({ rule, name: REASSESSMENT_NAMES[rule] })),
    sci: { indicated: f.sciReferral.indicated, reasons: f.sciReferral.reasons.map((r) => ({ rule: r.rule, text: reasonInBrief(r.text) })), sentAt: f.sciReferral.sentAt },
    discharged: row.episode.discharge !== null,
    gpReview: f.gpDrugReviewDue,
    gpReviewOverdue: row.gpReviewCheck?.state === "overdue",
    gpReviewCheckedAt: row.gpReviewCheck?.state === "done" ? row.gpReviewCheck.at : null,
    gpLetterSentAt: f.gpLetterSentAt,
  };
}

/** A referral reason as the clinic list shows it, the finding without what follows: "Bowel issues: follow-up ..." reads "Bowel issues". */
const reasonInBrief = (text: string) => text.split(/[:(]/)[0].trim().replace(/\.$/, "");

const groupsView = (groups: ConsultantGroup[]) => groups.map((g) => ({ consultant: g.consultant, rows: g.rows.map(rowView) }));

export function clinicRoutes(pages: RoleRouter, deps: AppDeps): void {
  const { db, clock } = deps;

  // ?week= any date of the week wanted (YYYY-MM-DD; this week when absent); ?consultant= a consultant's user id.
  pages.get("/clinic", CLINICAL, async (req, res) => {
    const now = clock().toISOString();
    const today = londonDate(now);
    // Absent is "", one value is its text, anything else (sent twice) cannot be read: null.
    const param = (v: unknown): string | null => (v === undefined ? "" : typeof v === "string" ? v.trim() : null);
    const weekParam = param(req.query.week);
    const consultantParam = param(req.query.consultant);
    const { consultants } = await episodeChoices(db);
    const consultant = consultants.find((c) => String(c.id) === consultantParam) ?? null;
    const errors: FieldError[] = [];
    if (weekParam === null || (weekParam !== "" && !isRealDate(weekParam))) errors.push({ field: "week", message: "Enter a real date for the week to show, like 2026-12-07" });
    if (consultantParam === null || (consultantParam !== "" && !consultant)) errors.push({ field: "consultant", message: "Select a consultant from the list" });

    const user = res.locals.user;
    const me = user?.role === "clinician" ? consultants.find((c) => c.id === user.id) ?? null : null;
    const common = {
      weekValue: weekParam || today,
      consultantItems: consultants.map((c) => ({ value: String(c.id), text: c.name, selected: c.id === consultant?.id })),
      myPatientsHref: me ? `/clinic?week=${encodeURIComponent(weekParam || today)}&consultant=${me.id}` : null,
      mine: me !== null && consultant?.id === me.id,
    };
    if (errors.length > 0) {
      res.status(400).render("clinic/list", { title: "Outpatient clinic", errors, ...common, values: { week: weekParam } });
      return;
    }

    const list = await clinicList(db, weekParam || today, now, consultant?.id ?? null);
    const query = (week: string) => `/clinic?week=${week}${consultant ? `&consultant=${consultant.id}` : ""}`;
    res.render("clinic/list", {
      title: common.mine ? "My patients: outpatient clinic" : "Outpatient clinic",
      ...common,
      week: list.week,
      isThisWeek: list.week.monday <= today && today <= list.week.sunday,
      previousWeekHref: query(addDays(list.week.monday, -7)),
      nextWeekHref: query(addDays(list.week.monday, 7)),
      thisWeekHref: query(today),
      consultant: consultant?.name ?? null,
      thisWeek: groupsView(list.thisWeek),
      overdue: groupsView(list.overdue),
      count: list.count,
      generatedAt: now,
    });
  });
}
