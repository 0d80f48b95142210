// Staff sign-in through a real OpenID provider (oidc-provider on 127.0.0.1): the authorization-code
// flow with PKCE, state and nonce; roles from claims; back-channel sign-out; private_key_jwt.
import assert from "node:assert/strict";
import { generateKeyPairSync } from "node:crypto";
import fs from "node:fs";
import http from "node:http";
import type { AddressInfo } from "node:net";
import os from "node:os";
import path from "node:path";
import { after, before, describe, test } from "node:test";
import supertest from "supertest";
import { DEMO_SIGN_INS } from "../../seeds/01_users.ts";
import { createApp, type App } from "../../src/app.ts";
import { SYSTEM_ACTOR } from "../../src/audit/audit.ts";
import { addRoleMap } from "../../src/auth/oidc/accounts.ts";
import { OidcClient, type OidcClientTuning } from "../../src/auth/oidc/client.ts";
import { type DevAccount, type DevClient, startDevProvider } from "../../src/auth/oidc/dev-provider.ts";
import { loadConfig } from "../../src/config.ts";
import { EpisodePanels } from "../../src/patients/episode-panels.ts";
import { createTestDb, csrfFrom, pageText, signIn, TestClock } from "../helpers/app.ts";
import { migrateLatest, runSeeds } from "../../src/db/migrate.ts";
import type { Db } from "../../src/db/knex.ts";

/** A browser's cookies for the provider's pages (the app's are kept by supertest's agent). */
class ProviderBrowser {
  private readonly cookies = new Map<string, string>();
  async get(url: string): Promise<Response> {
    return this.keep(await fetch(url, { redirect: "manual", headers: { cookie: this.header() } }));
  }
  async post(url: string, form: Record<string, string>): Promise<Response> {
    return this.keep(await fetch(url, { method: "POST", redirect: "manual", headers: { cookie: this.header(), "content-type": "application/x-www-form-urlencoded" }, body: new URLSearchParams(form) }));
  }
  private header(): string {
    return [...this.cookies].map(([k, v]) => `${k}=${v}`).join("; ");
  }
  private keep(res: Response): Response {
    for (const cookie of res.headers.getSetCookie()) {
      const [pair] = cookie.split(";");
      const i = pair.indexOf("=");
      this.cookies.set(pair.slice(0, i), pair.slice(i + 1));
    }
    return res;
  }
}

interface Setup {
  app: App;
  db: Db;
  appUrl: string;
  issuer: string;
  accounts: Record<string, DevAccount>;
  close: () => Promise<void>;
}

const ACCOUNTS = (): Record<string, DevAccount> => ({
  "nurse-1": { name: "Nia Nurse", email: "nia.nurse@example.nhs.uk", roles: ["R8001"], uid: "555000000101" },
  "clinician-1": { name: "Dr Cal Clinician", email: "cal.clinician@example.nhs.uk", roles: ["S8000:G8000:R8000"], uid: "555000000102" },
  "no-role-1": { name: "Nobody Mapped", email: "nobody@example.nhs.uk", roles: ["R9999"] },
  "shifter-1": { name: "Sam Shifter", email: "sam.shifter@example.nhs.uk", roles: ["R8001"] },
  "precreated-1": { name: "Pat Precreated", email: "Pat.Precreated@example.nhs.uk", roles: ["R8000"], uid: "555000000199" },
});

/** The app, listening (the provider calls it back for sign-out), with a provider that knows it. */
async function setUp(options: { auth?: "client_secret_basic" | "private_key_jwt"; idTokenTtlSeconds?: number; tuning?: OidcClientTuning; env?: Record<string, string> } = {}): Promise<Setup> {
  const { db, close: closeDb } = await createTestDb();
  await migrateLatest(db);
  const clock = new TestClock(new Date().toISOString());
  await runSeeds(db, { now: clock.now() });
  for (const [claimValue, role] of [["R8001", "nurse"], ["R8000", "clinician"]] as const) await addRoleMap(db, SYSTEM_ACTOR, { claimValue, role, description: null }, new Date().toISOString());

  const server = http.createServer();
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const appUrl = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), "ces-oidc-"));
  const client: DevClient = {
    client_id: "ces-follow-up",
    token_endpoint_auth_method: options.auth ?? "client_secret_basic",
    redirect_uris: [`${appUrl}/auth/oidc/callback`],
    post_logout_redirect_uris: [`${appUrl}/sign-in`],
    backchannel_logout_uri: `${appUrl}/auth/oidc/backchannel-logout`,
    backchannel_logout_session_required: true,
  };
  const env: Record<string, string> = { NODE_ENV: "test", BASE_URL: appUrl, OIDC_CLIENT_ID: "ces-follow-up", ...options.env };
  if (options.auth === "private_key_jwt") {
    const { privateKey, publicKey } = generateKeyPairSync("rsa", { modulusLength: 2048 });
    fs.writeFileSync(path.join(dir, "key.pem"), privateKey.export({ format: "pem", type: "pkcs8" }), { mode: 0o600 });
    client.jwks = { keys: [{ ...publicKey.export({ format: "jwk" }), kid: "app-1", alg: "RS512", use: "sig" }] };
    env.OIDC_PRIVATE_KEY_FILE = path.join(dir, "key.pem");
  } else {
    client.client_secret = "a-long-test-client-secret-0123456789";
    env.OIDC_CLIENT_SECRET = client.client_secret;
  }
  const accounts = ACCOUNTS();
  const provider = await startDevProvider({ clients: [client], accounts, idTokenTtlSeconds: options.idTokenTtlSeconds });
  env.OIDC_ISSUER = provider.issuer;
  const config = { ...loadConfig(env), sessionSecret: "test-secret" };
  const oidcClient = new OidcClient(config.oidc!, options.tuning);
  const app = createApp({ db, config, clock: clock.now, episodePanels: new EpisodePanels(), oidcClient });
  server.on("request", app);
  return {
    app, db, appUrl, issuer: provider.issuer, accounts,
    close: async () => {
      await new Promise<void>((resolve) => server.close(() => resolve()));
      await provider.close();
      await closeDb();
      fs.rmSync(dir, { recursive: true, force: true });
    },
  };
}

/**
 * Signs in as a person would: the app's button, the provider's sign-in page, and back. Returns the
 * app's answer to the callback, the app agent, and the callback URL (for tampering tests).
 */
async function signInThroughProvider(s: Setup, login: string, options: { beforeCallback?: (callback: URL, agent: ReturnType<typeof supertest.agent>) => Promise<URL | void> } = {}) {
  const agent = supertest.agent(s.app);
  const browser = new ProviderBrowser();
  const start = await agent.get("/auth/oidc/start").redirects(0);
  assert.equal(start.status, 303, start.text);
  let location = start.headers.location;
  assert.ok(location.startsWith(s.issuer), `the browser goes to the provider: ${location}`);
  for (let hop = 0; hop < 12 && location.startsWith(s.issuer); hop++) {
    const res = await browser.get(location);
    if (res.status === 200) {
      const html = await res.text();
      const action = /<form[^>]*action="([^"]+)"/.exec(html)?.[1];
      assert.ok(action && /name="login"/.test(html), `the provider shows its sign-in page: ${html.slice(0, 300)}`);
      const submitted = await browser.post(new URL(action, s.issuer).href, { prompt: "login", login, password: "any" });
      location = new URL(submitted.headers.get("location")!, s.issuer).href;
    } else {
      location = new URL(res.headers.get("location")!, s.issuer).href;
    }
  }
  let callback = new URL(location);
  assert.equal(callback.pathname, "/auth/oidc/callback", `the provider sends the browser back to the app: ${location}`);
  callback = (await options.beforeCallback?.(callback, agent)) ?? callback;
  const answer = await agent.get(callback.pathname + callback.search).redirects(0);
  return { agent, answer, browser, callback };
}

const audits = (db: Db, action: string) => db("audit_events").where({ entity: "user", action });

for (const auth of ["client_secret_basic", "private_key_jwt"] as const) {
  describe(`signing in through the identity provider (${auth})`, () => {
    let s: Setup;
    before(async () => (s = await setUp({ auth })));
    after(() => s.close());

    test("a nurse signs in, gets the nurse role from her claims, lands on the ward board and is audited", async () => {
      const signInPage = await supertest(s.app).get("/sign-in");
      assert.match(pageText(signInPage.text), /Sign in with NHS Care Identity/);
      const { agent, answer } = await signInThroughProvider(s, "nurse-1");
      assert.equal(answer.status, 303, pageText(answer.text ?? ""));
      assert.equal(answer.headers.location, "/ward");
      const board = await agent.get("/ward").redirects(0);
      assert.equal(board.status, 200);
      assert.match(pageText(board.text), /Nia Nurse/);
      const user = await s.db("users").where({ oidc_subject: "nurse-1" }).first();
      assert.equal(user.role, "nurse");
      assert.equal(user.oidc_issuer, s.issuer);
      assert.equal((await audits(s.db, "create-from-identity-provider").where({ entity_id: user.id })).length, 1);
      assert.equal((await audits(s.db, "sign-in").where({ entity_id: user.id })).length, 1);
      assert.equal((await signIn(s.app, "nurse")).csrf.length > 0, true, "local passwords still work when OIDC_ONLY is not set");
    });
  });
}

describe("what the identity provider's answer must prove", () => {
  let s: Setup;
  before(async () => (s = await setUp()));
  after(() => s.close());

  const notSignedIn = async (agent: ReturnType<typeof supertest.agent>) => {
    const res = await agent.get("/patients").redirects(0);
    assert.equal(res.status, 303);
    assert.match(res.headers.location, /^\/sign-in/);
  };

  test("a wrong state is refused and signs nobody in", async () => {
    const { agent, answer } = await signInThroughProvider(s, "clinician-1", {
      beforeCallback: async (callback) => {
        callback.searchParams.set("state", "not-the-state-we-sent");
        return callback;
      },
    });
    assert.equal(answer.status, 400);
    assert.match(pageText(answer.text), /could not be checked, so you are not signed in/);
    await notSignedIn(agent);
  });

  test("a wrong nonce is refused and signs nobody in", async () => {
    const { agent, answer } = await signInThroughProvider(s, "clinician-1", {
      // The app's own record of the sign-in it started is changed, as if the ID token were replayed from another.
      beforeCallback: async () => {
        const rows = await s.db("sessions").whereLike("data", "%oidcPending%");
        for (const row of rows) {
          const data = JSON.parse(row.data);
          data.oidcPending.nonce = "a-different-nonce";
          await s.db("sessions").where({ sid: row.sid }).update({ data: JSON.stringify(data) });
        }
      },
    });
    assert.equal(answer.status, 400);
    await notSignedIn(agent);
  });

  test("a callback with no sign-in started in this browser is refused", async () => {
    const res = await supertest(s.app).get("/auth/oidc/callback?code=abc&state=def").redirects(0);
    assert.equal(res.status, 400);
    assert.match(pageText(res.text), /not finished in time, or was started in another browser/);
  });

  test("a person whose claims map to no role sees 'ask your administrator' and no data; the refusal is audited", async () => {
    const { agent, answer } = await signInThroughProvider(s, "no-role-1");
    assert.equal(answer.status, 403);
    assert.match(pageText(answer.text), /Ask your administrator for access/);
    assert.doesNotMatch(answer.text, /Okafor|NHS number/);
    await notSignedIn(agent);
    const refused = await audits(s.db, "sign-in-refused");
    assert.ok(refused.some((r) => JSON.parse(r.after).reason === "no mapped role" && /R9999/.test(r.after)));
    assert.equal(await s.db("users").where({ oidc_subject: "no-role-1" }).first(), undefined, "no account is made");
  });

  test("a role change at the provider takes effect at the next sign-in, and is audited", async () => {
    const first = await signInThroughProvider(s, "shifter-1");
    assert.equal(first.answer.headers.location, "/ward");
    s.accounts["shifter-1"].roles = ["S1:G1:R8000"];
    const second = await signInThroughProvider(s, "shifter-1");
    assert.equal(second.answer.headers.location, "/patients");
    const user = await s.db("users").where({ oidc_subject: "shifter-1" }).first();
    assert.equal(user.role, "clinician");
    const change = (await audits(s.db, "role-change").where({ entity_id: user.id }))[0];
    assert.deepEqual([JSON.parse(change.before).role, JSON.parse(change.after).role], ["nurse", "clinician"]);
  });

  test("an admin maps a new role claim value; it gives that role from the next sign-in", async () => {
    s.accounts["shifter-1"].roles = ["R8008"];
    assert.equal((await signInThroughProvider(s, "shifter-1")).answer.status, 403, "R8008 is not mapped yet");
    const admin = await signIn(s.app, "admin");
    const bad = await admin.submit("/admin/sign-in-roles", { claimValue: "", role: "boss" });
    assert.equal(bad.status, 400);
    assert.match(pageText(bad.text), /Enter role claim value/);
    assert.equal((await admin.submit("/admin/sign-in-roles", { claimValue: "R8008", role: "admin", description: "Admin access" })).status, 303);
    assert.match(pageText((await admin.agent.get("/admin/sign-in-roles")).text), /R8008 Admin access admin/);
    assert.equal((await signInThroughProvider(s, "shifter-1")).answer.headers.location, "/admin/users");
  });

  test("an account an admin pre-created by email is linked at its owner's first sign-in", async () => {
    const admin = await signIn(s.app, "admin");
    const made = await admin.submit("/admin/sign-in-roles/accounts", { displayName: "Pat Precreated", linkEmail: "pat.precreated@example.nhs.uk", linkCis2Uid: "", accountRole: "clinician" });
    assert.equal(made.status, 303, pageText(made.text ?? ""));
    const precreated = await s.db("users").where({ link_email: "pat.precreated@example.nhs.uk" }).first();
    assert.equal(precreated.oidc_subject, null);
    const { answer } = await signInThroughProvider(s, "precreated-1");
    assert.equal(answer.status, 303);
    const linked = await s.db("users").where({ id: precreated.id }).first();
    assert.equal(linked.oidc_subject, "precreated-1");
    assert.equal((await audits(s.db, "link-identity").where({ entity_id: precreated.id })).length, 1);
    assert.equal((await s.db("users").where({ oidc_subject: "precreated-1" })).length, 1, "no second account");
  });

  test("sign-out ends the app's session and sends the browser to the provider's sign-out page", async () => {
    const { agent } = await signInThroughProvider(s, "nurse-1");
    const board = await agent.get("/ward");
    const out = await agent.post("/sign-out").type("form").send({ _csrf: csrfFrom(board.text) }).redirects(0);
    assert.equal(out.status, 303);
    const target = new URL(out.headers.location);
    assert.equal(target.origin, s.issuer);
    assert.ok(target.searchParams.get("id_token_hint"), "the provider is told whose session to end");
    assert.equal(target.searchParams.get("post_logout_redirect_uri"), `${s.appUrl}/sign-in`);
    await notSignedIn(agent);
  });

  test("when the provider's session ends, the provider's back-channel call ends the app's session", async () => {
    const { agent, browser } = await signInThroughProvider(s, "clinician-1");
    assert.equal((await agent.get("/patients").redirects(0)).status, 200);
    // The person signs out at the provider (another application's sign-out button, say).
    const page = await browser.get(`${s.issuer}/session/end`);
    const html = await page.text();
    const xsrf = /name="xsrf" value="([^"]+)"/.exec(html)?.[1];
    assert.ok(xsrf, html.slice(0, 300));
    const confirmed = await browser.post(`${s.issuer}/session/end/confirm`, { xsrf, logout: "yes" });
    assert.ok(confirmed.status < 400, `provider sign-out: ${confirmed.status}`);
    await notSignedIn(agent);
  });

  test("a forged back-channel logout token is refused and ends no session", async () => {
    const { agent } = await signInThroughProvider(s, "clinician-1");
    const forged = await supertest(s.app).post("/auth/oidc/backchannel-logout").type("form").send({ logout_token: "eyJhbGciOiJub25lIn0.eyJzdWIiOiJjbGluaWNpYW4tMSJ9." });
    assert.equal(forged.status, 400);
    assert.equal((await agent.get("/patients").redirects(0)).status, 200, "still signed in");
  });

  test("the OpenID routes are the only new public routes, and the admin page is locked to admins", async () => {
    const publicRoutes = s.app.routeSpecs.filter((r) => r.access === "public").map((r) => `${r.method.toUpperCase()} ${r.path}`);
    for (const route of ["GET /auth/oidc/start", "GET /auth/oidc/callback", "POST /auth/oidc/backchannel-logout"]) assert.ok(publicRoutes.includes(route), route);
    const nurse = await signIn(s.app, "nurse");
    assert.equal((await nurse.agent.get("/admin/sign-in-roles").redirects(0)).status, 403);
    assert.equal((await supertest(s.app).get("/admin/sign-in-roles").redirects(0)).status, 303);
  });
});

describe("an ID token the app must not accept", () => {
  test("an expired ID token is refused", async () => {
    // The app's clock two hours ahead of the provider's: the one-hour ID token has expired.
    const s = await setUp({ tuning: { clockSkewSeconds: 2 * 3600 } });
    try {
      const { answer } = await signInThroughProvider(s, "nurse-1");
      assert.equal(answer.status, 400);
      assert.match(pageText(answer.text), /could not be checked/);
    } finally {
      await s.close();
    }
  });

  test("an ID token whose signature was changed on the way is refused", async () => {
    const tamper: OidcClientTuning["fetch"] = async (url, options) => {
      const res = await fetch(url, options as RequestInit);
      if (!String(url).endsWith("/token")) return res;
      const body = await res.json();
      const [header, payload, signature] = String(body.id_token).split(".");
      body.id_token = [header, payload, `${signature.slice(0, -4)}${signature.slice(-4) === "AAAA" ? "BBBB" : "AAAA"}`].join(".");
      return new Response(JSON.stringify(body), { status: res.status, headers: res.headers });
    };
    const s = await setUp({ tuning: { fetch: tamper } });
    try {
      const { agent, answer } = await signInThroughProvider(s, "nurse-1");
      assert.equal(answer.status, 400);
      assert.equal((await agent.get("/ward").redirects(0)).status, 303);
    } finally {
      await s.close();
    }
  });
});

describe("OIDC_ONLY", () => {
  test("turns passwords off for everyone but the break-glass admin", async () => {
    const s = await setUp({ env: { OIDC_ONLY: "true", OIDC_BREAK_GLASS_USER: "admin" } });
    try {
      const page = await supertest(s.app).get("/sign-in");
      assert.doesNotMatch(page.text, /name="password"/, "no password form by default");
      const agent = supertest.agent(s.app);
      const csrf = csrfFrom((await agent.get("/sign-in?local=1")).text);
      const nurse = await agent.post("/sign-in").type("form").send({ _csrf: csrf, username: "nurse", password: "anything-at-all" }).redirects(0);
      assert.equal(nurse.status, 403);
      assert.match(pageText(nurse.text), /Passwords are turned off for this service/);
      const admin = await agent.post("/sign-in").type("form").send({ _csrf: csrf, username: "admin", password: DEMO_SIGN_INS.find((u) => u.role === "admin")!.password }).redirects(0);
      assert.equal(admin.status, 303, pageText(admin.text ?? ""));
      assert.equal((await agent.get("/admin/users").redirects(0)).status, 200, "the break-glass admin signs in with a password");
    } finally {
      await s.close();
    }
  });
});
