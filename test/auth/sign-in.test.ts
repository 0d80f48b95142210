import assert from "node:assert/strict";
import { after, before, describe, test } from "node:test";
import supertest from "supertest";
import { DEMO_SIGN_INS } from "../../seeds/01_users.ts";
import { createApp } from "../../src/app.ts";
import { loadConfig } from "../../src/config.ts";
import { EpisodePanels } from "../../src/patients/episode-panels.ts";
import { createTestApp, csrfFrom, pageText, signIn, type TestContext } from "../helpers/app.ts";

const nurse = DEMO_SIGN_INS.find((u) => u.role === "nurse")!;
const clinician = DEMO_SIGN_INS.find((u) => u.role === "clinician")!;
const admin = DEMO_SIGN_INS.find((u) => u.role === "admin")!;

/** The session id a response set, or null. */
function sessionCookie(res: { headers: Record<string, unknown> }): string | null {
  const cookies = (res.headers["set-cookie"] as string[] | undefined) ?? [];
  const match = cookies.map((c) => /^ces\.sid=([^;]*)/.exec(c)).find(Boolean);
  return match ? match[1] : null;
}

describe("signing in and out", () => {
  let ctx: TestContext;
  before(async () => {
    ctx = await createTestApp();
  });
  after(() => ctx.close());

  /** A browser that has loaded the sign-in page (so it has a session and a CSRF token). */
  async function browser(returnTo?: string) {
    const agent = supertest.agent(ctx.app);
    const page = await agent.get(`/sign-in${returnTo ? `?returnTo=${encodeURIComponent(returnTo)}` : ""}`);
    const csrf = csrfFrom(page.text);
    const post = (form: Record<string, string>) => agent.post("/sign-in").type("form").send({ _csrf: csrf, ...form }).redirects(0);
    return { agent, page, csrf, post, sid: sessionCookie(page) };
  }

  test("a wrong password shows the sign-in page again with an error summary (401), and signs nobody in", async () => {
    const b = await browser();
    const res = await b.post({ username: nurse.username, password: "wrong-password-here" });
    assert.equal(res.status, 401);
    const text = pageText(res.text);
    assert.match(text, /There is a problem/);
    assert.match(text, /The username or password is not right/);
    assert.match(res.text, /value="nurse"/, "the username is kept");
    assert.doesNotMatch(res.text, /wrong-password-here/, "the password is never echoed");
    assert.equal((await b.agent.get("/patients").redirects(0)).status, 303);
    // An unknown username gets the same message, so usernames cannot be discovered.
    const unknown = await b.post({ username: "no-such-user", password: "whatever-password" });
    assert.equal(unknown.status, 401);
    assert.match(pageText(unknown.text), /The username or password is not right/);
  });

  test("the right password signs in, with a new session id, and the old id is worthless", async () => {
    const b = await browser();
    assert.equal(b.sid, null, "looking at the sign-in page stores no session");
    const res = await b.post({ username: nurse.username, password: nurse.password });
    assert.equal(res.status, 303);
    const after = sessionCookie(res);
    assert.ok(after, "a session id at sign-in");
    assert.equal((await b.agent.get("/patients").redirects(0)).status, 200);
    const planted = await supertest(ctx.app).get("/patients").set("cookie", "ces.sid=s%3Aplanted.sig").redirects(0);
    assert.equal(planted.status, 303, "a made-up session id signs nobody in");
    assert.match(planted.headers.location, /^\/sign-in/);
  });

  test("sign-out ends the session: the next request goes to sign-in, and the cookie cannot be replayed", async () => {
    const b = await browser();
    const signedIn = await b.post({ username: clinician.username, password: clinician.password });
    const cookie = `ces.sid=${sessionCookie(signedIn)}`;
    const sid = decodeURIComponent(sessionCookie(signedIn)!).replace(/^s:/, "").replace(/\.[^.]*$/, "");
    const page = await b.agent.get("/patients");
    assert.equal(page.status, 200);
    assert.ok(await ctx.db("sessions").where({ sid }).first(), "the session is kept in the database");
    const out = await b.agent.post("/sign-out").type("form").send({ _csrf: csrfFrom(page.text) }).redirects(0);
    assert.equal(out.status, 303);
    assert.equal(out.headers.location, "/sign-in");
    const next = await b.agent.get("/patients").redirects(0);
    assert.equal(next.status, 303);
    assert.match(next.headers.location, /^\/sign-in/);
    assert.equal(await ctx.db("sessions").where({ sid }).first(), undefined, "the session row is gone");
    const replay = await supertest(ctx.app).get("/patients").set("cookie", cookie).redirects(0);
    assert.equal(replay.status, 303, "the old cookie signs nobody in");
  });

  test("a disabled account cannot sign in, even with the right password", async () => {
    await ctx.db("users").where({ username: clinician.username }).update({ disabled_at: new Date().toISOString() });
    try {
      const b = await browser();
      const res = await b.post({ username: clinician.username, password: clinician.password });
      assert.equal(res.status, 401);
      assert.match(pageText(res.text), /or the account is disabled/);
    } finally {
      await ctx.db("users").where({ username: clinician.username }).update({ disabled_at: null });
    }
  });

  test("returnTo brings the user back to the page they asked for, but never to another host", async () => {
    const first = await supertest(ctx.app).get("/patients/new").redirects(0);
    assert.equal(first.headers.location, "/sign-in?returnTo=%2Fpatients%2Fnew");
    const b = await browser("/patients/new");
    assert.match(b.page.text, /name="returnTo" value="\/patients\/new"/);
    const res = await b.post({ username: nurse.username, password: nurse.password, returnTo: "/patients/new" });
    assert.equal(res.headers.location, "/patients/new");

    for (const evil of ["//evil.example/x", "https://evil.example/", "/\\evil.example", "http:evil.example", "/ /evil", "javascript:alert(1)"]) {
      const page = await supertest(ctx.app).get(`/sign-in?returnTo=${encodeURIComponent(evil)}`);
      assert.doesNotMatch(page.text, /name="returnTo"/, `${evil} is not put in the form`);
      const c = await browser();
      const signedIn = await c.post({ username: nurse.username, password: nurse.password, returnTo: evil });
      assert.equal(signedIn.status, 303);
      assert.equal(signedIn.headers.location, "/ward", `${evil} is ignored: the nurse lands on the ward board`);
    }
  });

  test("an idle session expires: the next request goes to sign-in", async () => {
    const user = await signIn(ctx.app, "nurse");
    assert.equal((await user.agent.get("/patients").redirects(0)).status, 200);
    // The session row's expiry is the idle limit from the last request (30 minutes by default).
    const row = await ctx.db("sessions").orderBy("expires_at", "desc").first();
    const minutesLeft = (Date.parse(String(new Date(row.expires_at).toISOString())) - Date.now()) / 60_000;
    assert.ok(minutesLeft > 28 && minutesLeft <= 30.1, `expires in ${minutesLeft} minutes`);
    // Idle past the limit: the database says the session has expired, whatever the browser still sends.
    await ctx.db("sessions").update({ expires_at: new Date(Date.now() - 1000).toISOString() });
    const res = await user.agent.get("/patients").redirects(0);
    assert.equal(res.status, 303);
    assert.match(res.headers.location, /^\/sign-in/);
  });

  test("the 11th failed attempt for a username is refused (429) even with the right password; other users are unaffected", async () => {
    const b = await browser();
    for (let i = 1; i <= 10; i++) {
      // Case and surrounding spaces vary on purpose: the count is per username as sign-in reads it.
      const res = await b.post({ username: i % 2 ? "Admin" : `  aDMIN ${" ".repeat(i)}`, password: `wrong-${i}-password` });
      assert.equal(res.status, 401, `attempt ${i}`);
    }
    const eleventh = await b.post({ username: admin.username, password: admin.password });
    assert.equal(eleventh.status, 429);
    assert.match(pageText(eleventh.text), /Too many failed sign-in attempts\. Wait 15 minutes/);
    assert.equal((await b.agent.get("/patients").redirects(0)).status, 303, "not signed in");
    const other = await browser();
    const ok = await other.post({ username: clinician.username, password: clinician.password });
    assert.equal(ok.status, 303, "another username from the same address can still sign in");
  });

  test("guessing many usernames from one address is refused after 50 failures", async () => {
    const fresh = await createTestApp();
    try {
      const agent = supertest.agent(fresh.app);
      const csrf = csrfFrom((await agent.get("/sign-in")).text);
      const attempt = (username: string, password: string) => agent.post("/sign-in").type("form").send({ _csrf: csrf, username, password }).redirects(0);
      for (let i = 1; i <= 50; i++) assert.equal((await attempt(`guess${i}`, "wrong-password-x")).status, 401, `attempt ${i}`);
      assert.equal((await attempt(nurse.username, nurse.password)).status, 429, "the 51st failure from the address is refused");
    } finally {
      await fresh.close();
    }
  });
});

describe("the sign-in limit across app instances", () => {
  test("failures counted by one instance count on another sharing the database", async () => {
    const ctx = await createTestApp();
    try {
      const other = createApp({ db: ctx.db, config: { ...loadConfig({ NODE_ENV: "test" }), sessionSecret: "test-secret" }, clock: ctx.clock.now, episodePanels: new EpisodePanels() });
      const attempt = async (app: typeof other, password: string) => {
        const agent = supertest.agent(app);
        const csrf = csrfFrom((await agent.get("/sign-in")).text);
        return agent.post("/sign-in").type("form").send({ _csrf: csrf, username: nurse.username, password }).redirects(0);
      };
      for (let i = 1; i <= 5; i++) assert.equal((await attempt(ctx.app, `wrong-${i}-password`)).status, 401);
      for (let i = 6; i <= 10; i++) assert.equal((await attempt(other, `wrong-${i}-password`)).status, 401);
      assert.equal((await attempt(ctx.app, nurse.password)).status, 429, "the 11th attempt is refused whichever instance it reaches");
      assert.equal((await attempt(other, nurse.password)).status, 429);
    } finally {
      await ctx.close();
    }
  });
});

describe("signed-out visitors", () => {
  test("requests for protected or unknown pages store no session, and neither do 200 looks at the sign-in page", async () => {
    const ctx = await createTestApp();
    try {
      const sessions = async () => Number((await ctx.db("sessions").count({ n: "*" }))[0].n);
      for (const path of ["/patients", "/ward", "/admin/users", "/episodes/1"]) {
        assert.equal((await supertest(ctx.app).get(path).redirects(0)).status, 303, path);
      }
      const unknown = await supertest(ctx.app).get("/no-such-page");
      assert.equal(unknown.status, 404);
      assert.match(unknown.text, /Page not found/);
      assert.equal(unknown.headers["set-cookie"], undefined, "a page with no form sets no session cookie");
      assert.equal(await sessions(), 0);
      for (let i = 0; i < 200; i++) {
        const page = await supertest(ctx.app).get("/sign-in");
        assert.match(csrfFrom(page.text), /^v\.[A-Za-z0-9_-]{40,}$/);
      }
      assert.equal(await sessions(), 0, "a session is stored only once it holds something");
      // The sign-in form still works, and a session is stored once someone signs in.
      const agent = supertest.agent(ctx.app);
      const csrf = csrfFrom((await agent.get("/sign-in")).text);
      assert.equal((await agent.post("/sign-in").type("form").send({ _csrf: csrf, username: nurse.username, password: nurse.password }).redirects(0)).status, 303);
      assert.equal(await sessions(), 1);
      const forged = await supertest.agent(ctx.app).post("/sign-in").set("cookie", "ces.visitor=someone-elses-value-123").type("form").send({ _csrf: csrf, username: nurse.username, password: nurse.password }).redirects(0);
      assert.equal(forged.status, 403, "a visitor token is good only with the cookie it was made for");
    } finally {
      await ctx.close();
    }
  });
});

describe("the sign-in limit and X-Forwarded-For", () => {
  /** An app on a fresh database with this TRUST_PROXY; sign-in attempts each claim a new client address. */
  async function appTrusting(trustProxy: string | undefined) {
    const ctx = await createTestApp();
    const config = { ...loadConfig({ NODE_ENV: "test", TRUST_PROXY: trustProxy }), sessionSecret: "test-secret" };
    const app = createApp({ db: ctx.db, config, clock: ctx.clock.now, episodePanels: new EpisodePanels() });
    let n = 0;
    const attempt = async (username: string, password: string) => {
      n += 1;
      const forwardedFor = `203.0.113.${n % 250}, 198.51.100.${n % 250}`;
      const agent = supertest.agent(app);
      const csrf = csrfFrom((await agent.get("/sign-in").set("x-forwarded-for", forwardedFor)).text);
      return agent.post("/sign-in").set("x-forwarded-for", forwardedFor).type("form").send({ _csrf: csrf, username, password }).redirects(0);
    };
    return { ctx, attempt };
  }

  for (const trustProxy of [undefined, "1", "loopback"]) {
    test(`with TRUST_PROXY=${trustProxy ?? "(unset)"}, a new X-Forwarded-For on every try does not get past 10 failures for one account`, async () => {
      const { ctx, attempt } = await appTrusting(trustProxy);
      try {
        const statuses: number[] = [];
        for (let i = 1; i <= 30; i++) statuses.push((await attempt(nurse.username, `wrong-${i}-password`)).status);
        assert.equal(statuses.filter((s) => s === 401).length, 10, "10 wrong passwords are answered; the rest are refused");
        assert.equal(statuses.filter((s) => s === 429).length, 20);
        assert.equal((await attempt(nurse.username, nurse.password)).status, 429, "the right password is refused too, for 15 minutes");
        assert.equal((await attempt(clinician.username, clinician.password)).status, 303, "other accounts are unaffected");
      } finally {
        await ctx.close();
      }
    });
  }

  test("with no trusted proxy (the default), guessing usernames under changing X-Forwarded-For still counts against the one real address", async () => {
    const { ctx, attempt } = await appTrusting(undefined);
    try {
      for (let i = 1; i <= 50; i++) assert.equal((await attempt(`guess${i}`, "wrong-password-x")).status, 401, `attempt ${i}`);
      assert.equal((await attempt(nurse.username, nurse.password)).status, 429, "the 51st failure from the address is refused");
    } finally {
      await ctx.close();
    }
  });
});
