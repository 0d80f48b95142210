// referral-pdf-per-s (a reading, no target): SCI referral PDFs per second (GET .../pdf, 10 connections, 10 s) for an
// episode with 200 bladder events and 10 medicines; every request lays out and writes the PDF.
// followup-page-vs-bare: the signed-in follow-up page of that episode against the bare
// Express + Handlebars page, loaded with autocannon in turn in the same run (4 rounds of 3 s each).
import { SYSTEM_ACTOR } from "../src/audit/audit.ts";
import { addMedication, setIssue } from "../src/followup/service.ts";
import { createLetter } from "../src/letters/service.ts";
import { registerEpisode, registerPatient } from "../src/patients/service.ts";
import { recordBladderEvent } from "../src/ward/service.ts";
import type { BladderEventInput } from "../src/ward/model.ts";
import { load, round, signInCookie, startBareServer, startBenchServer, versusBare, type BenchResult } from "./lib.ts";

const HOUR = 3600_000;
const MEDICINES = [
  "Co-codamol 30/500", "Pregabalin 75 mg", "Senna 7.5 mg", "Docusate sodium 100 mg", "Paracetamol 1 g",
  "Naproxen 500 mg", "Omeprazole 20 mg", "Amitriptyline 10 mg", "Tadalafil 5 mg", "Zzylotrex 5 mg",
];

export async function benchEpisode(db: Parameters<typeof registerPatient>[0], now: Date) {
  const at = now.toISOString();
  const patient = await registerPatient(db, SYSTEM_ACTOR, {
    nhsNumber: "9990000026", familyName: "Bench", givenName: "Pdf", dateOfBirth: "1970-01-01", sex: "female",
    email: null, emailConsent: false, gp: { name: "Bench Surgery", address: "1 Bench Road", email: null },
  }, at);
  const surgery = now.getTime() - 40 * 24 * HOUR;
  const episode = await registerEpisode(db, SYSTEM_ACTOR, patient.id, {
    presentation: "CES-R", mriAt: new Date(surgery - 5 * HOUR).toISOString(), anaesthesiaStartAt: new Date(surgery).toISOString(),
    procedure: "laminotomy", level: "L4/5", surgeon: "Bench Surgeon", hospital: "Pinderfields Hospital", ward: "Ward 3 (Spinal)", bed: "1",
    delayReason: null, consultantSanction: null, preopReviewAt: null, consentRecorded: true, bsrRegistered: true, catheterisedBeforeSurgery: true,
  }, at);
  const blank: Omit<BladderEventInput, "type" | "at"> = { phase: null, volumeMl: null, sensationToVoid: null, catheterType: null };
  const start = surgery + 24 * HOUR;
  await recordBladderEvent(db, SYSTEM_ACTOR, episode, { ...blank, type: "catheter-removed", at: new Date(start).toISOString() }, "bench-0", "system", at);
  for (let i = 1; i < 200; i++) {
    const when = new Date(start + i * 4 * HOUR).toISOString();
    const input: BladderEventInput = i % 2 === 1 ? { ...blank, type: "void", at: when, volumeMl: 200 + (i % 7) * 10 } : { ...blank, type: "scan", at: when, phase: "post-void", volumeMl: 40 + (i % 5) * 10 };
    await recordBladderEvent(db, SYSTEM_ACTOR, episode, input, `bench-${i}`, "system", at);
  }
  for (const name of MEDICINES) await addMedication(db, SYSTEM_ACTOR, episode, { name, dose: "as prescribed", startedOn: new Date(surgery).toISOString().slice(0, 10) }, at);
  await setIssue(db, SYSTEM_ACTOR, episode, "bowel", true, "Bench bowel issue", at);
  const regional = await db("letter_recipients").where({ kind: "sci-centre", regional: true }).first("id");
  const letterId = await createLetter(db, SYSTEM_ACTOR, episode, "sci-referral", regional.id, "Bench paragraph.", at);
  return { episodeId: episode.id, letterId };
}

export default async function run(): Promise<BenchResult[]> {
  const now = new Date();
  const app = await startBenchServer({ now });
  const { episodeId, letterId } = await benchEpisode(app.db, now);
  const cookie = await signInCookie(app.url, "clinician");
  const bare = await startBareServer();
  try {
    const pdf = await load(`${app.url}/letters/${letterId}/versions/1/pdf`, { headers: { cookie }, connections: 10 });
    if (pdf.non2xx > 0 || pdf.errors > 0) throw new Error(`referral PDF answered ${pdf.non2xx} non-2xx and ${pdf.errors} errors`);
    const pageRun = await versusBare(bare.url, `${app.url}/episodes/${episodeId}/follow-up`, { headers: { cookie } });
    const page = pageRun.page;
    if (page.non2xx > 0 || page.errors > 0) throw new Error(`follow-up page answered ${page.non2xx} non-2xx and ${page.errors} errors`);
    return [
      {
        name: "referral-pdf-per-s",
        value: round(pdf.requestsPerSecond, 1),
        unit: "PDFs/s",
        baseline: "200 bladder events, 10 medicines, 10 connections",
        // A reading only: an absolute rate does not carry from one machine to the next (referral-pdf-vs-bare is the target).
        target: null,
        medianLatencyMs: pdf.medianLatencyMs,
      },
      {
        name: "followup-page-vs-bare",
        value: round(pageRun.ratio),
        unit: "ratio of requests/s (median of 4 back-to-back rounds)",
        baseline: round(pageRun.bare.requestsPerSecond, 1),
        target: 0.1,
        requestsPerSecond: round(page.requestsPerSecond, 1),
        rounds: pageRun.ratios.map((r) => round(r)),
      },
    ];
  } finally {
    await bare.close();
    await app.close();
  }
}
