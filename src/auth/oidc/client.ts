import fs from "node:fs";
import * as oidc from "openid-client";
import { createRemoteJWKSet, importJWK, importPKCS8, type JWK, jwtVerify } from "jose";
import type { OidcConfig } from "../../config.ts";

/** What a sign-in in progress keeps in the (pre-sign-in) session, to check the provider's answer. */
export interface PendingSignIn {
  state: string;
  nonce: string;
  codeVerifier: string;
  returnTo: string | null;
  startedAt: number;
}

/** What the provider said about the person who signed in. */
export interface ProviderIdentity {
  issuer: string;
  subject: string;
  /** The provider's session id (sid), so a back-channel sign-out can find this session. */
  providerSession: string | null;
  idToken: string;
  claims: Record<string, unknown>;
}

/**
 * The trust's OpenID provider, found by discovery once and kept: authorization-code flow with
 * PKCE, state and nonce; client authentication by private_key_jwt (CIS2) or a client secret.
 */
/** For tests: how the client reaches the provider, and how far its clock is from the real one. */
export interface OidcClientTuning {
  fetch?: oidc.CustomFetch;
  clockSkewSeconds?: number;
}

export class OidcClient {
  private configuration: Promise<oidc.Configuration> | null = null;

  constructor(
    readonly settings: OidcConfig,
    private readonly tuning: OidcClientTuning = {},
  ) {}

  private discover(): Promise<oidc.Configuration> {
    if (!this.configuration) {
      const { issuer, clientId, clientSecret, privateKeyFile, allowHttp } = this.settings;
      this.configuration = (async () => {
        const auth = privateKeyFile ? oidc.PrivateKeyJwt(await readPrivateKey(privateKeyFile, this.settings.privateKeyAlg)) : oidc.ClientSecretBasic(clientSecret!);
        const metadata = this.tuning.clockSkewSeconds ? { [oidc.clockSkew]: this.tuning.clockSkewSeconds } : undefined;
        const config = await oidc.discovery(new URL(issuer), clientId, metadata, auth, {
          execute: allowHttp ? [oidc.allowInsecureRequests] : [],
          ...(this.tuning.fetch ? { [oidc.customFetch]: this.tuning.fetch } : {}),
        });
        if (this.tuning.fetch) config[oidc.customFetch] = this.tuning.fetch;
        // Check the ID token's signature against the provider's published keys, even though it
        // came straight from the token endpoint: a proxy or a misrouted request must not sign anyone in.
        oidc.enableNonRepudiationChecks(config);
        return config;
      })();
      // A provider that was down is asked again next time, not remembered as down.
      this.configuration.catch(() => (this.configuration = null));
    }
    return this.configuration;
  }

  /** Where to send the browser, and what to keep until it comes back. */
  async start(returnTo: string | null, now: number): Promise<{ url: string; pending: PendingSignIn }> {
    const config = await this.discover();
    const pending: PendingSignIn = { state: oidc.randomState(), nonce: oidc.randomNonce(), codeVerifier: oidc.randomPKCECodeVerifier(), returnTo, startedAt: now };
    const parameters: Record<string, string> = {
      redirect_uri: this.settings.redirectUri,
      scope: this.settings.scopes,
      code_challenge: await oidc.calculatePKCECodeChallenge(pending.codeVerifier),
      code_challenge_method: "S256",
      state: pending.state,
      nonce: pending.nonce,
    };
    if (this.settings.acrValues) parameters.acr_values = this.settings.acrValues;
    return { url: oidc.buildAuthorizationUrl(config, parameters).href, pending };
  }

  /**
   * Exchanges the code the provider sent back, checking state, nonce, PKCE and the ID token's
   * signature, issuer, audience and expiry (openid-client refuses any mismatch).
   */
  async finish(callbackUrl: URL, pending: PendingSignIn): Promise<ProviderIdentity> {
    const config = await this.discover();
    const tokens = await oidc.authorizationCodeGrant(config, callbackUrl, {
      pkceCodeVerifier: pending.codeVerifier,
      expectedState: pending.state,
      expectedNonce: pending.nonce,
      idTokenExpected: true,
    });
    const idClaims = tokens.claims()!;
    let claims: Record<string, unknown> = { ...idClaims };
    // Role claims (CIS2's nhsid_nrbac_roles) usually come from the userinfo endpoint.
    if (config.serverMetadata().userinfo_endpoint) {
      const userinfo = await oidc.fetchUserInfo(config, tokens.access_token, idClaims.sub);
      claims = { ...userinfo, ...claims };
    }
    return {
      issuer: idClaims.iss,
      subject: idClaims.sub,
      providerSession: typeof idClaims.sid === "string" ? idClaims.sid : null,
      idToken: tokens.id_token!,
      claims,
    };
  }

  /** The provider's sign-out page, when it has one (RP-initiated sign-out). */
  async endSessionUrl(idToken: string, postLogoutRedirect: string): Promise<string | null> {
    const config = await this.discover();
    if (!config.serverMetadata().end_session_endpoint) return null;
    return oidc.buildEndSessionUrl(config, { id_token_hint: idToken, post_logout_redirect_uri: postLogoutRedirect }).href;
  }

  /**
   * A back-channel logout token from the provider, checked as OpenID Connect Back-Channel Logout
   * 1.0 asks: signed by the provider's keys, for this client, with the logout event, and no nonce.
   * Answers the provider session (sid) and subject it ends.
   */
  async verifyLogoutToken(token: string): Promise<{ issuer: string; subject: string | null; providerSession: string | null }> {
    const config = await this.discover();
    const metadata = config.serverMetadata();
    if (!metadata.jwks_uri) throw new Error("The provider publishes no keys");
    const keys = createRemoteJWKSet(new URL(metadata.jwks_uri));
    const { payload } = await jwtVerify(token, keys, { issuer: metadata.issuer, audience: this.settings.clientId, maxTokenAge: "10 minutes", typ: undefined });
    const events = payload.events as Record<string, unknown> | undefined;
    if (!events || typeof events !== "object" || !("http://schemas.openid.net/event/backchannel-logout" in events)) throw new Error("Not a logout token");
    if ("nonce" in payload) throw new Error("A logout token carries no nonce");
    const sid = typeof payload.sid === "string" ? payload.sid : null;
    const sub = typeof payload.sub === "string" ? payload.sub : null;
    if (!sid && !sub) throw new Error("A logout token names a session or a subject");
    return { issuer: metadata.issuer, subject: sub, providerSession: sid };
  }
}

/** A PEM (PKCS#8) or JWK private key file, for private_key_jwt, signed with `alg`. */
async function readPrivateKey(file: string, alg: string): Promise<oidc.PrivateKey> {
  const text = fs.readFileSync(file, "utf8");
  if (text.trim().startsWith("{")) {
    const jwk = JSON.parse(text) as JWK;
    return { key: (await importJWK(jwk, jwk.alg ?? alg)) as oidc.CryptoKey, kid: jwk.kid };
  }
  return { key: await importPKCS8(text, alg) };
}

/** The key the provider session and subject are stored under, for a back-channel sign-out to find. */
export function providerSessionKey(issuer: string, subjectOrSession: string): string {
  return `${issuer} ${subjectOrSession}`;
}
