import { randomBytes } from "node:crypto";
import fs from "node:fs";
import path from "node:path";

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
  fs.mkdirSync(dataDir, { recursive: true });
  fs.writeFileSync(file, secret, { mode: 0o600 });
  return secret;
}
