import assert from "node:assert/strict";
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { test } from "node:test";
import { loadConfig } from "../../src/config.ts";

test("development keeps one generated session secret across restarts, under the data folder", () => {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), "ces-config-"));
  try {
    const first = loadConfig({ NODE_ENV: "development", DATA_DIR: dir }).sessionSecret;
    const second = loadConfig({ NODE_ENV: "development", DATA_DIR: dir }).sessionSecret;
    assert.match(first, /^[0-9a-f]{64}$/);
    assert.equal(second, first);
    assert.equal(loadConfig({ NODE_ENV: "development", DATA_DIR: dir, SESSION_SECRET: "set-by-operator" }).sessionSecret, "set-by-operator");
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
});

test("production refuses to start without SESSION_SECRET, and never seeds demo data", () => {
  assert.throws(() => loadConfig({ NODE_ENV: "production" }), /SESSION_SECRET must be set in production/);
  assert.equal(loadConfig({ NODE_ENV: "production", SESSION_SECRET: "x".repeat(40) }).seedDemoData, false);
  assert.equal(loadConfig({ NODE_ENV: "development", DATA_DIR: os.tmpdir(), SESSION_SECRET: "s" }).seedDemoData, true);
});

test("a DATABASE_URL that is not PostgreSQL is refused with a message", () => {
  assert.throws(() => loadConfig({ DATABASE_URL: "mysql://x", SESSION_SECRET: "s" }), /DATABASE_URL must be a postgres:\/\/ URL/);
});

test("TRUST_PROXY: none by default, a hop count, or a list of addresses; anything else stops start-up", () => {
  const cases: [string | undefined, false | number | string[]][] = [
    [undefined, false],
    ["", false],
    ["none", false],
    ["NONE", false],
    ["1", 1],
    ["2", 2],
    ["10.0.0.1", ["10.0.0.1"]],
    ["loopback, 10.0.0.0/8 ,fd00::1", ["loopback", "10.0.0.0/8", "fd00::1"]],
  ];
  for (const [value, expected] of cases) assert.deepEqual(loadConfig({ NODE_ENV: "test", TRUST_PROXY: value }).trustProxy, expected, String(value));
  for (const bad of ["0", "11", "true", "yes", "proxy.example", "10.0.0.1, everyone"]) {
    assert.throws(() => loadConfig({ NODE_ENV: "test", TRUST_PROXY: bad }), /TRUST_PROXY must be/, bad);
  }
  assert.equal(loadConfig({ NODE_ENV: "production", SESSION_SECRET: "x".repeat(40) }).trustProxy, false, "production trusts no proxy unless told");
});

test("identity-provider sign-in: off unless OIDC_ISSUER and OIDC_CLIENT_ID are set; a half-made setting stops start-up", () => {
  assert.equal(loadConfig({ NODE_ENV: "test" }).oidc, null);
  const good = loadConfig({ NODE_ENV: "test", BASE_URL: "https://ces.trust.nhs.uk", OIDC_ISSUER: "https://am.nhsidentity.spineservices.nhs.uk/openam/oauth2/realms/root/realms/NHSIdentity/realms/Healthcare", OIDC_CLIENT_ID: "ces", OIDC_PRIVATE_KEY_FILE: "/etc/ces/key.pem", OIDC_ACR_VALUES: "AAL2_OR_AAL3_ANY" }).oidc!;
  assert.equal(good.redirectUri, "https://ces.trust.nhs.uk/auth/oidc/callback");
  assert.equal(good.label, "Sign in with NHS Care Identity");
  assert.equal(good.acrValues, "AAL2_OR_AAL3_ANY");
  assert.equal(good.privateKeyAlg, "RS512");
  assert.deepEqual(good.roleClaims, ["nhsid_nrbac_roles", "roles", "groups"]);
  const refused: [Record<string, string>, RegExp][] = [
    [{ OIDC_ISSUER: "https://idp.example" }, /both OIDC_ISSUER and OIDC_CLIENT_ID/],
    [{ OIDC_ISSUER: "https://idp.example", OIDC_CLIENT_ID: "ces" }, /one of OIDC_PRIVATE_KEY_FILE .* or OIDC_CLIENT_SECRET/],
    [{ OIDC_ISSUER: "https://idp.example", OIDC_CLIENT_ID: "ces", OIDC_CLIENT_SECRET: "s", OIDC_PRIVATE_KEY_FILE: "k" }, /one of/],
    [{ OIDC_ISSUER: "http://idp.example", OIDC_CLIENT_ID: "ces", OIDC_CLIENT_SECRET: "s" }, /https:\/\//],
    [{ OIDC_ISSUER: "not a url", OIDC_CLIENT_ID: "ces", OIDC_CLIENT_SECRET: "s" }, /https:\/\//],
    [{ OIDC_ONLY: "true" }, /OIDC_ONLY=true needs OIDC_ISSUER/],
  ];
  for (const [env, message] of refused) assert.throws(() => loadConfig({ NODE_ENV: "test", ...env }), message, JSON.stringify(env));
  assert.equal(loadConfig({ NODE_ENV: "production", SESSION_SECRET: "x".repeat(40), OIDC_DEV: "true" }).oidcDev, false, "never a demo provider in production");
});
