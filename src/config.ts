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
  /** The hospital feed's MLLP listener (HL7 v2 ADT): off when null. */
  hl7: { port: number; maxMessageBytes: number } | null;
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
    hl7: hl7Config(env),
  };
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

function hl7Config(env: NodeJS.ProcessEnv): Config["hl7"] {
  if (!env.HL7_MLLP_PORT?.trim()) return null;
  const port = Number(env.HL7_MLLP_PORT);
  if (!Number.isInteger(port) || port < 0 || port > 65535) throw new Error(`HL7_MLLP_PORT must be a port number, not "${env.HL7_MLLP_PORT}"`);
  const maxKb = Number(env.HL7_MAX_MESSAGE_KB ?? 2048);
  if (!Number.isInteger(maxKb) || maxKb < 1) throw new Error(`HL7_MAX_MESSAGE_KB must be a whole number of kilobytes, not "${env.HL7_MAX_MESSAGE_KB}"`);
  return { port, maxMessageBytes: maxKb * 1024 };
}
