import { SYSTEM_ACTOR } from "../../src/audit/audit.ts";
import type { Db } from "../../src/db/knex.ts";
import type { Episode } from "../../src/patients/model.ts";
import { registerEpisode, registerPatient } from "../../src/patients/service.ts";
import { wardIdFor } from "../helpers/wards.ts";

let serial = 0;

/** A valid NHS number (Modulus 11) not used by the demo data. */
export function nhsNumber(): string {
  for (;;) {
    const base = String(700000000 + ++serial * 7919).padStart(9, "0");
    const digits = base.split("").map(Number);
    const sum = digits.reduce((s, d, i) => s + d * (10 - i), 0);
    const check = (11 - (sum % 11)) % 11;
    if (check !== 10) return base + String(check);
  }
}

/** A fresh inpatient episode on a ward of the test's choosing (linked to its ward record, created if need be), with no bladder events. */
export async function newEpisode(db: Db, options: { ward?: string; bed?: string; now: string; familyName?: string }): Promise<Episode> {
  const patient = await registerPatient(
    db,
    SYSTEM_ACTOR,
    {
      nhsNumber: nhsNumber(),
      familyName: options.familyName ?? "Testcase",
      givenName: "Alex",
      dateOfBirth: "1970-01-01",
      sex: "not-known",
      email: null,
      emailConsent: false,
      gp: { name: null, address: null, email: null },
    },
    options.now,
  );
  const surgery = new Date(Date.parse(options.now) - 20 * 3600_000).toISOString();
  const ward = options.ward ?? "Test ward";
  return registerEpisode(
    db,
    SYSTEM_ACTOR,
    patient.id,
    {
      presentation: "CES-I",
      mriAt: new Date(Date.parse(surgery) - 4 * 3600_000).toISOString(),
      anaesthesiaStartAt: surgery,
      procedure: "laminotomy",
      level: "L4/5",
      surgeon: null,
      hospital: null,
      ward,
      wardId: await wardIdFor(db, ward),
      bed: options.bed ?? "1",
      delayReason: null,
      consultantSanction: null,
      preopReviewAt: null,
      consentRecorded: true,
      bsrRegistered: true,
      catheterisedBeforeSurgery: true,
    },
    options.now,
  );
}

/** UK date-and-time form fields for an instant. */
export function ukTime(prefix: string, day: number, month: number, year: number, time: string): Record<string, string> {
  return { [`${prefix}-day`]: String(day), [`${prefix}-month`]: String(month), [`${prefix}-year`]: String(year), [`${prefix}-time`]: time };
}

/** The app-wide one-time form key (`_once`) of the first form in a page, or of the form posting to `action`. */
export function onceKeyOf(html: string, action?: string): string {
  const scope = action ? html.slice(html.indexOf(`action="${action}"`)) : html;
  const m = /name="_once" value="([0-9a-f]{24})"/.exec(scope);
  if (!m) throw new Error("no one-time form key in the page");
  return m[1];
}
