import assert from "node:assert/strict";
import { execFile } from "node:child_process";
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { after, before, describe, test } from "node:test";
import { promisify } from "node:util";
import supertest from "supertest";
import { createApp } from "../../src/app.ts";
import { hashToken } from "../../src/auth/api-tokens.ts";
import { loadConfig } from "../../src/config.ts";
import { createDb } from "../../src/db/knex.ts";
import { EpisodePanels } from "../../src/patients/episode-panels.ts";
import { createTestApp, csrfFrom, pageText, signIn, type SignedInAgent, type TestContext } from "../helpers/app.ts";

const run = promisify(execFile);

/** Signs in with a username and password; returns the agent, or the failed response's status. */
async function signInWith(ctx: TestContext, username: string, password: string) {
  const agent = supertest.agent(ctx.app);
  const page = await agent.get("/sign-in");
  const res = await agent.post("/sign-in").type("form").send({ _csrf: csrfFrom(page.text), username, password }).redirects(0);
  return { agent, status: res.status };
}

describe("administering users", () => {
  let ctx: TestContext;
  let admin: SignedInAgent;
  before(async () => {
    ctx = await createTestApp();
    admin = await signIn(ctx.app, "admin");
  });
  after(() => ctx.close());

  const newUser = { username: "sam.sister", displayName: "Sam Sister", role: "nurse", email: "sam@example.nhs.uk", password: "a-long-temporary-pass" };

  test("an empty or wrong form re-renders with each problem (400) and stores nothing", async () => {
    const count = async () => Number((await ctx.db("users").count({ n: "*" }))[0].n);
    const before = await count();
    const empty = await admin.submit("/admin/users", {});
    assert.equal(empty.status, 400);
    const text = pageText(empty.text);
    assert.match(text, /There is a problem/);
    for (const message of [/Enter username/, /Enter full name/, /Select role/, /Enter password/]) assert.match(text, message);

    const wrong = await admin.submit("/admin/users", { ...newUser, username: "sam sister!", role: "superuser", email: "not-an-email", password: "short" });
    assert.equal(wrong.status, 400);
    const wrongText = pageText(wrong.text);
    assert.match(wrongText, /Username can only contain letters, numbers, dots, dashes and underscores/);
    assert.match(wrongText, /Role must be one of: nurse, clinician, admin/);
    assert.match(wrongText, /Enter email address in the right format/);
    assert.match(wrongText, /Password must be at least 12 characters/);
    assert.match(wrong.text, /value="Sam Sister"/, "typed values are kept");
    assert.doesNotMatch(wrong.text, /value="short"/, "the password is not sent back");
    assert.equal(await count(), before);
  });

  test("a new user is created, audited, and can sign in; the same username again (any case) is refused", async () => {
    const res = await admin.submit("/admin/users", newUser);
    assert.equal(res.status, 303);
    const list = await admin.agent.get(res.headers.location);
    assert.match(pageText(list.text), /User sam\.sister created/);
    assert.match(pageText(list.text), /sam\.sister Sam Sister nurse Active/);
    const row = await ctx.db("users").where({ username: "sam.sister" }).first();
    assert.match(row.password_hash, /^\$argon2id\$/, "passwords are hashed with argon2id");
    const audit = await ctx.db("audit_events").where({ entity: "user", entity_id: row.id, action: "create" });
    assert.equal(audit.length, 1);
    assert.doesNotMatch(String(audit[0].after), /a-long-temporary-pass/, "the password is not in the audit trail");
    assert.equal((await signInWith(ctx, "sam.sister", newUser.password)).status, 303);

    const again = await admin.submit("/admin/users", { ...newUser, username: "Sam.Sister" });
    assert.equal(again.status, 400);
    assert.match(pageText(again.text), /That username is already taken/);
  });

  test("resetting a password: the old one stops working and the user's sessions are signed out", async () => {
    const sam = await signInWith(ctx, "sam.sister", newUser.password);
    assert.equal((await sam.agent.get("/patients").redirects(0)).status, 200);
    const id = (await ctx.db("users").where({ username: "sam.sister" }).first()).id;

    const form = await admin.agent.get(`/admin/users/${id}/password`);
    assert.match(pageText(form.text), /Reset password for sam\.sister/);
    const short = await admin.submit(`/admin/users/${id}/password`, { password: "too-short" });
    assert.equal(short.status, 400);
    assert.match(pageText(short.text), /Password must be at least 12 characters/);
    assert.equal((await signInWith(ctx, "sam.sister", newUser.password)).status, 303, "a refused reset changes nothing");

    const reset = await admin.submit(`/admin/users/${id}/password`, { password: "a-brand-new-password" });
    assert.equal(reset.status, 303);
    const signedOut = await sam.agent.get("/patients").redirects(0);
    assert.equal(signedOut.status, 303, "the session from before the reset is gone");
    assert.match(signedOut.headers.location, /^\/sign-in/);
    assert.equal((await signInWith(ctx, "sam.sister", newUser.password)).status, 401, "the old password no longer works");
    assert.equal((await signInWith(ctx, "sam.sister", "a-brand-new-password")).status, 303);
    assert.equal((await admin.agent.get("/admin/users/999999/password")).status, 404);
  });

  test("disabling signs the user out and stops sign-in; enabling lets them back", async () => {
    const sam = await signInWith(ctx, "sam.sister", "a-brand-new-password");
    const id = (await ctx.db("users").where({ username: "sam.sister" }).first()).id;
    const res = await admin.submit(`/admin/users/${id}/disable`, { disable: "yes" });
    assert.equal(res.status, 303);
    assert.match(pageText((await admin.agent.get("/admin/users")).text), /sam\.sister Sam Sister nurse Disabled/);
    assert.equal((await sam.agent.get("/patients").redirects(0)).status, 303, "signed out at once");
    assert.equal((await signInWith(ctx, "sam.sister", "a-brand-new-password")).status, 401);

    assert.equal((await admin.submit(`/admin/users/${id}/disable`, { disable: "no" })).status, 303);
    assert.equal((await signInWith(ctx, "sam.sister", "a-brand-new-password")).status, 303);
    const actions = (await ctx.db("audit_events").where({ entity: "user", entity_id: id }).whereNot({ action: "sign-in" }).orderBy("id")).map((r) => r.action);
    assert.deepEqual(actions, ["create", "reset-password", "disable", "enable"]);
  });

  test("an admin cannot disable their own account", async () => {
    const me = (await ctx.db("users").where({ username: "admin" }).first()).id;
    const res = await admin.submit(`/admin/users/${me}/disable`, { disable: "yes" });
    assert.equal(res.status, 400);
    assert.match(pageText(res.text), /There is a problem You cannot disable your own account/);
    assert.match(res.text, new RegExp(`href="#disable-${me}"`), "the error summary links to the button");
    assert.match(pageText(res.text), /Users .*Username/, "shown on the users page");
    assert.equal((await ctx.db("users").where({ id: me }).first()).disabled_at, null);
    assert.equal((await admin.agent.get("/admin/users").redirects(0)).status, 200, "still signed in");
  });

  test("nurses and clinicians cannot use the admin pages (403)", async () => {
    for (const role of ["nurse", "clinician"] as const) {
      const user = await signIn(ctx.app, role);
      for (const url of ["/admin/users", "/admin/users/new", "/admin/api-tokens"]) {
        const res = await user.agent.get(url).redirects(0);
        assert.equal(res.status, 403, `${role} ${url}`);
        assert.match(pageText(res.text), /You do not have access/);
      }
      const create = await user.submit("/admin/users", { ...newUser, username: `sneaky-${role}` });
      assert.equal(create.status, 403);
      assert.equal(await ctx.db("users").where({ username: `sneaky-${role}` }).first(), undefined);
    }
  });
});

describe("API tokens", () => {
  let ctx: TestContext;
  let admin: SignedInAgent;
  before(async () => {
    ctx = await createTestApp();
    admin = await signIn(ctx.app, "admin");
  });
  after(() => ctx.close());

  test("the token page shows a new token once, stores only its hash, and the token works until revoked", async () => {
    const invalid = await admin.submit("/admin/api-tokens", { name: "", role: "root" });
    assert.equal(invalid.status, 400);
    assert.match(pageText(invalid.text), /Enter token name/);
    assert.match(pageText(invalid.text), /Role must be one of/);
    assert.equal(Number((await ctx.db("api_tokens").count({ n: "*" }))[0].n), 0);

    const res = await admin.submit("/admin/api-tokens", { name: "PAS feed", role: "clinician" });
    assert.equal(res.status, 200);
    const token = /<code>(ces_[A-Za-z0-9_-]+)<\/code>/.exec(res.text)?.[1];
    assert.ok(token, "the new token is shown");
    assert.match(pageText(res.text), /Copy it now: it is shown only once/);

    const row = await ctx.db("api_tokens").where({ name: "PAS feed" }).first();
    assert.equal(row.token_hash, hashToken(token));
    for (const table of ["api_tokens", "audit_events"]) {
      const dump = JSON.stringify(await ctx.db(table).select());
      assert.ok(!dump.includes(token), `the token itself is not stored in ${table}`);
    }
    const later = await admin.agent.get("/admin/api-tokens");
    assert.ok(!later.text.includes(token), "the token is not shown again");
    assert.match(pageText(later.text), /PAS feed clinician/);

    const api = (t: string) => supertest(ctx.app).post("/api/v1/patients").set("authorization", `Bearer ${t}`).send({});
    assert.equal((await api(token)).status, 400, "the token is accepted (the empty body is not)");
    const revoke = await admin.submit(`/admin/api-tokens/${row.id}/revoke`, {});
    assert.equal(revoke.status, 303);
    assert.equal((await api(token)).status, 401, "a revoked token is refused");
    assert.match(pageText((await admin.agent.get("/admin/api-tokens")).text), /PAS feed clinician .* Revoked/);

    const revokeAudits = () => ctx.db("audit_events").where({ entity: "api-token", action: "revoke" }).count({ n: "*" }).then((r) => Number(r[0].n));
    assert.equal(await revokeAudits(), 1);
    const again = await admin.submit(`/admin/api-tokens/${row.id}/revoke`, {});
    assert.equal(again.status, 303);
    assert.match(pageText((await admin.agent.get("/admin/api-tokens")).text), /That token was already revoked/);
    assert.equal(await revokeAudits(), 1, "revoking twice writes no second audit row");
  });

  test("revoking a token that does not exist answers 404 and writes no audit row", async () => {
    const audits = await ctx.db("audit_events").count({ n: "*" });
    const res = await admin.submit("/admin/api-tokens/987654/revoke", {});
    assert.equal(res.status, 404);
    assert.deepEqual(await ctx.db("audit_events").count({ n: "*" }), audits);
  });

  test("`npm run api-token` prints a token, once, that works against the API with its role", async () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), "ces-token-"));
    try {
      const env = { ...process.env, DATA_DIR: dir, NODE_ENV: "test" } as NodeJS.ProcessEnv;
      delete env.DATABASE_URL; // a private SQLite file, never the shared test database
      const npm = process.platform === "win32" ? "npm.cmd" : "npm";
      const { stdout } = await run(npm, ["run", "--silent", "api-token", "--", "--name", "Ward 3 bladder scanner", "--role", "nurse"], { env, cwd: process.cwd() });
      const token = /^(ces_\S+)$/m.exec(stdout)?.[1];
      assert.ok(token, `a token is printed: ${stdout}`);
      assert.match(stdout, /it is not shown again/);

      const db = createDb({ databaseUrl: null, sqliteFile: path.join(dir, "ces.sqlite") });
      try {
        const row = await db("api_tokens").where({ name: "Ward 3 bladder scanner" }).first();
        assert.equal(row.role, "nurse");
        assert.equal(row.token_hash, hashToken(token));
        const app = createApp({ db, config: { ...loadConfig({ NODE_ENV: "test" }), sessionSecret: "x" }, clock: () => new Date(), episodePanels: new EpisodePanels() });
        const asNurse = await supertest(app).post("/api/v1/patients").set("authorization", `Bearer ${token}`).send({});
        assert.equal(asNurse.status, 403, "recognised as a nurse token: nurses may not register patients");
        assert.match(asNurse.body.message, /A nurse token cannot use this endpoint/);
        const garbage = await supertest(app).post("/api/v1/patients").set("authorization", `Bearer ${token}x`).send({});
        assert.equal(garbage.status, 401);
      } finally {
        await db.destroy();
      }

      await assert.rejects(run(npm, ["run", "--silent", "api-token", "--", "--name", "x", "--role", "root"], { env }), (err: { code: number; stderr: string }) => {
        assert.equal(err.code, 2);
        assert.match(err.stderr, /Usage: npm run api-token -- --name NAME --role nurse\|clinician\|admin/);
        return true;
      });
    } finally {
      fs.rmSync(dir, { recursive: true, force: true });
    }
  });
});
