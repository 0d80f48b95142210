import assert from "node:assert/strict";
import { after, before, describe, test } from "node:test";
import { createTestApp, pageText, signIn, type SignedInAgent, type TestContext } from "../helpers/app.ts";

describe("administering wards", () => {
  let ctx: TestContext;
  let admin: SignedInAgent;
  let nurse: SignedInAgent;
  const wardCount = async () => Number((await ctx.db("wards").count({ n: "*" }))[0].n);
  const audits = (id: number) => ctx.db("audit_events").where({ entity: "ward", entity_id: id }).orderBy("id");
  const offered = async () => {
    const patient = await ctx.db("patients").first();
    const form = (await nurse.agent.get(`/patients/${patient.id}/episodes/new`)).text;
    return [.../<select[^>]*name="wardId"[\s\S]*?<\/select>/.exec(form)![0].matchAll(/<option value="\d+">([^<]+)<\/option>/g)].map((m) => m[1]);
  };

  before(async () => {
    ctx = await createTestApp();
    admin = await signIn(ctx.app, "admin");
    nurse = await signIn(ctx.app, "nurse");
  });
  after(() => ctx.close());

  test("admins see the wards with their inpatients, from the menu; others may not", async () => {
    const page = await admin.agent.get("/admin/wards");
    assert.equal(page.status, 200);
    assert.match(page.text, /<a class="nhsuk-header__navigation-link" href="\/admin\/wards">Wards<\/a>/);
    const text = pageText(page.text);
    const ward3 = await ctx.db("wards").where({ name: "Ward 3 (Spinal)" }).first();
    const inpatients = Number((await ctx.db("episodes").where({ ward_id: ward3.id }).whereNull("discharged_at").count({ n: "*" }))[0].n);
    assert.ok(inpatients >= 3);
    assert.match(text, new RegExp(`Ward 3 \\(Spinal\\) ward3@example\\.nhs\\.uk 0113 000 0003 ${inpatients} In use`));
    assert.match(text, /Ward 7 \(Orthopaedics\) ward7@example\.nhs\.uk 0113 000 0007 0 In use/);
    assert.equal((await nurse.agent.get("/admin/wards")).status, 403);
    assert.equal((await nurse.submit("/admin/wards", { name: "Nurse ward" })).status, 403);
  });

  test("a ward phone number with words in it is refused: it goes into patients' emails, which carry no clinical detail", async () => {
    const res = await admin.submit("/admin/wards", { name: "Ward 11", email: "", phone: "Catheter & bowel clinic 0113 000 0003" });
    assert.equal(res.status, 400);
    assert.match(pageText(res.text), /Enter the ward phone number as digits/);
    assert.equal(await ctx.db("wards").where({ name: "Ward 11" }).first(), undefined);
    assert.equal((await admin.submit("/admin/wards", { name: "Ward 11", email: "", phone: "0113 000 0011 ext 42" })).status, 303);
  });

  test("adding a ward stores it with an audit row; it is offered on the episode form", async () => {
    const res = await admin.submit("/admin/wards", { name: "  Ward 9   (Step-down) ", email: "ward9@example.nhs.uk", phone: "" });
    assert.equal(res.status, 303);
    const ward = await ctx.db("wards").where({ name: "Ward 9 (Step-down)" }).first();
    assert.ok(ward, "the name is stored trimmed, with single spaces");
    assert.equal(ward.retired_at, null);
    const [audit] = await audits(ward.id);
    assert.equal(audit.action, "add");
    assert.equal(JSON.parse(audit.after).name, "Ward 9 (Step-down)");
    assert.match(audit.actor_name, /Ada Admin/);
    assert.ok((await offered()).includes("Ward 9 (Step-down)"));
  });

  test("a name another ward has (ignoring case and spaces), or none, is refused with a field error and nothing stored", async () => {
    const before = await wardCount();
    const auditsBefore = Number((await ctx.db("audit_events").count({ n: "*" }))[0].n);
    const clash = await admin.submit("/admin/wards", { name: "ward 3  (spinal)" });
    assert.equal(clash.status, 400);
    assert.match(pageText(clash.text), /There is already a ward called "Ward 3 \(Spinal\)"/);
    assert.match(clash.text, /href="#name"/);
    const empty = await admin.submit("/admin/wards", { name: "  " });
    assert.equal(empty.status, 400);
    assert.match(pageText(empty.text), /Enter ward name/);
    const badEmail = await admin.submit("/admin/wards", { name: "Ward 10", email: "not an email" });
    assert.equal(badEmail.status, 400);
    assert.equal(await wardCount(), before);
    assert.equal(Number((await ctx.db("audit_events").count({ n: "*" }))[0].n), auditsBefore);
  });

  test("renaming a ward keeps its episodes on it under the new name (audited, before and after)", async () => {
    const ward = await ctx.db("wards").where({ name: "Ward 3 (Spinal)" }).first();
    const form = await admin.agent.get(`/admin/wards/${ward.id}/edit`);
    assert.match(form.text, /value="Ward 3 \(Spinal\)"/);
    assert.equal((await admin.submit(`/admin/wards/${ward.id}/edit`, { name: "Ward 7 (orthopaedics)", email: ward.email })).status, 400, "not onto another ward's name");
    const res = await admin.submit(`/admin/wards/${ward.id}/edit`, { name: "Ward 3 (Spinal Unit)", email: ward.email, phone: ward.phone });
    assert.equal(res.status, 303);
    const audit = (await audits(ward.id)).pop();
    assert.equal(audit.action, "rename");
    assert.equal(JSON.parse(audit.before).name, "Ward 3 (Spinal)");
    assert.equal(JSON.parse(audit.after).name, "Ward 3 (Spinal Unit)");
    const board = pageText((await nurse.agent.get(`/ward?ward=${encodeURIComponent("Ward 3 (Spinal Unit)")}`)).text);
    assert.match(board, /HUGHES, David/, "the demo inpatients follow their ward");
    const episode = await ctx.db("episodes").where({ ward_id: ward.id }).whereNull("discharged_at").orderBy("id").first();
    assert.match(pageText((await nurse.agent.get(`/episodes/${episode.id}`)).text), /Inpatient Ward 3 \(Spinal Unit\)/);
    assert.equal(episode.ward, "Ward 3 (Spinal)", "the name it was registered with stays in the record");
    assert.equal((await admin.submit(`/admin/wards/${ward.id}/edit`, { name: "Ward 3 (Spinal)", email: ward.email, phone: ward.phone })).status, 303);
  });

  test("retiring a ward: never deleted, no longer offered, still on the board while it has inpatients; it can be brought back", async () => {
    const ward = await ctx.db("wards").where({ name: "Ward 3 (Spinal)" }).first();
    assert.equal((await admin.submit(`/admin/wards/${ward.id}/retire`, { retire: "yes" })).status, 303);
    const retired = await ctx.db("wards").where({ id: ward.id }).first();
    assert.ok(retired.retired_at, "retired, not deleted");
    assert.match(pageText((await admin.agent.get("/admin/wards")).text), /Ward 3 \(Spinal\) .* Retired/);
    assert.ok(!(await offered()).includes("Ward 3 (Spinal)"));
    assert.match(pageText((await nurse.agent.get("/ward")).text), /Ward board: Ward 3 \(Spinal\)/, "its inpatients are still on the board");
    assert.equal((await admin.submit(`/admin/wards/${ward.id}/retire`, { retire: "yes" })).status, 303);
    assert.deepEqual((await audits(ward.id)).filter((a) => a.action === "retire").length, 1, "retiring twice records once");
    assert.equal((await admin.submit(`/admin/wards/${ward.id}/retire`, { retire: "no" })).status, 303);
    assert.equal((await ctx.db("wards").where({ id: ward.id }).first()).retired_at, null);
    assert.deepEqual((await audits(ward.id)).map((a) => a.action).slice(-2), ["retire", "reinstate"]);
    assert.ok((await offered()).includes("Ward 3 (Spinal)"));
    assert.equal((await admin.submit("/admin/wards/99999/retire", { retire: "yes" })).status, 404);
  });
});
