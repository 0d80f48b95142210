import { generateKeyPairSync, randomBytes } from "node:crypto";
import http from "node:http";
import type { AddressInfo } from "node:net";
import Provider from "oidc-provider";
import { SYSTEM_ACTOR } from "../../audit/audit.ts";
import type { Config, OidcConfig } from "../../config.ts";
import type { Db } from "../../db/knex.ts";
import { addRoleMap, listRoleMaps } from "./accounts.ts";

/** A person the local provider can sign in: their account id is what is typed as the login. */
export interface DevAccount {
  name: string;
  email: string;
  /** Role claim values, as a trust's provider would send them. */
  roles: string[];
  /** An NHS CIS2-style user id. */
  uid?: string;
}

export interface DevClient {
  client_id: string;
  client_secret?: string;
  /** For private_key_jwt: the client's public key. */
  jwks?: { keys: object[] };
  token_endpoint_auth_method: "client_secret_basic" | "private_key_jwt";
  redirect_uris: string[];
  post_logout_redirect_uris?: string[];
  backchannel_logout_uri?: string;
  /** The provider puts its session id (sid) in ID and logout tokens. */
  backchannel_logout_session_required?: boolean;
}

/** The demo accounts `OIDC_DEV=true` offers, one per role, and the role claim each carries. */
export const DEV_ACCOUNTS: Record<string, DevAccount> = {
  "dev-nurse": { name: "Nina Nurse (provider)", email: "nina.nurse@example.nhs.uk", roles: ["R8001"], uid: "555000000001" },
  "dev-clinician": { name: "Dr Colin Clinician (provider)", email: "colin.clinician@example.nhs.uk", roles: ["R8000"], uid: "555000000002" },
  "dev-admin": { name: "Ada Admin (provider)", email: "ada.admin@example.nhs.uk", roles: ["R8008"], uid: "555000000003" },
};
export const DEV_ROLE_MAPS = [
  { claimValue: "R8001", role: "nurse", description: "Nurse Access Role (demo)" },
  { claimValue: "R8000", role: "clinician", description: "Clinical Practitioner Access Role (demo)" },
  { claimValue: "R8008", role: "admin", description: "Admin/Clinical Support Access Role (demo)" },
] as const;

/**
 * A real OpenID provider (oidc-provider) on 127.0.0.1, for the tests and for a local demo
 * (OIDC_DEV=true). Its sign-in page accepts any account id above with any password. Never for
 * production: it keeps everything in memory.
 */
export async function startDevProvider(options: { port?: number; clients: DevClient[]; accounts?: Record<string, DevAccount>; idTokenTtlSeconds?: number }): Promise<{ issuer: string; close: () => Promise<void> }> {
  const accounts = options.accounts ?? DEV_ACCOUNTS;
  const server = http.createServer();
  await new Promise<void>((resolve) => server.listen(options.port ?? 0, "127.0.0.1", resolve));
  const issuer = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  const signingKey = generateKeyPairSync("rsa", { modulusLength: 2048 }).privateKey.export({ format: "jwk" });
  const provider = new Provider(issuer, {
    clients: options.clients,
    jwks: { keys: [{ ...signingKey, kid: "dev-signing", use: "sig", alg: "RS256" }] },
    cookies: { keys: ["local-provider-only"] },
    claims: { openid: ["sub"], profile: ["name", "roles", "uid"], email: ["email"] },
    features: {
      devInteractions: { enabled: true },
      backchannelLogout: { enabled: true },
      rpInitiatedLogout: { enabled: true },
    },
    enabledJWA: { clientAuthSigningAlgValues: ["RS256", "RS512", "ES256"] },
    pkce: { required: () => true },
    // Its back-channel sign-out calls an app on this machine, which the provider's guard against
    // requests to loopback addresses would otherwise stop.
    fetch: (url: string, options: RequestInit & { dispatcher?: unknown }) => {
      const { dispatcher: _guard, ...rest } = options;
      return fetch(url, rest);
    },
    ttl: { IdToken: options.idTokenTtlSeconds ?? 3600, AccessToken: 3600, AuthorizationCode: 60, Session: 3600, Interaction: 600, Grant: 3600 },
    async findAccount(_ctx: unknown, id: string) {
      const account = accounts[id];
      if (!account) return undefined;
      return { accountId: id, claims: async () => ({ sub: id, ...account }) };
    },
    // First-party: the person is not asked to consent to this service reading their profile.
    async loadExistingGrant(ctx: { oidc: { client: { clientId: string }; session: { accountId: string; grantIdFor: (id: string) => string | undefined }; provider: { Grant: new (init: object) => { addOIDCScope: (s: string) => void; save: () => Promise<string> } } } }) {
      const { client, session, provider: p } = ctx.oidc;
      const existing = session.grantIdFor(client.clientId);
      if (existing) return (p.Grant as unknown as { find: (id: string) => Promise<unknown> }).find(existing);
      const grant = new p.Grant({ clientId: client.clientId, accountId: session.accountId });
      grant.addOIDCScope("openid profile email");
      await grant.save();
      return grant;
    },
  });
  server.on("request", provider.callback());
  return {
    issuer,
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
}

/**
 * OIDC_DEV=true: a local provider beside the app, one demo account per role, and the role
 * mappings that give them their roles; the app's config is pointed at it.
 */
export async function startDevSignIn(config: Config, db: Db, port: number): Promise<{ config: Config; close: () => Promise<void> }> {
  const clientSecret = randomBytes(24).toString("hex");
  const base = config.baseUrl.replace(/\/$/, "");
  const provider = await startDevProvider({
    port,
    clients: [
      {
        client_id: "ces-follow-up-local",
        client_secret: clientSecret,
        token_endpoint_auth_method: "client_secret_basic",
        redirect_uris: [`${base}/auth/oidc/callback`],
        post_logout_redirect_uris: [`${base}/sign-in`],
        backchannel_logout_uri: `${base}/auth/oidc/backchannel-logout`,
        backchannel_logout_session_required: true,
      },
    ],
  });
  const existing = new Set((await listRoleMaps(db)).map((m) => m.claimValue));
  for (const map of DEV_ROLE_MAPS) {
    if (!existing.has(map.claimValue)) await addRoleMap(db, SYSTEM_ACTOR, map, new Date().toISOString());
  }
  const oidc: OidcConfig = {
    issuer: provider.issuer,
    clientId: "ces-follow-up-local",
    clientSecret,
    privateKeyFile: null,
    privateKeyAlg: "RS512",
    label: config.oidc?.label ?? "Sign in with NHS Care Identity (local demo provider)",
    scopes: "openid profile email",
    acrValues: null,
    roleClaims: ["roles"],
    only: false,
    breakGlassUsername: null,
    redirectUri: `${base}/auth/oidc/callback`,
    allowHttp: true,
  };
  return { config: { ...config, oidc }, close: provider.close };
}
