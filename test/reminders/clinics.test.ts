import assert from "node:assert/strict";
import { after, before, describe, it } from "node:test";
import { createTestApp, pageText, signIn, type TestContext } from "../helpers/app.ts";

describe("clinics (admins): where appointments happen, with the address and number given to patients", () => {
  let ctx: TestContext;
  before(async () => {
    ctx = await createTestApp({ now: "2026-11-24T10:00:00Z" });
  });
  after(() => ctx.close());

  it("an admin adds and corrects a clinic (audited); a bad number or a second clinic of the same name is refused; nurses may not", async () => {
    const admin = await signIn(ctx.app, "admin");
    const bad = await admin.submit("/admin/clinics", { name: "Spine clinic 2", address: "Outpatients C", phone: "call reception" });
    assert.equal(bad.status, 400);
    assert.match(pageText(bad.text), /There is a problem.*Enter the clinic phone number as digits/);
    assert.equal(await ctx.db("clinics").where({ name: "Spine clinic 2" }).first(), undefined);
    const clinical = await admin.submit("/admin/clinics", { name: "Neurosurgery outpatients", address: "Spinal Injuries Unit", phone: "" });
    assert.equal(clinical.status, 400);
    assert.match(pageText(clinical.text), /The clinic name is given to patients in their reminders, which must not name anything clinical: leave out "Neurosurgery".*The address is given to patients .*leave out "Injuries"/);
    assert.equal(await ctx.db("clinics").where({ name: "Neurosurgery outpatients" }).first(), undefined);
    const clash = await admin.submit("/admin/clinics", { name: "  spinal   OUTPATIENTS ", address: "", phone: "" });
    assert.equal(clash.status, 400, "the demo clinic has this name");
    assert.match(pageText(clash.text), /There is already a clinic called "Spinal outpatients"/);
    const ok = await admin.submit("/admin/clinics", { name: "Spine clinic 2", address: "Outpatients C, Pinderfields Hospital", phone: "01924 000 200" });
    assert.equal(ok.status, 303);
    const row = await ctx.db("clinics").where({ name: "Spine clinic 2" }).first();
    assert.match(pageText((await admin.agent.get("/admin/clinics")).text), /Spine clinic 2 Outpatients C, Pinderfields Hospital 01924 000 200/);
    const edited = await admin.submit(`/admin/clinics/${row.id}/edit`, { name: "Spine clinic 2", address: "Outpatients D", phone: "01924 000 201" });
    assert.equal(edited.status, 303);
    const audits = await ctx.db("audit_events").where({ entity: "clinic", entity_id: row.id }).orderBy("id");
    assert.deepEqual(audits.map((a) => a.action), ["add", "correct"]);
    assert.match(audits[1].before, /01924 000 200/);
    const nurse = await signIn(ctx.app, "nurse");
    assert.equal((await nurse.agent.get("/admin/clinics")).status, 403);
  });
});
