import { randomBytes } from "node:crypto";
import fs from "node:fs";
import path from "node:path";
import { ensurePrivateDir, writePrivateFile } from "./files.ts";

export interface Config {
  env: "production" | "development" | "test";
  port: number;
  databaseUrl: string | null;
  sqliteFile: string;
  sessionSecret: string;
  sessionIdleMinutes: number;
  dataDir: string;
  smtpUrl: string | null;
  baseUrl: string;
  seedDemoData: boolean;
  /** Which proxies' X-Forwarded-For to believe: none (false), the nearest N hops, or these addresses. */
  trustProxy: TrustProxy;
  /** Staff sign-in through the trust's identity provider, or null for local passwords only. */
  oidc: OidcConfig | null;
  /** OIDC_DEV=true: start a local identity provider with one demo user per role (never in production). */
  oidcDev: boolean;
  /** The hospital feed's MLLP listener (HL7 v2 ADT): off when null. */
  hl7: { port: number; maxMessageBytes: number } | null;
  /** GOV.UK Notify (patient texts and email); null: texts are written as files beside the .eml files. */
  notify: NotifyConfig | null;
  /** The bearer token Notify sends with delivery receipts and received texts; null: those callbacks are refused. */
  notifyCallbackToken: string | null;
  /** The number patient pages give when they cannot tell whose link it was (else the first ward's). */
  patientHelpPhone: string | null;
}

export interface NotifyConfig {
  apiKey: string;
  baseUrl: string;
  emailTemplateId: string;
  smsTemplateId: string;
}

export interface OidcConfig {
  issuer: string;
  clientId: string;
  /** client_secret_basic, or null with privateKeyFile for private_key_jwt (which CIS2 requires). */
  clientSecret: string | null;
  privateKeyFile: string | null;
  /** The private_key_jwt signing algorithm: CIS2 asks for RS512. */
  privateKeyAlg: string;
  /** The sign-in button's words. */
  label: string;
  scopes: string;
  /** CIS2 authentication assurance, e.g. "AAL2_OR_AAL3_ANY"; sent as acr_values when set. */
  acrValues: string | null;
  /** Claims whose values are mapped to roles (CIS2: nhsid_nrbac_roles; Entra: roles or groups). */
  roleClaims: string[];
  /** Local passwords off for everyone but the break-glass admin. */
  only: boolean;
  breakGlassUsername: string | null;
  redirectUri: string;
  /** Plain http to the provider: only for a provider on this machine (tests, OIDC_DEV). */
  allowHttp: boolean;
}

export type TrustProxy = false | number | string[];

/** Reads the environment once. In production a missing secret stops start-up rather than running insecurely. */
export function loadConfig(env: NodeJS.ProcessEnv = process.env): Config {
  const mode = env.NODE_ENV === "production" ? "production" : env.NODE_ENV === "test" ? "test" : "development";
  const port = Number(env.PORT ?? 3000);
  if (!Number.isInteger(port) || port < 0 || port > 65535) throw new Error(`PORT must be a port number, not "${env.PORT}"`);
  if (mode === "production" && !env.SESSION_SECRET) {
    throw new Error("SESSION_SECRET must be set in production (a long random string shared by every app instance)");
  }
  const dataDir = path.resolve(env.DATA_DIR ?? "data");
  const databaseUrl = env.DATABASE_URL?.trim() || null;
  if (databaseUrl && !/^postgres(ql)?:\/\//.test(databaseUrl)) {
    throw new Error("DATABASE_URL must be a postgres:// URL (leave it unset for the embedded SQLite database)");
  }
  return {
    env: mode,
    port,
    databaseUrl,
    sqliteFile: path.join(dataDir, "ces.sqlite"),
    sessionSecret: env.SESSION_SECRET ?? (mode === "development" ? developmentSecret(dataDir) : randomBytes(32).toString("hex")),
    sessionIdleMinutes: Number(env.SESSION_IDLE_MINUTES ?? 30),
    dataDir,
    smtpUrl: env.SMTP_URL?.trim() || null,
    baseUrl: env.BASE_URL ?? `http://localhost:${port}`,
    seedDemoData: mode !== "production",
    trustProxy: parseTrustProxy(env.TRUST_PROXY),
    oidc: readOidc(env, env.BASE_URL ?? `http://localhost:${port}`),
    oidcDev: env.OIDC_DEV === "true" && mode !== "production",
    hl7: hl7Config(env),
    notify: notifyConfig(env),
    notifyCallbackToken: env.NOTIFY_CALLBACK_TOKEN?.trim() || null,
    patientHelpPhone: env.PATIENT_HELP_PHONE?.trim() || null,
  };
}

function notifyConfig(env: NodeJS.ProcessEnv): NotifyConfig | null {
  const apiKey = env.NOTIFY_API_KEY?.trim();
  if (!apiKey) return null;
  if (apiKey.length < 74) throw new Error("NOTIFY_API_KEY must be a GOV.UK Notify API key (name-serviceid-secret)");
  const emailTemplateId = env.NOTIFY_EMAIL_TEMPLATE_ID?.trim();
  const smsTemplateId = env.NOTIFY_SMS_TEMPLATE_ID?.trim();
  if (!emailTemplateId || !smsTemplateId) throw new Error("With NOTIFY_API_KEY set, NOTIFY_EMAIL_TEMPLATE_ID and NOTIFY_SMS_TEMPLATE_ID must be set too");
  return { apiKey, baseUrl: env.NOTIFY_BASE_URL?.trim() || "https://api.notifications.service.gov.uk", emailTemplateId, smsTemplateId };
}

/**
 * Without SESSION_SECRET, development keeps a generated secret under data/, so a restart of
 * `npm start` neither signs everyone out nor breaks the unsubscribe links already emailed.
 */
function developmentSecret(dataDir: string): string {
  const file = path.join(dataDir, "session-secret");
  if (fs.existsSync(file)) return fs.readFileSync(file, "utf8").trim();
  const secret = randomBytes(32).toString("hex");
  ensurePrivateDir(dataDir);
  writePrivateFile(file, secret);
  return secret;
}

/** Express's names for address ranges, accepted in TRUST_PROXY beside addresses and CIDR ranges. */
const RANGE_NAMES = new Set(["loopback", "linklocal", "uniquelocal"]);
const ADDRESS_OR_CIDR = /^(\d{1,3}(\.\d{1,3}){3}|[0-9a-fA-F:]*:[0-9a-fA-F:.]*)(\/\d{1,3})?$/;

/**
 * TRUST_PROXY: unset or "none" believes no X-Forwarded-For, so a client cannot choose the address
 * that sign-in limits count; a number trusts that many proxy hops; a comma-separated list trusts
 * those addresses or ranges. Anything else stops start-up rather than guess.
 */
export function parseTrustProxy(value: string | undefined): TrustProxy {
  const text = value?.trim() ?? "";
  if (text === "" || text.toLowerCase() === "none") return false;
  if (/^\d+$/.test(text)) {
    const hops = Number(text);
    if (hops < 1 || hops > 10) throw new Error(`TRUST_PROXY must be none, a number of proxy hops from 1 to 10, or a list of addresses, not "${text}"`);
    return hops;
  }
  const entries = text.split(",").map((e) => e.trim()).filter(Boolean);
  const bad = entries.filter((e) => !RANGE_NAMES.has(e) && !ADDRESS_OR_CIDR.test(e));
  if (bad.length || entries.length === 0) {
    throw new Error(`TRUST_PROXY must be none, a number of proxy hops, or a comma-separated list of addresses or CIDR ranges (not "${bad.join(", ") || text}")`);
  }
  return entries;
}

/** OIDC_ISSUER and OIDC_CLIENT_ID turn on provider sign-in; a half-made setting stops start-up. */
function readOidc(env: NodeJS.ProcessEnv, baseUrl: string): OidcConfig | null {
  const issuer = env.OIDC_ISSUER?.trim();
  const clientId = env.OIDC_CLIENT_ID?.trim();
  if (!issuer && !clientId) {
    if (env.OIDC_ONLY === "true") throw new Error("OIDC_ONLY=true needs OIDC_ISSUER and OIDC_CLIENT_ID: otherwise nobody could sign in");
    return null;
  }
  if (!issuer || !clientId) throw new Error("Set both OIDC_ISSUER and OIDC_CLIENT_ID, or neither");
  let issuerUrl: URL;
  try {
    issuerUrl = new URL(issuer);
  } catch {
    throw new Error(`OIDC_ISSUER must be the provider's https:// address, not "${issuer}"`);
  }
  const local = ["127.0.0.1", "localhost", "[::1]"].includes(issuerUrl.hostname);
  if (issuerUrl.protocol !== "https:" && !(issuerUrl.protocol === "http:" && local)) throw new Error("OIDC_ISSUER must be an https:// address");
  const clientSecret = env.OIDC_CLIENT_SECRET?.trim() || null;
  const privateKeyFile = env.OIDC_PRIVATE_KEY_FILE?.trim() || null;
  if (!clientSecret === !privateKeyFile) throw new Error("Set one of OIDC_PRIVATE_KEY_FILE (private_key_jwt) or OIDC_CLIENT_SECRET");
  return {
    issuer,
    clientId,
    clientSecret,
    privateKeyFile,
    privateKeyAlg: env.OIDC_PRIVATE_KEY_ALG?.trim() || "RS512",
    label: env.OIDC_LABEL?.trim() || "Sign in with NHS Care Identity",
    scopes: env.OIDC_SCOPES?.trim() || "openid profile email",
    acrValues: env.OIDC_ACR_VALUES?.trim() || null,
    roleClaims: (env.OIDC_ROLE_CLAIMS ?? "nhsid_nrbac_roles,roles,groups").split(",").map((c) => c.trim()).filter(Boolean),
    only: env.OIDC_ONLY === "true",
    breakGlassUsername: env.OIDC_BREAK_GLASS_USER?.trim() || null,
    redirectUri: new URL("/auth/oidc/callback", baseUrl).href,
    allowHttp: issuerUrl.protocol === "http:",
  };
}

function hl7Config(env: NodeJS.ProcessEnv): Config["hl7"] {
  if (!env.HL7_MLLP_PORT?.trim()) return null;
  const port = Number(env.HL7_MLLP_PORT);
  if (!Number.isInteger(port) || port < 0 || port > 65535) throw new Error(`HL7_MLLP_PORT must be a port number, not "${env.HL7_MLLP_PORT}"`);
  const maxKb = Number(env.HL7_MAX_MESSAGE_KB ?? 2048);
  if (!Number.isInteger(maxKb) || maxKb < 1) throw new Error(`HL7_MAX_MESSAGE_KB must be a whole number of kilobytes, not "${env.HL7_MAX_MESSAGE_KB}"`);
  return { port, maxMessageBytes: maxKb * 1024 };
}
