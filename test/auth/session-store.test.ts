import assert from "node:assert/strict";
import { after, before, describe, test } from "node:test";
import { DbSessionStore } from "../../src/auth/session-store.ts";
import { createTestApp, signIn, type TestContext } from "../helpers/app.ts";

describe("the session store", () => {
  let ctx: TestContext;
  before(async () => {
    ctx = await createTestApp();
  });
  after(() => ctx.close());

  test("a signed-in page reads the session and its user in one query, and writes nothing", async () => {
    const user = await signIn(ctx.app, "clinician");
    await user.agent.get("/patients/new"); // the CSRF token is in the session by now
    const queries: string[] = [];
    const record = (q: { sql: string }) => queries.push(q.sql);
    ctx.db.on("query", record);
    try {
      const page = await user.agent.get("/patients/new");
      assert.equal(page.status, 200);
    } finally {
      ctx.db.off("query", record);
    }
    assert.equal(queries.length, 1, queries.join("\n"));
    assert.match(queries[0], /from [`"]sessions[`"] left join [`"]users[`"]/);
  });

  test("the user read with the session is current: a role or name changed elsewhere shows on the next page", async () => {
    const user = await signIn(ctx.app, "admin");
    assert.equal((await user.agent.get("/admin/users").redirects(0)).status, 200);
    const admin = await ctx.db("users").where({ username: "admin" }).first("id", "role", "display_name");
    await ctx.db("users").where({ id: admin.id }).update({ display_name: "Renamed Elsewhere" });
    try {
      const page = await user.agent.get("/admin/users").redirects(0);
      assert.match(page.text, /Renamed Elsewhere/);
      await ctx.db("users").where({ id: admin.id }).update({ role: "nurse" });
      assert.equal((await user.agent.get("/admin/users").redirects(0)).status, 403, "the admin page is refused once the role is nurse");
    } finally {
      await ctx.db("users").where({ id: admin.id }).update({ role: admin.role, display_name: admin.display_name });
    }
  });

  test("a user disabled in the table is signed out at the next request, even with the session row still there", async () => {
    const user = await signIn(ctx.app, "admin");
    const admin = await ctx.db("users").where({ username: "admin" }).first("id", "display_name");
    await ctx.db("users").where({ id: admin.id }).update({ disabled_at: new Date().toISOString() });
    try {
      const res = await user.agent.get("/admin/users").redirects(0);
      assert.equal(res.status, 303);
      assert.match(res.headers.location, /^\/sign-in/);
    } finally {
      await ctx.db("users").where({ id: admin.id }).update({ disabled_at: null });
    }
  });

  test("the user read with a session is never stored in the session row", async () => {
    const store = new DbSessionStore(ctx.db);
    const clinician = await ctx.db("users").where({ username: "clinician" }).first("id");
    const cookie = { originalMaxAge: 60_000, expires: new Date(Date.now() + 60_000) };
    await new Promise<void>((resolve, reject) => store.set("sid-1", { cookie, userId: clinician.id } as never, (err) => (err ? reject(err) : resolve())));
    const read = await new Promise<Record<string, unknown>>((resolve, reject) => store.get("sid-1", (err, data) => (err ? reject(err) : resolve(data as never))));
    assert.equal((read.signedInUser as { id: number }).id, clinician.id);
    await new Promise<void>((resolve, reject) => store.set("sid-1", read as never, (err) => (err ? reject(err) : resolve())));
    const row = await ctx.db("sessions").where({ sid: "sid-1" }).first("data");
    assert.equal(JSON.parse(row.data).signedInUser, undefined);
    assert.equal(JSON.parse(row.data).userId, clinician.id);
  });

  test("a session whose user row is gone has no user", async () => {
    const store = new DbSessionStore(ctx.db);
    const cookie = { originalMaxAge: 60_000, expires: new Date(Date.now() + 60_000) };
    await new Promise<void>((resolve, reject) => store.set("sid-2", { cookie, userId: 999_999 } as never, (err) => (err ? reject(err) : resolve())));
    const read = await new Promise<Record<string, unknown>>((resolve, reject) => store.get("sid-2", (err, data) => (err ? reject(err) : resolve(data as never))));
    assert.equal(read.signedInUser, null);
  });
});
