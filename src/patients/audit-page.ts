import type { AppDeps } from "../deps.ts";
import { auditForPatient } from "../audit/audit.ts";
import { loadPatient } from "./load.ts";
import type { RoleRouter } from "../web/routing.ts";
import { CLINICAL } from "../web/routing.ts";

/** A patient's audit trail: every change to their record, newest first. */
export function patientAuditRoutes(pages: RoleRouter, deps: AppDeps): void {
  pages.get("/patients/:patientId/audit", CLINICAL, async (req, res) => {
    const patient = await loadPatient(deps, req);
    const events = await auditForPatient(deps.db, patient.id);
    res.render("patients/audit", { title: `Audit trail: ${patient.familyName}, ${patient.givenName}`, patient, events });
  });
}
