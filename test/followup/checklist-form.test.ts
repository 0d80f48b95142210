import assert from "node:assert/strict";
import { after, before, describe, test } from "node:test";
import { SYSTEM_ACTOR } from "../../src/audit/audit.ts";
import { addMedication } from "../../src/followup/service.ts";
import { createTestApp, pageText, signIn, type SignedInAgent, type TestContext } from "../helpers/app.ts";
import { demoEpisode } from "./helpers.ts";

const NOW = "2026-11-24T10:00:00Z";

/** Posts the checklist form as a browser does: `shown` once per item shown, `done` once per ticked box. */
function postChecklist(user: SignedInAgent, episodeId: number, shown: string[], done: string[]) {
  const body = new URLSearchParams({ _csrf: user.csrf });
  for (const s of shown) body.append("shown", s);
  for (const d of done) body.append("done", d);
  return user.agent.post(`/episodes/${episodeId}/follow-up/checklist`).type("form").send(body.toString());
}

/** The <li> of one checklist item. */
function itemHtml(html: string, id: string): string {
  const m = new RegExp(`<li class="([^"]*)" id="${id}">([\\s\\S]*?)</li>`).exec(html);
  assert.ok(m, `item ${id} is on the page`);
  return `${m[1]}|${m[2]}`;
}

describe("follow-up checklist: done items, prohibitions, several ticks in one save", () => {
  let ctx: TestContext;
  let nurse: SignedInAgent;
  let clinician: SignedInAgent;
  let reviewId: number;
  let twocId: number;
  before(async () => {
    ctx = await createTestApp({ now: NOW });
    nurse = await signIn(ctx.app, "nurse");
    clinician = await signIn(ctx.app, "clinician");
    reviewId = (await demoEpisode(ctx.db, "outpatient-review-due"))!.id;
    twocId = (await demoEpisode(ctx.db, "twoc-under-way"))!.id;
  });
  after(() => ctx.close());

  test("a done item is styled as done (green, ticked box); an item not done is not", async () => {
    const html = (await nurse.agent.get(`/episodes/${reviewId}/follow-up`)).text;
    const b1 = itemHtml(html, "bowel-b1-advice-and-booklet"); // ticked by the demo data
    assert.match(b1, /app-checklist__item--done/);
    assert.match(b1, /type="checkbox" value="bowel-b1-advice-and-booklet"[^>]* checked/);
    const b4 = itemHtml(html, "bowel-b4-mascip-guidelines");
    assert.doesNotMatch(b4, /app-checklist__item--done/);
    assert.doesNotMatch(b4, / checked/);
    assert.match(pageText(b4), /Not done/);
  });

  test("P5 and P6 are not tasks: no tick box, and their status comes from the medication review naming the medicine", async () => {
    const html = (await clinician.agent.get(`/episodes/${reviewId}/follow-up`)).text;
    for (const id of ["pain-p5-no-opioids", "pain-p6-no-gabapentinoids-aeds-steroids-benzodiazepines"]) {
      const li = itemHtml(html, id);
      assert.doesNotMatch(li, /type="checkbox"|Mark as done/, id);
      assert.match(li, /app-checklist__item--warning/);
      assert.match(li, /nhsuk-card--warning/, "the NHS warning callout");
    }
    const text = pageText(html);
    assert.match(text, /P5 Chronic phase: do not offer opioids\. .*?Takes an opioid: Co-codamol 30\/500 \(do not offer opioids in the chronic phase\)/);
    assert.match(text, /Takes a gabapentinoid, anti-epileptic, oral steroid or benzodiazepine: Pregabalin 75 mg/);
    // a prohibition cannot be ticked, even by a clinician
    const res = await clinician.submit(`/episodes/${reviewId}/follow-up/checklist`, { item: "pain-p5-no-opioids", done: "yes" });
    assert.equal(res.status, 403);
    assert.equal(await ctx.db("followup_ticks").where({ episode_id: reviewId, item_id: "pain-p5-no-opioids" }).first(), undefined);
  });

  test("when the opioid is stopped, P5 reads 'Not on any opioid ✓'", async () => {
    const episode = (await demoEpisode(ctx.db, "outpatient-review-due"))!;
    const med = await ctx.db("medications").where({ episode_id: episode.id }).where("name", "like", "Co-codamol%").first();
    const stop = await clinician.submit(`/episodes/${episode.id}/follow-up/medicines/${med.id}/stop`, { "stoppedOn-day": "24", "stoppedOn-month": "11", "stoppedOn-year": "2026", reason: "P5" });
    assert.equal(stop.status, 303);
    const html = (await clinician.agent.get(`/episodes/${episode.id}/follow-up`)).text;
    const p5 = itemHtml(html, "pain-p5-no-opioids");
    assert.match(p5, /app-checklist__item--done/);
    assert.match(pageText(p5), /Not on any opioid ✓/);
    assert.match(pageText(itemHtml(html, "pain-p6-no-gabapentinoids-aeds-steroids-benzodiazepines")), /Takes a gabapentinoid.*Pregabalin 75 mg/);
  });

  test("labels keep their capitals inside a sentence: 'ongoing CES symptoms', 'letter to the GP'", async () => {
    const html = (await nurse.agent.get(`/episodes/${reviewId}/follow-up`)).text;
    assert.match(pageText(html), /Record ongoing CES symptoms \(such as saddle numbness or leg weakness\)/);
    assert.doesNotMatch(html, /ongoing ces symptoms/);
    const res = await clinician.submit(`/episodes/${reviewId}/letters`, { kind: "gp" });
    assert.equal(res.status, 303);
    const letter = await clinician.agent.get(res.headers.location);
    assert.match(pageText(letter.text), /Draft generated from the record: Letter to the GP/);
  });

  test("several ticks and un-ticks are saved in one post, each its own row and audit row", async () => {
    const page = (await nurse.agent.get(`/episodes/${twocId}/follow-up`)).text;
    const shown = [...page.matchAll(/name="shown" value="([^"]+)"/g)].map((m) => m[1]);
    assert.ok(shown.includes("bowel-b1-advice-and-booklet=done"), "B1 was ticked by the demo data");
    assert.ok(shown.includes("bowel-b3-drs-dre=open"));
    assert.ok(!shown.some((s) => s.startsWith("bowel-b6")), "a nurse's form carries no outpatient item");
    const auditBefore = Number((await ctx.db("audit_events").where({ entity: "followup-checklist" }).count({ n: "*" }))[0].n);

    // B3 and X2 ticked, B1 un-ticked, everything else left as it was
    const ticked = shown.filter((s) => s.endsWith("=done") && !s.startsWith("bowel-b1")).map((s) => s.split("=")[0]);
    const res = await postChecklist(nurse, twocId, shown, [...ticked, "bowel-b3-drs-dre", "sexual-x2-support-groups"]);
    assert.equal(res.status, 303);
    const after = await nurse.agent.get(res.headers.location.replace(/#.*/, ""));
    assert.match(pageText(after.text), /B3 and X2 marked as done; B1 marked as not done/);
    assert.match(itemHtml(after.text, "bowel-b3-drs-dre"), /app-checklist__item--done/);
    assert.doesNotMatch(itemHtml(after.text, "bowel-b1-advice-and-booklet"), /app-checklist__item--done/);

    const audit = await ctx.db("audit_events").where({ entity: "followup-checklist" }).where("id", ">", 0).orderBy("id", "desc").limit(3);
    assert.equal(Number((await ctx.db("audit_events").where({ entity: "followup-checklist" }).count({ n: "*" }))[0].n), auditBefore + 3);
    assert.deepEqual(audit.map((a) => `${a.action} ${JSON.parse(a.after).rule}`).sort(), ["tick B3", "tick X2", "untick B1"]);
    for (const a of audit) assert.match(a.actor_name, /Nia Nurse/);
  });

  test("a page opened before someone else's tick does not undo it: only what this user changed is saved", async () => {
    const page = (await nurse.agent.get(`/episodes/${twocId}/follow-up`)).text;
    const shown = [...page.matchAll(/name="shown" value="([^"]+)"/g)].map((m) => m[1]);
    assert.ok(shown.includes("bowel-b4-mascip-guidelines=open"));
    // meanwhile a clinician ticks B4
    assert.equal((await clinician.submit(`/episodes/${twocId}/follow-up/checklist`, { item: "bowel-b4-mascip-guidelines", done: "yes" })).status, 303);
    // the nurse's older page is sent with B4 unticked and Y2 ticked
    const ticked = shown.filter((s) => s.endsWith("=done")).map((s) => s.split("=")[0]);
    const res = await postChecklist(nurse, twocId, shown, [...ticked, "psychological-y2-support-groups"]);
    assert.equal(res.status, 303);
    const html = (await nurse.agent.get(`/episodes/${twocId}/follow-up`)).text;
    assert.match(itemHtml(html, "bowel-b4-mascip-guidelines"), /app-checklist__item--done/, "B4 stays done");
    assert.match(itemHtml(html, "psychological-y2-support-groups"), /app-checklist__item--done/);
  });

  test("nothing changed: nothing is stored; a bad or forbidden form stores nothing", async () => {
    const page = (await nurse.agent.get(`/episodes/${reviewId}/follow-up`)).text;
    const shown = [...page.matchAll(/name="shown" value="([^"]+)"/g)].map((m) => m[1]);
    const ticked = shown.filter((s) => s.endsWith("=done")).map((s) => s.split("=")[0]);
    const count = async () => Number((await ctx.db("followup_ticks").count({ n: "*" }))[0].n);
    const before = await count();

    const same = await postChecklist(nurse, reviewId, shown, ticked);
    assert.equal(same.status, 303);
    assert.match(pageText((await nurse.agent.get(`/episodes/${reviewId}/follow-up`)).text), /No change to the checklist/);

    for (const [s, d] of [
      [["bowel-zz-made-up=open"], ["bowel-zz-made-up"]],
      [["bowel-b4-mascip-guidelines=maybe"], []],
      [["bowel-b4-mascip-guidelines=open"], ["sexual-x2-support-groups"]],
    ]) {
      const res = await postChecklist(nurse, reviewId, s, d);
      assert.equal(res.status, 400, JSON.stringify(s));
      assert.match(pageText(res.text), /There is a problem/);
    }
    // a nurse's form that ticks an outpatient item (B6) is refused as a whole
    const forbidden = await postChecklist(nurse, reviewId, ["bowel-b4-mascip-guidelines=open", "bowel-b6-outpatient-reassessment=open"], ["bowel-b4-mascip-guidelines", "bowel-b6-outpatient-reassessment"]);
    assert.equal(forbidden.status, 403);
    assert.equal(await count(), before);
  });

  test("medicine flags are NHS warning callouts; two medicines with the same ingredient are flagged without a dose limit", async () => {
    const episode = (await demoEpisode(ctx.db, "twoc-under-way"))!;
    await addMedication(ctx.db, SYSTEM_ACTOR, episode, { name: "Zapain 30/500", dose: "2 tablets four times a day", startedOn: "2026-11-23" }, NOW);
    for (const url of [`/episodes/${episode.id}/follow-up`, `/episodes/${episode.id}/follow-up/medicines`]) {
      const html = (await clinician.agent.get(url)).text;
      const text = pageText(html);
      assert.match(text, /Important: Same ingredient twice: paracetamol Paracetamol 1 g and Zapain 30\/500 both contain paracetamol: check the total daily dose\./, url);
      assert.match(text, /A safety check outside the pathway: the rule book has no rule for it and gives no dose limit\. For clinical review\./);
      assert.match(html, /class="nhsuk-card nhsuk-card--warning app-medicine-flag"/, "the P3 flag (opioid without a laxative) is a warning callout");
      assert.match(text, /Important: Medication review Oramorph 10 mg\/5 ml contains morphine, an opioid, and there is no laxative on the list: add a laxative to avoid constipation \(P3\)\..*? Zapain 30\/500 contains codeine, an opioid, and there is no laxative on the list/);
      assert.match(text, /Paracetamol 1 g 1 g four times a day 23 November 2026 Same ingredient as another medicine: paracetamol \(check the total daily dose, below\) (Recognised as paracetamol: paracetamol )?(Stop Paracetamol 1 g )?Oramorph/);
    }
  });
});
