import assert from "node:assert/strict";
import { after, before, describe, test } from "node:test";
import supertest from "supertest";
import type { Role } from "../../src/web/routing.ts";
import { createTestApp, signIn, type SignedInAgent, type TestContext } from "../helpers/app.ts";

/** Everything a page refers to: src, href, action and CSS url(). */
function references(html: string): string[] {
  return [...html.matchAll(/\b(?:src|href|action|formaction|poster|data)\s*=\s*["']?([^"'\s>]+)/gi)].map((m) => m[1]);
}

describe("security headers and nothing from another host", () => {
  let ctx: TestContext;
  const agents = {} as Record<Role, SignedInAgent>;
  /** Every GET page the app declares, fetched as a role allowed to see it (ids replaced by demo ids). */
  const pages: { url: string; res: supertest.Response }[] = [];

  before(async () => {
    ctx = await createTestApp();
    for (const role of ["nurse", "clinician", "admin"] as const) agents[role] = await signIn(ctx.app, role);
    pages.push({ url: "/sign-in", res: await supertest(ctx.app).get("/sign-in") });
    pages.push({ url: "/no-such-page", res: await agents.nurse.agent.get("/no-such-page") });
    for (const r of ctx.app.routeSpecs.filter((s) => s.kind === "page" && s.method === "get" && s.access !== "public")) {
      const role = (r.access as readonly Role[])[0];
      const url = r.path.replace(/:[A-Za-z0-9_]+/g, "1");
      const res = await agents[role].agent.get(url).redirects(0);
      if (res.status === 200 && /text\/html/.test(res.headers["content-type"] ?? "")) pages.push({ url, res });
    }
  });
  after(() => ctx.close());

  test("enough pages were rendered to mean something", () => {
    assert.ok(pages.length > 12, pages.map((p) => p.url).join(", "));
  });

  test("every page has a strict Content-Security-Policy, nosniff, no framing and no-store", () => {
    for (const { url, res } of pages) {
      const csp = String(res.headers["content-security-policy"] ?? "");
      const directives = Object.fromEntries(csp.split(";").map((d) => d.trim().split(/\s+/)).map(([k, ...v]) => [k, v]));
      assert.deepEqual(directives["default-src"], ["'self'"], `${url}: ${csp}`);
      assert.deepEqual(directives["frame-ancestors"], ["'none'"], url);
      assert.ok(!/unsafe-inline|unsafe-eval|\*/.test(csp), `${url}: no unsafe-inline, unsafe-eval or wildcard: ${csp}`);
      for (const d of ["script-src", "style-src", "font-src", "connect-src"]) {
        if (directives[d]) assert.deepEqual(directives[d], ["'self'"], `${url} ${d}`);
      }
      assert.equal(res.headers["x-content-type-options"], "nosniff", url);
      assert.equal(res.headers["x-powered-by"], undefined, url);
      assert.match(String(res.headers["cache-control"]), /no-store/, `${url} must not be cached`);
      assert.match(String(res.headers["referrer-policy"]), /no-referrer/, url);
      const permissions = String(res.headers["permissions-policy"] ?? "");
      for (const feature of ["camera", "microphone", "geolocation", "payment", "usb"]) {
        assert.match(permissions, new RegExp(`(^|, )${feature}=\\(\\)`), `${url}: Permissions-Policy turns off ${feature}: ${permissions}`);
      }
    }
  });

  test("API answers are not cached either", async () => {
    const res = await supertest(ctx.app).get("/api/v1/openapi.json");
    assert.match(String(res.headers["cache-control"]), /no-store/);
    assert.equal(res.headers["x-content-type-options"], "nosniff");
    assert.match(String(res.headers["permissions-policy"]), /camera=\(\)/);
  });

  test("no page refers to another host, or uses inline script, inline style or event-handler attributes", () => {
    for (const { url, res } of pages) {
      for (const ref of references(res.text)) {
        assert.ok(!/^(https?:)?\/\//i.test(ref), `${url} refers to another host: ${ref}`);
        assert.ok(!/^javascript:/i.test(ref), `${url} has a javascript: link`);
      }
      assert.doesNotMatch(res.text, /<script(?![^>]*\bsrc=)[^>]*>/i, `${url} has an inline script`);
      assert.doesNotMatch(res.text, /<style[\s>]/i, `${url} has a <style> element`);
      assert.doesNotMatch(res.text, /\sstyle\s*=/i, `${url} has a style attribute`);
      assert.doesNotMatch(res.text, /\son[a-z]+\s*=/i, `${url} has an inline event handler`);
      assert.match(res.text, /<html lang="en-GB">/, url);
    }
  });

  test("every stylesheet, script, image and font the pages use is served here, and refers to no other host", async () => {
    const assets = new Set<string>();
    for (const { res } of pages) for (const ref of references(res.text)) if (/^\/(assets|vendor)\//.test(ref)) assets.add(ref.split("#")[0]);
    assert.ok([...assets].some((a) => a.endsWith(".css")), "a stylesheet is used");
    const seen = new Set<string>();
    const queue = [...assets];
    while (queue.length > 0) {
      const asset = queue.shift()!;
      if (seen.has(asset)) continue;
      seen.add(asset);
      const res = await supertest(ctx.app).get(asset).buffer(true).parse((r, cb) => {
        const chunks: Buffer[] = [];
        r.on("data", (c: Buffer) => chunks.push(c));
        r.on("end", () => cb(null, Buffer.concat(chunks)));
      });
      assert.equal(res.status, 200, `${asset} is served`);
      if (/\.(css|js|mjs)$/.test(asset)) {
        const text = (res.body as Buffer).toString("utf8");
        const urls = [...text.matchAll(/url\(\s*["']?([^"')]+)/g)].map((m) => m[1]);
        for (const u of urls) {
          assert.ok(!/^(https?:)?\/\//i.test(u), `${asset} loads ${u} from another host`);
          if (asset.endsWith(".css") && !u.startsWith("data:")) queue.push(new URL(u, `http://app${asset}`).pathname);
        }
        assert.doesNotMatch(text, /@import\s+(url\()?["']?(https?:)?\/\//i, `${asset} imports from another host`);
      }
    }
  });
});
