import { CATHETER_STATUS_NAMES, type Episode, type Patient, patientDisplayName } from "../patients/model.ts";
import type { Role } from "../web/routing.ts";
import { inSentence } from "../web/validation.ts";
import { OUTSIDE_PATHWAY_NOTE } from "../pathway/index.ts";
import { REFERRAL_NAMES } from "./model.ts";
import { type FollowupView, mayTick } from "./state.ts";

const FINDING_NAMES = { yes: "Issue found", no: "No issue", "not-assessed": "Not re-assessed" } as const;
const WHEN_NAMES = { inpatient: "Inpatient", discharge: "Before discharge", outpatient: "Outpatient appointment", any: "Any time" } as const;

/** The follow-up page's model: the view plus what this user may do. */
export function followupPage(episode: Episode, patient: Patient, view: FollowupView, role: Role | undefined) {
  const sections = view.sections.map((s) => {
    const items = s.items.map((item) => ({ ...item, whenName: WHEN_NAMES[item.when], canTick: mayTick(role, item) }));
    return { ...s, isPain: s.domain === "pain", issueInSentence: inSentence(s.issueLabel), items, canTickAny: items.some((i) => i.canTick) };
  });
  return {
    title: `Follow-up: ${patientDisplayName(patient)}`,
    backLink: { href: `/episodes/${episode.id}`, text: "Back to the episode" },
    patient,
    episode,
    view,
    isClinician: role === "clinician",
    catheterAtDischarge: episode.discharge ? CATHETER_STATUS_NAMES[episode.discharge.catheterStatus] : null,
    sections,
    canTickAny: sections.some((s) => s.canTickAny),
    outsidePathwayNote: OUTSIDE_PATHWAY_NOTE,
    reassessments: view.reassessments.map((r) => ({
      ...r,
      bowelName: FINDING_NAMES[r.bowel],
      sexualName: FINDING_NAMES[r.sexual],
      referralName: REFERRAL_NAMES[r.referral],
    })),
    flagCount: view.current.reduce((n, m) => n + m.flags.length, 0),
  };
}
