// A half-filled form posted after the session timed out is kept, not saved, and not lost.
import assert from "node:assert/strict";
import { after, before, describe, test } from "node:test";
import supertest from "supertest";
import { DEMO_SIGN_INS } from "../../seeds/01_users.ts";
import type { App } from "../../src/app.ts";
import { createTestApp, csrfFrom, hiddenFields, pageText, signIn, TestClock, type TestContext } from "../helpers/app.ts";
import { newEpisode } from "../ward/helpers.ts";

const nurse = DEMO_SIGN_INS.find((u) => u.role === "nurse")!;
const clinician = DEMO_SIGN_INS.find((u) => u.role === "clinician")!;

describe("a form sent after the session timed out", () => {
  let ctx: TestContext;
  let app: App;
  let episodeId: number;
  const wall = new TestClock(new Date().toISOString());
  before(async () => {
    // The idle limit is 30 minutes (the default).
    ctx = await createTestApp({ sessionClock: wall.now });
    app = ctx.app;
    episodeId = (await newEpisode(ctx.db, { now: ctx.clock.now().toISOString(), familyName: "Keptform" })).id;
  });
  after(() => ctx.close());

  const scanPath = () => `/episodes/${episodeId}/bladder/record/scan`;
  const events = async () => Number((await ctx.db("bladder_events").where({ episode_id: episodeId }).count({ n: "*" }))[0].n);
  const typed = { when: "now", phase: "pre-void", volumeMl: "437", sensationToVoid: "yes" };

  /** A nurse opens the scan form, types a scan, and leaves it 31 minutes before pressing save. */
  async function scanSentAfterTimeout(username = nurse.username) {
    const { agent } = await signIn(app, "nurse");
    const form = await agent.get(scanPath());
    assert.equal(form.status, 200);
    wall.advance(31 * 60_000);
    const sent = await agent.post(scanPath()).type("form").send({ ...hiddenFields(form.text, scanPath()), ...typed }).redirects(0);
    return { agent, sent, username };
  }

  test("it asks the nurse to sign in to save it, saves nothing, and keeps the values on the server, not in the address", async () => {
    const before = await events();
    const { sent } = await scanSentAfterTimeout();
    assert.equal(sent.status, 401);
    const text = pageText(sent.text);
    assert.match(text, /You were signed out/);
    assert.match(text, /Sign in to save this/);
    assert.doesNotMatch(text, /You do not have access|form has expired/);
    assert.match(sent.text, new RegExp(`name="returnTo" value="${scanPath()}"`), "sign-in comes back to the form, by its address alone");
    // Whole values only: the page's random form tokens may contain the digits 437 by chance.
    assert.doesNotMatch(sent.text, /(value="|[=/?&])437\b/, "the typed values are not put in the page or an address");
    assert.equal(await events(), before, "nothing saved from the expired post");
    const kept = await ctx.db("sessions").whereNull("user_id").select("data");
    assert.ok(kept.some((r) => JSON.parse(r.data).keptForm?.fields.volumeMl === "437"), "kept with the signed-out session, on the server");
  });

  test("after sign-in the form comes back filled, nothing is saved until it is sent again, and then it is saved once at the time first sent", async () => {
    const before = await events();
    const postedAt = ctx.clock.now().toISOString();
    const { agent, sent } = await scanSentAfterTimeout();
    const signedIn = await agent.post("/sign-in").type("form").send({ _csrf: csrfFrom(sent.text), username: nurse.username, password: nurse.password, returnTo: scanPath() }).redirects(0);
    assert.equal(signedIn.status, 303);
    assert.equal(signedIn.headers.location, scanPath());
    const form = await agent.get(scanPath());
    assert.equal(form.status, 200);
    assert.match(pageText(form.text), /Not saved yet .*This is what you typed before you were signed out\. Nothing has been saved/);
    assert.match(form.text, /name="volumeMl"[^>]*value="437"/);
    assert.match(form.text, /value="pre-void"[^>]*checked/);
    assert.match(form.text, /value="earlier"[^>]*checked/, "Now comes back as Earlier, at the moment it was first sent");
    assert.equal(await events(), before, "still nothing saved");

    const again = await agent.get(scanPath());
    assert.doesNotMatch(again.text, /value="437"/, "the kept values are shown once");

    const saved = await agent.post(scanPath()).type("form").send(Object.fromEntries(formFields(form.text))).redirects(0);
    assert.equal(saved.status, 303, pageText(saved.text).slice(0, 400));
    assert.equal(await events(), before + 1);
    const row = await ctx.db("bladder_events").where({ episode_id: episodeId }).orderBy("id", "desc").first();
    assert.equal(row.volume_ml, 437);
    assert.equal(new Date(row.at).toISOString(), new Date(Math.floor(Date.parse(postedAt) / 60_000) * 60_000).toISOString());
  });

  test("pressing Sign out after the session timed out goes to the sign-in page", async () => {
    const { agent, csrf } = await signIn(app, "nurse");
    await agent.get("/ward");
    wall.advance(31 * 60_000);
    const res = await agent.post("/sign-out").type("form").send({ _csrf: csrf }).redirects(0);
    assert.equal(res.status, 303);
    assert.equal(res.headers.location, "/sign-in");
  });

  test("someone else signing in on that computer does not get the values", async () => {
    const { agent, sent } = await scanSentAfterTimeout();
    const signedIn = await agent.post("/sign-in").type("form").send({ _csrf: csrfFrom(sent.text), username: clinician.username, password: clinician.password, returnTo: scanPath() }).redirects(0);
    assert.equal(signedIn.status, 303);
    const form = await agent.get(scanPath());
    assert.doesNotMatch(form.text, /value="437"/);
    assert.doesNotMatch(pageText(form.text), /before you were signed out/);
  });

  test("a post whose token is not the ended session's, or after signing out, is refused as before and keeps nothing", async () => {
    const keptForms = async () => (await ctx.db("sessions").select("data")).filter((r) => JSON.parse(r.data).keptForm).length;
    const keptBefore = await keptForms();
    const { agent } = await signIn(app, "nurse");
    const form = await agent.get(scanPath());
    wall.advance(31 * 60_000);
    const forged = await agent.post(scanPath()).type("form").send({ ...hiddenFields(form.text, scanPath()), _csrf: "not-the-token", ...typed }).redirects(0);
    assert.equal(forged.status, 403);
    assert.match(pageText(forged.text), /form has expired/);

    const other = await signIn(app, "nurse");
    const page = await other.agent.get(scanPath());
    await other.agent.post("/sign-out").type("form").send({ _csrf: other.csrf }).redirects(0);
    const afterSignOut = await other.agent.post(scanPath()).type("form").send({ ...hiddenFields(page.text, scanPath()), ...typed }).redirects(0);
    assert.equal(afterSignOut.status, 403, "signing out on purpose ends the session: its forms are not kept");
    const cookieless = await supertest(app).post(scanPath()).type("form").send({ ...hiddenFields(page.text, scanPath()), ...typed }).redirects(0);
    assert.equal(cookieless.status, 403, "without this browser's cookie nothing is recognised");
    assert.equal(await keptForms(), keptBefore, "none of these kept anything");
  });
});

/** Every field a browser would send from the page's record form, as shown. */
function formFields(html: string): [string, string][] {
  const form = [...html.matchAll(/<form[\s\S]*?<\/form>/g)].map((m) => m[0]).find((f) => /action="\/episodes\/\d+\/bladder\/record\//.test(f))!;
  const fields: [string, string][] = [];
  for (const m of form.matchAll(/<input[^>]*>/g)) {
    const tag = m[0];
    const name = /name="([^"]+)"/.exec(tag)?.[1];
    const value = /value="([^"]*)"/.exec(tag)?.[1] ?? "";
    if (!name) continue;
    if (/type="(radio|checkbox)"/.test(tag) && !/\schecked/.test(tag)) continue;
    fields.push([name, value.replace(/&#x3D;/g, "=").replace(/&amp;/g, "&")]);
  }
  return fields;
}
