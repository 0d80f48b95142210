/**
 * Several admins changing the referral form's layout at the same moment. Each change reads and
 * writes the layout under one lock, so it applies on top of the one before: no duplicate section
 * names, no lost change, no deadlock, and the audit rows chain exactly to what is stored. On
 * SQLite this runs on a database file, as the app does (several connections), not in memory.
 */
import assert from "node:assert/strict";
import { after, before, describe, test } from "node:test";
import { createTestApp, pageText, signIn, type SignedInAgent, type TestContext } from "../helpers/app.ts";
import { SYSTEM_ACTOR } from "../../src/audit/audit.ts";
import { ConflictError } from "../../src/errors.ts";
import { placeFields } from "../../src/letters/referral-form.ts";
import { PACK_FIELD_KEYS, type PackFieldKey } from "../../src/letters/referral-pack.ts";

const NOW = "2026-11-24T10:00:00Z";

interface Row {
  id: number;
  name: string;
  fields: string;
}

describe("admins changing the referral form's layout at the same moment", () => {
  let ctx: TestContext;
  let admins: SignedInAgent[];

  before(async () => {
    ctx = await createTestApp({ now: NOW, sqliteFile: true });
    admins = [];
    for (let i = 0; i < 3; i++) admins.push(await signIn(ctx.app, "admin"));
  });
  after(() => ctx.close());

  const rows = async (): Promise<Row[]> => ctx.db("referral_form_sections").orderBy("position");
  const stored = async () => (await rows()).map((r) => ({ name: r.name, packFields: JSON.parse(r.fields) as string[] }));
  const idOf = async (name: string) => (await rows()).find((r) => r.name === name)!.id;
  const audits = async () => (await ctx.db("audit_events").where({ entity: "referral-form" }).orderBy("id")).map((a) => ({ action: a.action as string, before: JSON.parse(a.before), after: JSON.parse(a.after) }));
  /** The fields form as the page would post it now, with `moves` (field key -> section id or "none") applied. */
  const placementForm = async (moves: Record<string, string | number> = {}) => {
    const form: Record<string, string> = {};
    for (const key of PACK_FIELD_KEYS) form[`field-${key}`] = "none";
    for (const r of await rows()) for (const key of JSON.parse(r.fields)) form[`field-${key}`] = String(r.id);
    for (const [key, target] of Object.entries(moves)) form[`field-${key}`] = String(target);
    return form;
  };
  const admin = (i: number) => admins[i % admins.length];
  const describeAll = (responses: { status: number; text: string }[]) => JSON.stringify(responses.map((r) => ({ status: r.status, title: /<title>([^<]*)<\/title>/.exec(r.text)?.[1] })));

  /** Every audit row starts from what the one before it left, and the last one is what is stored. */
  const assertAuditsChain = async () => {
    const trail = await audits();
    for (let i = 1; i < trail.length; i++) assert.deepEqual(trail[i].before, trail[i - 1].after, `audit ${i + 1} (${trail[i].action}) starts from what audit ${i} (${trail[i - 1].action}) stored`);
    if (trail.length) assert.deepEqual(trail[trail.length - 1].after.sections, await stored(), "the last audit row is the layout stored");
  };
  const assertEachFieldAtMostOnce = async () => {
    const placed = (await stored()).flatMap((s) => s.packFields);
    assert.equal(new Set(placed).size, placed.length, `no field in two sections: ${placed.join(", ")}`);
  };

  test("ten adds of the same name at once: one section is added; the other nine are refused (400) naming the clash", async () => {
    const names = ["Consent", "consent", "  CONSENT ", "Consent", "consent  ", "Consent", "CONSENT", " Consent", "consent", "Consent"];
    const responses = await Promise.all(names.map((name, i) => admin(i).submit("/admin/referral-form/sections", { name })));
    const statuses = responses.map((r) => r.status).sort();
    assert.deepEqual(statuses, [303, 400, 400, 400, 400, 400, 400, 400, 400, 400], describeAll(responses));
    for (const refused of responses.filter((r) => r.status === 400)) {
      const text = pageText(refused.text);
      assert.match(text, /There is a problem/);
      assert.match(text, /There is already a section called "(Consent|consent|CONSENT)": choose another name/);
    }
    const consent = (await rows()).filter((r) => r.name.trim().toLowerCase() === "consent");
    assert.equal(consent.length, 1, JSON.stringify(consent));
    assert.equal((await audits()).filter((a) => a.action === "add-section").length, 1, "one audit row, for the one section added");
    await assertAuditsChain();
  });

  test("a rename and a field move at once: both are in the final layout, and each audit row says what it stored", async () => {
    const pairs: [string, string, string, string][] = [
      // section renamed, its new name, field moved, the section it moves to
      ["Bowel", "Bowel care", "level", "Patient details"],
      ["Bladder", "Bladder care", "gp-email", "Bowel care"],
      ["GP details", "GP and practice", "sex", "Bladder care"],
      ["Patient details", "The patient", "level", "GP and practice"],
    ];
    for (const [from, to, field, target] of pairs) {
      const renamed = await idOf(from);
      const form = await placementForm({ [field]: await idOf(target) });
      const responses = await Promise.all([admin(0).submit(`/admin/referral-form/sections/${renamed}`, { name: to }), admin(1).submit("/admin/referral-form/fields", form)]);
      assert.deepEqual(responses.map((r) => r.status), [303, 303], describeAll(responses));
      const layout = await stored();
      assert.ok(layout.some((s) => s.name === to), `"${from}" is now called "${to}"`);
      assert.ok(!layout.some((s) => s.name === from), `no section is still called "${from}"`);
      assert.ok(layout.find((s) => s.name === target)!.packFields.includes(field), `"${field}" is in "${target}": ${JSON.stringify(layout)}`);
      await assertEachFieldAtMostOnce();
      await assertAuditsChain();
    }
  });

  test("a burst of moves, removes and field placements: no error page, each field in at most one section, the audit rows chain to what is stored", async () => {
    await admin(0).submit("/admin/referral-form/sections", { name: "Extra one" });
    await admin(0).submit("/admin/referral-form/sections", { name: "Extra two" });
    const layout = await rows();
    const ids = layout.map((r) => r.id);
    const [extraOne, extraTwo] = [await idOf("Extra one"), await idOf("Extra two")];
    const posts: [string, Record<string, string>][] = [
      [`/admin/referral-form/sections/${ids[2]}/move`, { direction: "up" }],
      [`/admin/referral-form/sections/${ids[5]}/move`, { direction: "down" }],
      ["/admin/referral-form/fields", await placementForm({ "nhs-number": extraOne, "gp-practice": extraTwo })],
      [`/admin/referral-form/sections/${extraOne}/remove`, {}],
      [`/admin/referral-form/sections/${ids[7]}/move`, { direction: "up" }],
      ["/admin/referral-form/fields", await placementForm({ "family-name": extraTwo, level: ids[0] })],
      [`/admin/referral-form/sections/${ids[3]}/move`, { direction: "down" }],
      [`/admin/referral-form/sections/${extraTwo}/remove`, {}],
      ["/admin/referral-form/fields", await placementForm({ "given-name": ids[4], sex: extraOne })],
      [`/admin/referral-form/sections/${ids[1]}/move`, { direction: "down" }],
      [`/admin/referral-form/sections/${ids[6]}/remove`, {}],
      ["/admin/referral-form/fields", await placementForm({ "date-of-birth": ids[6] })],
    ];
    const auditsBefore = (await audits()).length;
    const responses = await Promise.all(posts.map(([url, form], i) => admin(i).submit(url, form)));
    assert.ok(
      responses.every((r) => [303, 400, 404].includes(r.status)),
      describeAll(responses),
    );
    for (const refused of responses.filter((r) => r.status === 400)) assert.match(pageText(refused.text), /There is a problem/);
    assert.ok((await audits()).length > auditsBefore, "changes were stored");
    await assertEachFieldAtMostOnce();
    await assertAuditsChain();
    const names = (await stored()).map((s) => s.name);
    assert.ok(!names.includes("Extra one") && !names.includes("Extra two"), "both removed sections are gone");
  });

  test("fields placed in a section removed after the page was read: refused naming the field, nothing stored", async () => {
    const layout = JSON.stringify(await rows());
    const auditsBefore = (await audits()).length;
    const first = (await rows())[0].id;
    const placement = new Map<PackFieldKey, number | null>(PACK_FIELD_KEYS.map((k) => [k, first]));
    placement.set("level", 999999);
    await assert.rejects(placeFields(ctx.db, SYSTEM_ACTOR, placement, NOW), (err: unknown) => {
      assert.ok(err instanceof ConflictError);
      assert.equal(err.field, "field-level");
      assert.match(err.message, /The section chosen for "Level" has been removed since the page was shown: choose its form section again/);
      return true;
    });
    assert.equal(JSON.stringify(await rows()), layout);
    assert.equal((await audits()).length, auditsBefore);
  });
});
