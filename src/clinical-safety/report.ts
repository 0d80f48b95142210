/**
 * The clinical safety case report: the argument (each hazard, its controls, its residual risk) and
 * the evidence (each automated control's result in the latest test run), as Markdown and as HTML.
 * Written by `npm run safety-case`; admins read the HTML at /admin/clinical-safety.
 */
import { RULE_BOOK } from "../pathway/index.ts";
import { checkEvidence, checkHazardLog, type HazardLog, LIKELIHOOD, outcomeOf, type Risk, SEVERITY, type TestResults } from "./hazard-log.ts";

export const REPORT_START = "<!-- safety case report -->";
export const REPORT_END = "<!-- end of safety case report -->";

const riskWords = (r: Risk) => `${SEVERITY[r.severity - 1]} × ${LIKELIHOOD[r.likelihood - 1]} = risk ${r.risk}`;

interface Summary { problems: string[]; evidence: string[]; counts: Record<string, number> }

function summarise(log: HazardLog, results: TestResults, root: string): Summary {
  const counts: Record<string, number> = {};
  for (const h of log.hazards) for (const c of h.controls) for (const t of c.tests ?? []) {
    const o = outcomeOf(t, results);
    counts[o] = (counts[o] ?? 0) + 1;
  }
  return { problems: checkHazardLog(log, root), evidence: checkEvidence(log, results), counts };
}

function conclusion(s: Summary): string {
  if (s.problems.length > 0 || s.evidence.length > 0) {
    return "The case is NOT made: the log or its evidence has the problems listed below. Do not release until they are resolved.";
  }
  return "Every hazard has controls; every automated control's tests passed in the latest run; every residual risk is 3 or below. The case is made for release, subject to the clinical safety officer's sign-off and the pharmacist's review of the medicines dictionary.";
}

export function reportMarkdown(log: HazardLog, results: TestResults, root: string, generatedAt: string): string {
  const s = summarise(log, results, root);
  const lines = [
    `# Clinical safety case report: ${log.product}`,
    "",
    `Generated ${generatedAt} from docs/clinical-safety/hazard-log.json and the test reports (${results.reports.join(", ") || "none found"}).`,
    `Standard: ${log.standard}. Rule book implemented: ${RULE_BOOK.title}, version ${RULE_BOOK.version}, review due ${RULE_BOOK.reviewDueInWords}.`,
    "",
    "## Argument",
    "",
    `${log.hazards.length} hazards are identified. Each is controlled by design, and by automated tests named in the log, with training and information where they help. The tests run in every \`npm test\`; the log's own test fails if a hazard has no control, a named test does not exist, or a named test was skipped.`,
    "",
    `**Conclusion:** ${conclusion(s)}`,
    "",
    `Automated evidence: ${Object.entries(s.counts).map(([k, n]) => `${n} ${k}`).join(", ")}.`,
    "",
    ...(s.problems.length + s.evidence.length > 0 ? ["### Problems", "", ...[...s.problems, ...s.evidence].map((p) => `- ${p}`), ""] : []),
    "## Hazards",
    "",
    "| Id | Hazard | Initial | Residual |",
    "| --- | --- | --- | --- |",
    ...log.hazards.map((h) => `| ${h.id} | ${h.hazard} | ${riskWords(h.initial)} | ${riskWords(h.residual)} |`),
    "",
  ];
  for (const h of log.hazards) {
    lines.push(`### ${h.id}: ${h.hazard}`, "", `- Causes: ${h.causes.join("; ")}`, `- Effect on the patient: ${h.effect}`, `- Initial risk: ${riskWords(h.initial)}`, `- Residual risk: ${riskWords(h.residual)}`, "", "Controls:", "");
    for (const c of h.controls) {
      lines.push(`- **${c.type}**: ${c.text}`);
      for (const t of c.tests ?? []) lines.push(`  - ${outcomeOf(t, results)}: ${t.file} — “${t.title}”`);
    }
    lines.push("");
  }
  return lines.join("\n");
}

const esc = (text: string) => text.replace(/&/g, "&amp;").replace(/</g, "&lt;").replace(/>/g, "&gt;").replace(/"/g, "&quot;");

/** The report as HTML with NHS frontend classes; the part between the markers is what the admin page shows. */
export function reportHtml(log: HazardLog, results: TestResults, root: string, generatedAt: string): string {
  const s = summarise(log, results, root);
  const ok = s.problems.length + s.evidence.length === 0;
  const parts = [
    `<h2 class="nhsuk-heading-l">Clinical safety case report</h2>`,
    `<p>Generated ${esc(generatedAt)} from the hazard log and the test reports (${esc(results.reports.join(", ") || "none found")}). Standard: ${esc(log.standard)}.</p>`,
    `<p>Rule book implemented: ${esc(RULE_BOOK.title)}, version ${esc(RULE_BOOK.version)}, review due ${esc(RULE_BOOK.reviewDueInWords)}.</p>`,
    `<div class="nhsuk-inset-text"><p><strong>Conclusion:</strong> ${esc(conclusion(s))}</p></div>`,
    `<p>Automated evidence: ${esc(Object.entries(s.counts).map(([k, n]) => `${n} ${k}`).join(", "))}.</p>`,
    ok ? "" : `<h3 class="nhsuk-heading-m">Problems</h3><ul class="nhsuk-list nhsuk-list--bullet">${[...s.problems, ...s.evidence].map((p) => `<li>${esc(p)}</li>`).join("")}</ul>`,
    `<table class="nhsuk-table"><caption class="nhsuk-table__caption">Hazards and risk (DCB0129 5×5 matrix)</caption><thead class="nhsuk-table__head"><tr class="nhsuk-table__row"><th class="nhsuk-table__header" scope="col">Id</th><th class="nhsuk-table__header" scope="col">Hazard</th><th class="nhsuk-table__header" scope="col">Initial</th><th class="nhsuk-table__header" scope="col">Residual</th></tr></thead><tbody class="nhsuk-table__body">`,
    ...log.hazards.map((h) => `<tr class="nhsuk-table__row"><td class="nhsuk-table__cell"><a href="#${esc(h.id)}">${esc(h.id)}</a></td><td class="nhsuk-table__cell">${esc(h.hazard)}</td><td class="nhsuk-table__cell">${esc(riskWords(h.initial))}</td><td class="nhsuk-table__cell">${esc(riskWords(h.residual))}</td></tr>`),
    `</tbody></table>`,
  ];
  for (const h of log.hazards) {
    parts.push(
      `<h3 class="nhsuk-heading-m" id="${esc(h.id)}">${esc(h.id)}: ${esc(h.hazard)}</h3>`,
      `<dl class="nhsuk-summary-list">`,
      ...[["Causes", h.causes.join("; ")], ["Effect on the patient", h.effect], ["Initial risk", riskWords(h.initial)], ["Residual risk", riskWords(h.residual)]].map(
        ([k, v]) => `<div class="nhsuk-summary-list__row"><dt class="nhsuk-summary-list__key">${esc(k)}</dt><dd class="nhsuk-summary-list__value">${esc(v)}</dd></div>`,
      ),
      `</dl>`,
      `<ul class="nhsuk-list nhsuk-list--bullet">`,
      ...h.controls.map((c) => `<li><strong>${esc(c.type)}</strong>: ${esc(c.text)}${c.tests?.length ? `<ul>${c.tests.map((t) => `<li><span class="app-test-${outcomeOf(t, results).replace(" ", "-")}">${esc(outcomeOf(t, results))}</span>: ${esc(t.file)} — “${esc(t.title)}”</li>`).join("")}</ul>` : ""}</li>`),
      `</ul>`,
    );
  }
  return [
    `<!DOCTYPE html>`,
    `<html lang="en-GB"><head><meta charset="utf-8"><title>Clinical safety case report – ${esc(log.product)}</title><link rel="stylesheet" href="/assets/build/app.css"></head>`,
    `<body><div class="nhsuk-width-container"><main class="nhsuk-main-wrapper">`,
    REPORT_START,
    ...parts,
    REPORT_END,
    `</main></div></body></html>`,
    "",
  ].join("\n");
}
