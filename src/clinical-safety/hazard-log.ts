/**
 * The DCB0129 hazard log (docs/clinical-safety/hazard-log.json) and the checks that tie its controls
 * to the automated tests that show them working.
 */
import fs from "node:fs";
import path from "node:path";

export type ControlType = "design" | "test" | "training" | "information";
export interface TestRef { file: string; title: string }
export interface Control { type: ControlType; text: string; tests?: TestRef[] }
export interface Risk { severity: number; likelihood: number; risk: number }
export interface Hazard {
  id: string;
  hazard: string;
  causes: string[];
  effect: string;
  initial: Risk;
  controls: Control[];
  residual: Risk;
}
export interface HazardLog { product: string; standard: string; matrix: string; hazards: Hazard[] }

export const HAZARD_LOG_PATH = "docs/clinical-safety/hazard-log.json";
const CONTROL_TYPES: readonly ControlType[] = ["design", "test", "training", "information"];

export const SEVERITY = ["Minor", "Significant", "Considerable", "Major", "Catastrophic"] as const;
export const LIKELIHOOD = ["Very low", "Low", "Medium", "High", "Very high"] as const;
/** The DCB0129/DCB0160 risk matrix: RISK_MATRIX[likelihood - 1][severity - 1]. */
export const RISK_MATRIX: readonly (readonly number[])[] = [
  [1, 1, 2, 2, 3],
  [1, 2, 2, 3, 4],
  [2, 2, 3, 3, 4],
  [2, 3, 3, 4, 5],
  [3, 4, 4, 5, 5],
];

export function readHazardLog(file: string): HazardLog {
  return JSON.parse(fs.readFileSync(file, "utf8")) as HazardLog;
}

/** Test titles as written in a test file: plain string literals, and template literals as patterns. */
function titlesIn(source: string): { literal: Set<string>; templates: RegExp[] } {
  const literal = new Set<string>();
  const templates: RegExp[] = [];
  const call = /\b(?:test|it|describe)(?:\.(?:only|skip|todo))?\(\s*("(?:[^"\\]|\\.)*"|'(?:[^'\\]|\\.)*'|`(?:[^`\\]|\\.)*`)/g;
  for (const [, quoted] of source.matchAll(call)) {
    const body = quoted.slice(1, -1);
    if (quoted.startsWith("`") && body.includes("${")) {
      const pattern = body.split(/\$\{[^}]*\}/).map((part) => unescape(part).replace(/[.*+?^${}()|[\]\\]/g, "\\$&")).join(".+?");
      templates.push(new RegExp(`^${pattern}$`));
    } else {
      literal.add(unescape(body));
    }
  }
  return { literal, templates };
}

function unescape(text: string): string {
  return text.replace(/\\(.)/g, "$1");
}

/** Does `file` (relative to `root`) hold a test with this title? */
export function testExists(root: string, ref: TestRef, cache = new Map<string, ReturnType<typeof titlesIn> | null>()): "ok" | "no-file" | "no-title" {
  if (!cache.has(ref.file)) {
    const full = path.join(root, ref.file);
    cache.set(ref.file, fs.existsSync(full) && ref.file.endsWith(".test.ts") ? titlesIn(fs.readFileSync(full, "utf8")) : null);
  }
  const titles = cache.get(ref.file);
  if (!titles) return "no-file";
  return titles.literal.has(ref.title) || titles.templates.some((t) => t.test(ref.title)) ? "ok" : "no-title";
}

function riskProblems(hazard: Hazard, which: "initial" | "residual"): string[] {
  const r = hazard[which];
  const inRange = (n: number) => Number.isInteger(n) && n >= 1 && n <= 5;
  if (!r || !inRange(r.severity) || !inRange(r.likelihood)) return [`${hazard.id}: the ${which} severity and likelihood must each be 1-5`];
  const expected = RISK_MATRIX[r.likelihood - 1][r.severity - 1];
  return r.risk === expected ? [] : [`${hazard.id}: the ${which} risk is ${r.risk} but the matrix gives ${expected} for severity ${r.severity}, likelihood ${r.likelihood}`];
}

/**
 * Everything wrong with a hazard log, in words; empty when it is sound. A hazard needs at least one
 * control; a test control names at least one test; every named test exists in its file.
 */
export function checkHazardLog(log: HazardLog, root: string): string[] {
  const problems: string[] = [];
  const seen = new Set<string>();
  const cache = new Map<string, ReturnType<typeof titlesIn> | null>();
  if (!Array.isArray(log.hazards) || log.hazards.length === 0) return ["the log lists no hazards"];
  for (const hazard of log.hazards) {
    if (!/^H-\d{3}$/.test(hazard.id)) problems.push(`${hazard.id}: the id must be H- and three digits`);
    if (seen.has(hazard.id)) problems.push(`${hazard.id}: the id is used twice`);
    seen.add(hazard.id);
    for (const field of ["hazard", "effect"] as const) if (!hazard[field]?.trim()) problems.push(`${hazard.id}: no ${field}`);
    if (!hazard.causes?.length) problems.push(`${hazard.id}: no causes`);
    problems.push(...riskProblems(hazard, "initial"), ...riskProblems(hazard, "residual"));
    if (!hazard.controls?.length) {
      problems.push(`${hazard.id}: the hazard has no control`);
      continue;
    }
    if (!hazard.controls.some((c) => c.type === "test")) problems.push(`${hazard.id}: no test control`);
    for (const control of hazard.controls) {
      if (!CONTROL_TYPES.includes(control.type)) problems.push(`${hazard.id}: unknown control type "${control.type}"`);
      if (control.type === "test" && !control.tests?.length) problems.push(`${hazard.id}: a test control names no test`);
      for (const ref of control.tests ?? []) {
        const found = testExists(root, ref, cache);
        if (found === "no-file") problems.push(`${hazard.id}: the test file ${ref.file} does not exist`);
        if (found === "no-title") problems.push(`${hazard.id}: ${ref.file} has no test titled "${ref.title}"`);
      }
    }
  }
  return problems;
}

export type TestOutcome = "passed" | "failed" | "skipped" | "not run" | "browser test";
export interface TestResults { titles: Map<string, TestOutcome[]>; reports: string[] }

/** Test outcomes by title from node's JUnit reports (the test run writes them; see scripts/run-tests.ts). */
export function readTestResults(reportFiles: string[]): TestResults {
  const titles = new Map<string, TestOutcome[]>();
  const reports = reportFiles.filter((f) => fs.existsSync(f));
  for (const file of reports) {
    const xml = fs.readFileSync(file, "utf8");
    for (const [, name, rest] of xml.matchAll(/<testcase name="([^"]*)"[^>]*?(\/>|>[\s\S]*?<\/testcase>)/g)) {
      const title = xmlText(name);
      const outcome: TestOutcome = rest.includes("<skipped") ? "skipped" : rest.includes("<failure") ? "failed" : "passed";
      titles.set(title, [...(titles.get(title) ?? []), outcome]);
    }
  }
  return { titles, reports };
}

/** Node 20's JUnit reporter escapes quotes twice (&amp;quot;) and other characters once. */
function xmlText(escaped: string): string {
  return escaped
    .replace(/&amp;(quot|apos);/g, "&$1;")
    .replace(/&lt;/g, "<").replace(/&gt;/g, ">").replace(/&quot;/g, '"').replace(/&apos;/g, "'").replace(/&amp;/g, "&");
}

/** One test's outcome in the run: browser tests are run separately (npm run test:e2e). */
export function outcomeOf(ref: TestRef, results: TestResults): TestOutcome {
  if (ref.file.startsWith("test/e2e/")) return "browser test";
  const outcomes = results.titles.get(ref.title);
  if (!outcomes) return "not run";
  if (outcomes.includes("failed")) return "failed";
  return outcomes.every((o) => o === "skipped") ? "skipped" : "passed";
}

/** Automated controls whose test was skipped, failed or not run in the last test run. */
export function checkEvidence(log: HazardLog, results: TestResults): string[] {
  return log.hazards.flatMap((hazard) =>
    hazard.controls.flatMap((control) =>
      (control.tests ?? []).flatMap((ref) => {
        const outcome = outcomeOf(ref, results);
        return outcome === "passed" || outcome === "browser test" ? [] : [`${hazard.id}: "${ref.title}" (${ref.file}) was ${outcome}`];
      }),
    ),
  );
}
