// Wall screens: a display link per ward, issued and revoked by an admin, showing that ward's board only.
import assert from "node:assert/strict";
import { after, before, describe, test } from "node:test";
import supertest from "supertest";
import { DEMO_WARD } from "../../seeds/02_patients.ts";
import { DEMO_DISPLAY_TOKEN } from "../../seeds/20_wall_display.ts";
import { hashToken } from "../../src/auth/api-tokens.ts";
import { wardBoard } from "../../src/ward/board.ts";
import { createTestApp, pageText, signIn, type SignedInAgent, type TestContext } from "../helpers/app.ts";
import { newEpisode } from "../ward/helpers.ts";

describe("wall screens", () => {
  let ctx: TestContext;
  let admin: SignedInAgent;
  let wardId: number;
  before(async () => {
    ctx = await createTestApp();
    admin = await signIn(ctx.app, "admin");
    wardId = (await ctx.db("wards").where({ name: DEMO_WARD }).first("id")).id;
    // An inpatient on another ward, who must never appear on the demo ward's screen.
    await newEpisode(ctx.db, { now: ctx.clock.now().toISOString(), ward: "Ward 9 (Elsewhere)", familyName: "Otherward", bed: "77" });
  });
  after(() => ctx.close());

  async function issue(form: Record<string, string>): Promise<string> {
    const res = await admin.submit("/admin/displays", { wardId: String(wardId), name: "Bay 1 screen", show: "names", theme: "light", ...form });
    assert.equal(res.status, 200, pageText(res.text).slice(0, 300));
    const link = /\/wall\/(wall_[A-Za-z0-9_-]+)/.exec(res.text);
    assert.ok(link, "the new link is shown once");
    return link[1];
  }

  test("an admin issues a link: shown once, kept only as a hash, audited", async () => {
    const token = await issue({ name: "Nurses' station" });
    const row = await ctx.db("ward_displays").where({ name: "Nurses' station" }).first();
    assert.equal(row.token_hash, hashToken(token));
    assert.ok(!JSON.stringify(row).includes(token), "the token itself is not stored");
    const audit = await ctx.db("audit_events").where({ entity: "ward-display", entity_id: row.id, action: "create" }).first();
    assert.ok(audit, "issuing is audited");
    const list = await admin.agent.get("/admin/displays");
    assert.doesNotMatch(list.text, new RegExp(token), "the list never shows the link again");
    assert.match(pageText(list.text), /Nurses' station .*Ward 3 \(Spinal\)/);
  });

  test("bad input is refused with the form's errors and stores nothing", async () => {
    const before = await ctx.db("ward_displays").count({ n: "*" });
    const res = await admin.submit("/admin/displays", { wardId: "999999", name: "", show: "everything", theme: "neon" });
    assert.equal(res.status, 400);
    assert.match(pageText(res.text), /There is a problem/);
    assert.deepEqual(await ctx.db("ward_displays").count({ n: "*" }), before);
  });

  test("the screen shows its ward's board rows, in the board's order, with names, status, next due time and time left", async () => {
    const token = await issue({ show: "names" });
    const res = await supertest(ctx.app).get(`/wall/${token}`);
    assert.equal(res.status, 200);
    assert.equal(res.headers["set-cookie"], undefined, "no session: the screen is nobody's sign-in");
    assert.doesNotMatch(res.text, /<form|<a /, "no forms and no links to anywhere");
    const text = pageText(res.text);
    const rows = await wardBoard(ctx.db, DEMO_WARD, ctx.clock.now().toISOString());
    assert.ok(rows.length >= 3);
    let at = 0;
    for (const row of rows) {
      const found = text.indexOf(row.patientName, at);
      assert.ok(found > at, `${row.patientName} is on the screen, after the row above it`);
      at = found;
    }
    const first = rows.find((r) => r.due?.at)!;
    assert.match(text, new RegExp(first.due!.text.replace(/[()]/g, "\\$&")));
    assert.match(text, /TWOC (in progress|failed|passed|not started)|Clinical review/);
    assert.doesNotMatch(text, /Otherward/, "no patient of another ward");
    assert.match(res.text, /data-rendered-at="2026-11-24T10:00:00.000Z"/, "the page carries when it was made, for the stale-screen warning");
  });

  test("initials mode shows initials and bed only: no NHS number, no family or given name", async () => {
    const res = await supertest(ctx.app).get(`/wall/${DEMO_DISPLAY_TOKEN}`);
    assert.equal(res.status, 200);
    const inpatients = await ctx.db("episodes").join("patients", "patients.id", "episodes.patient_id").where({ ward_id: wardId }).whereNull("discharged_at").select("patients.*", "episodes.bed");
    assert.ok(inpatients.length >= 3);
    for (const p of inpatients) {
      assert.ok(!res.text.includes(p.family_name) && !res.text.toUpperCase().includes(String(p.family_name).toUpperCase()), `no family name ${p.family_name}`);
      assert.ok(!new RegExp(`\\b${p.given_name}\\b`).test(res.text), `no given name ${p.given_name}`);
      const nhs = String(p.nhs_number);
      assert.ok(!res.text.includes(nhs) && !res.text.includes(`${nhs.slice(0, 3)} ${nhs.slice(3, 6)} ${nhs.slice(6)}`), "no NHS number");
      assert.match(pageText(res.text), new RegExp(`${p.bed} ${p.given_name[0]} ${p.family_name[0]}`), "bed and initials");
    }
    assert.doesNotMatch(res.text, /\b\d{3} \d{3} \d{4}\b|\b\d{10}\b/, "nothing shaped like an NHS number");
  });

  test("a revoked link shows nothing from its next refresh; revoking is audited", async () => {
    const token = await issue({ name: "To revoke" });
    assert.equal((await supertest(ctx.app).get(`/wall/${token}`)).status, 200);
    const row = await ctx.db("ward_displays").where({ name: "To revoke" }).first("id");
    const revoked = await admin.submit(`/admin/displays/${row.id}/revoke`, {});
    assert.equal(revoked.status, 303);
    const res = await supertest(ctx.app).get(`/wall/${token}`).set("ces-auto-refresh", "1");
    assert.equal(res.status, 404);
    assert.match(pageText(res.text), /This screen's link is not active/);
    assert.doesNotMatch(res.text, /<table|TWOC|Bed|Ward 3/, "no ward, no rows");
    assert.ok(await ctx.db("audit_events").where({ entity: "ward-display", entity_id: row.id, action: "revoke" }).first());
    for (const bad of ["wall_not-a-real-token", "x".repeat(500)]) assert.equal((await supertest(ctx.app).get(`/wall/${bad}`)).status, 404);
  });

  test("nurses and clinicians cannot issue or revoke links", async () => {
    const nurse = await signIn(ctx.app, "nurse");
    assert.equal((await nurse.agent.get("/admin/displays")).status, 403);
    assert.equal((await nurse.submit("/admin/displays", { wardId: String(wardId), name: "x", show: "names", theme: "light" })).status, 403);
  });
});
