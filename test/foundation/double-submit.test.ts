import assert from "node:assert/strict";
import { after, before, describe, test } from "node:test";
import { createTestApp, pageText, signIn, type SignedInAgent, type TestContext } from "../helpers/app.ts";
import { newEpisode } from "../ward/helpers.ts";

const NOW = "2026-11-24T10:00:00Z";

/** The one-time key of the first form on a page, as the browser would send it back. */
function onceKeyOf(html: string): string {
  const key = /name="_once" value="([0-9a-f]{24})"/.exec(html);
  assert.ok(key, "every form carries a one-time key");
  return key[1];
}

function at(field: string, day: number, month: number, year: number, time: string) {
  return { [`${field}-day`]: String(day), [`${field}-month`]: String(month), [`${field}-year`]: String(year), [`${field}-time`]: time };
}

const episodeForm = {
  presentation: "CES-I", ...at("mriAt", 23, 11, 2026, "20:00"), ...at("anaesthesiaStartAt", 23, 11, 2026, "23:00"),
  procedure: "laminotomy", level: "L4/5", surgeon: "", ward: "Ward 3 (Spinal)", bed: "12", ...at("preopReviewAt", 23, 11, 2026, "21:00"),
  consentRecorded: "yes", bsrRegistered: "yes", catheterisedBeforeSurgery: "yes", consultantSanction: "no", delayReason: "",
};

describe("a form sent twice (double click, refresh, back and send) is saved once", () => {
  let ctx: TestContext;
  let clinician: SignedInAgent;
  let patientId: number;
  let episodeId: number;
  const count = async (table: string, where: Record<string, unknown>) => Number((await ctx.db(table).where(where).count({ n: "*" }))[0].n);

  before(async () => {
    ctx = await createTestApp({ now: NOW });
    clinician = await signIn(ctx.app, "clinician");
    const episode = await newEpisode(ctx.db, { now: NOW });
    episodeId = episode.id;
    patientId = episode.patientId;
  });
  after(() => ctx.close());

  test("an episode form sent twice registers one episode, and the second answer goes to it", async () => {
    const before = await count("episodes", { patient_id: patientId });
    const form = await clinician.agent.get(`/patients/${patientId}/episodes/new`);
    const body = { ...episodeForm, _once: onceKeyOf(form.text) };
    const first = await clinician.submit(`/patients/${patientId}/episodes`, body);
    const second = await clinician.submit(`/patients/${patientId}/episodes`, body);
    assert.equal(first.status, 303);
    assert.equal(second.status, 303);
    assert.equal(second.headers.location, first.headers.location);
    assert.equal(await count("episodes", { patient_id: patientId }), before + 1);
    assert.match(pageText((await clinician.agent.get(second.headers.location)).text), /This form had already been sent: it was saved once/);
  });

  test("two posts of one form at the same moment store one medicine", async () => {
    const page = await clinician.agent.get(`/episodes/${episodeId}/follow-up/medicines`);
    const body = { _once: onceKeyOf(page.text), name: "Gabapentin 300 mg", dose: "300 mg three times a day", "startedOn-day": "24", "startedOn-month": "11", "startedOn-year": "2026" };
    const answers = await Promise.all([1, 2, 3].map(() => clinician.submit(`/episodes/${episodeId}/follow-up/medicines`, body)));
    assert.deepEqual(answers.map((a) => a.status), [303, 303, 303]);
    assert.equal(await count("medications", { episode_id: episodeId, name: "Gabapentin 300 mg" }), 1);
  });

  test("a letter form sent twice makes one draft", async () => {
    const page = await clinician.agent.get(`/episodes/${episodeId}/letters`);
    const body = { _once: onceKeyOf(page.text), kind: "gp" };
    const first = await clinician.submit(`/episodes/${episodeId}/letters`, body);
    const second = await clinician.submit(`/episodes/${episodeId}/letters`, body);
    assert.equal(first.status, 303, pageText(first.text));
    assert.equal(second.headers.location, first.headers.location);
    assert.equal(await count("letters", { episode_id: episodeId, kind: "gp" }), 1);
  });

  test("a form refused for an error can be corrected and sent again; another render of the form is a new record", async () => {
    const form = await clinician.agent.get(`/episodes/${episodeId}/follow-up/medicines`);
    const once = onceKeyOf(form.text);
    const bad = await clinician.submit(`/episodes/${episodeId}/follow-up/medicines`, { _once: once, name: "", dose: "5 mg", "startedOn-day": "24", "startedOn-month": "11", "startedOn-year": "2026" });
    assert.equal(bad.status, 400);
    const fixed = { _once: once, name: "Senna 7.5 mg", dose: "2 at night", "startedOn-day": "24", "startedOn-month": "11", "startedOn-year": "2026" };
    assert.equal((await clinician.submit(`/episodes/${episodeId}/follow-up/medicines`, fixed)).status, 303);
    const again = onceKeyOf((await clinician.agent.get(`/episodes/${episodeId}/follow-up/medicines`)).text);
    assert.notEqual(again, once, "each render has its own key");
    assert.equal((await clinician.submit(`/episodes/${episodeId}/follow-up/medicines`, { ...fixed, _once: again })).status, 303);
    assert.equal(await count("medications", { episode_id: episodeId, name: "Senna 7.5 mg" }), 2, "adding the same medicine again on purpose still works");
  });
});
