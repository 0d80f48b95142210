// patient-list-vs-bare: the signed-in patient list with 1,000 patients against a bare
// Express + Handlebars page, loaded with autocannon (50 connections) in turn, 4 rounds of 3 s each, in the same run.
import { round, signInCookie, startBareServer, startBenchServer, startFrameworkFloorServer, versusBare, type BenchResult } from "./lib.ts";

export default async function run(): Promise<BenchResult[]> {
  const app = await startBenchServer();
  const now = new Date().toISOString();
  const rows = Array.from({ length: 1000 }, (_, i) => {
    const nhs = benchNhsNumber(i);
    return {
      nhs_number: nhs, family_name: `Bench${i}`, given_name: "Patient", date_of_birth: "1970-01-01", sex: "female",
      email_consent: false, search_name: `bench${i} patient`, created_at: now, updated_at: now,
    };
  });
  await app.db.batchInsert("patients", rows, 200);
  const cookie = await signInCookie(app.url, "clinician");
  const bare = await startBareServer();
  try {
    const listRun = await versusBare(bare.url, `${app.url}/patients`, { headers: { cookie } });
    const list = listRun.page;
    if (list.non2xx > 0 || list.errors > 0) throw new Error(`patient list answered ${list.non2xx} non-2xx and ${list.errors} errors`);
    // The floor under every signed-in page: a form with no data of its own still reads the
    // session and the user from the database, checks CSRF and renders the NHS.UK layout.
    const floorRun = await versusBare(bare.url, `${app.url}/patients/new`, { headers: { cookie } });
    const floor = floorRun.page;
    if (floor.non2xx > 0 || floor.errors > 0) throw new Error(`the empty form answered ${floor.non2xx} non-2xx and ${floor.errors} errors`);
    // Under that: the bare page with only the app's security headers and express-session in memory.
    const framework = await startFrameworkFloorServer();
    const frameworkRun = await versusBare(bare.url, framework.url, { headers: { cookie: framework.cookie } });
    await framework.close();
    return [
      {
        name: "patient-list-vs-bare",
        value: round(listRun.ratio),
        unit: "ratio of requests/s (median of 4 back-to-back rounds)",
        baseline: round(listRun.bare.requestsPerSecond, 1),
        target: 0.2,
        requestsPerSecond: round(list.requestsPerSecond, 1),
        rounds: listRun.ratios.map((r) => round(r)),
      },
      {
        name: "signed-in-floor-vs-bare",
        value: round(floorRun.ratio),
        unit: "ratio of requests/s (an empty signed-in form page; for reading the other ratios; median of 4 rounds)",
        baseline: round(floorRun.bare.requestsPerSecond, 1),
        target: 0.35,
        requestsPerSecond: round(floor.requestsPerSecond, 1),
        rounds: floorRun.ratios.map((r) => round(r)),
      },
      {
        name: "framework-floor-vs-bare",
        value: round(frameworkRun.ratio),
        unit: "ratio of requests/s (the bare page plus security headers and an in-memory express-session: no database, no layout; median of 4 rounds)",
        baseline: round(frameworkRun.bare.requestsPerSecond, 1),
        target: null,
        requestsPerSecond: round(frameworkRun.page.requestsPerSecond, 1),
        rounds: frameworkRun.ratios.map((r) => round(r)),
      },
    ];
  } finally {
    await bare.close();
    await app.close();
  }
}

/** A valid (Modulus 11) NHS number in the 999 range, which is never issued to real patients. */
function benchNhsNumber(i: number): string {
  for (let n = i * 10; ; n++) {
    const body = `999${String(n).padStart(6, "0")}`;
    const sum = [...body].reduce((s, d, k) => s + Number(d) * (10 - k), 0);
    const check = (11 - (sum % 11)) % 11;
    if (check !== 10) return body + check;
  }
}
