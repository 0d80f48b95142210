import fs from "node:fs";
import path from "node:path";
import type { AppDeps } from "../deps.ts";
import { RULE_BOOK, ruleBookReviewDue } from "../pathway/index.ts";
import { rootDir } from "../paths.ts";
import { londonDate } from "../time.ts";
import type { RoleRouter } from "../web/routing.ts";
import { ADMINS } from "../web/routing.ts";
import { REPORT_END, REPORT_START } from "./report.ts";

export const SAFETY_CASE_HTML = path.join(rootDir, "docs/clinical-safety/safety-case.html");

/** The report's body, written by `npm run safety-case`; null when it has not been generated. */
function safetyCaseBody(): string | null {
  if (!fs.existsSync(SAFETY_CASE_HTML)) return null;
  const html = fs.readFileSync(SAFETY_CASE_HTML, "utf8");
  const start = html.indexOf(REPORT_START);
  const end = html.indexOf(REPORT_END);
  return start >= 0 && end > start ? html.slice(start + REPORT_START.length, end) : null;
}

/** The statements a public body publishes (public, no sign-in), and the safety case for admins. */
export function clinicalSafetyRoutes(pages: RoleRouter, deps: AppDeps): void {
  pages.get("/accessibility", "public", (_req, res) => {
    res.render("statements/accessibility", { title: "Accessibility statement" });
  });
  pages.get("/privacy", "public", (_req, res) => {
    // Patients reach these from a reminder: no diagnosis in the header or footer either.
    res.render("statements/privacy", { title: "Privacy notice for patients", patientFacing: true });
  });
  pages.get("/cookies", "public", (_req, res) => {
    res.render("statements/cookies", { title: "Cookies", patientFacing: true, idleMinutes: deps.config.sessionIdleMinutes });
  });

  pages.get("/admin/clinical-safety", ADMINS, (_req, res) => {
    const today = londonDate(deps.clock());
    res.render("admin/clinical-safety", {
      title: "Clinical safety",
      ruleBook: RULE_BOOK,
      reviewDue: ruleBookReviewDue(today),
      report: safetyCaseBody(),
    });
  });
}
