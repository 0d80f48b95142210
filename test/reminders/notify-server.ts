/**
 * A GOV.UK Notify-compatible HTTP server on 127.0.0.1 for tests and benchmarks: the v2
 * /v2/notifications/sms and /v2/notifications/email endpoints, authenticated as Notify does
 * (a JWT signed HS256 with the API key's secret part, iss = the service id, iat within 30 s).
 * It keeps what it accepts, and can be told to fail or be stopped and started on the same port.
 */
import { createHmac, randomUUID, timingSafeEqual } from "node:crypto";
import http from "node:http";
import type { AddressInfo } from "node:net";

export interface Accepted {
  id: string;
  type: "sms" | "email";
  to: string;
  templateId: string;
  personalisation: Record<string, string>;
  reference: string | null;
}

/** Template ids the server knows, and the personalisation each needs (as Notify checks "Missing personalisation"). */
export const TEST_TEMPLATES = {
  sms: { id: "8d0f2b5e-4a3c-4d8e-9b8a-6f1e2d3c4b5a", fields: ["body"] },
  email: { id: "1c2b3a4d-5e6f-4a7b-8c9d-0e1f2a3b4c5d", fields: ["subject", "body"] },
} as const;

export const TEST_SERVICE_ID = "26785a09-ab16-4eb0-8407-a37497a57506";
const TEST_SECRET = "3d844edf-8d35-48ac-975b-e847b4f122b0";
/** An API key as Notify issues them: name-serviceId-secret. */
export const TEST_API_KEY = `ces_test-${TEST_SERVICE_ID}-${TEST_SECRET}`;

function base64url(b: Buffer | string): string {
  return Buffer.from(b).toString("base64url");
}

/** Checks a Notify bearer token: null when valid, else Notify's error message. */
export function checkNotifyJwt(header: string | undefined, serviceId: string, secret: string, nowMs = Date.now()): string | null {
  const m = /^Bearer ([A-Za-z0-9_-]+)\.([A-Za-z0-9_-]+)\.([A-Za-z0-9_-]+)$/.exec(header ?? "");
  if (!m) return "Unauthorized: authentication token must be provided";
  const expected = Buffer.from(base64url(createHmac("sha256", secret).update(`${m[1]}.${m[2]}`).digest()));
  const given = Buffer.from(m[3]);
  let head: { alg?: string; typ?: string };
  let claims: { iss?: string; iat?: number };
  try {
    head = JSON.parse(Buffer.from(m[1], "base64url").toString("utf8"));
    claims = JSON.parse(Buffer.from(m[2], "base64url").toString("utf8"));
  } catch {
    return "Invalid token: signature, api token is not valid";
  }
  if (head.alg !== "HS256") return "Invalid token: algorithm used is not HS256";
  if (given.length !== expected.length || !timingSafeEqual(given, expected)) return "Invalid token: API key not found";
  if (claims.iss !== serviceId) return "Invalid token: service id is not the right data type";
  if (typeof claims.iat !== "number") return "Invalid token: iat field not provided";
  if (Math.abs(nowMs / 1000 - claims.iat) > 30) return "Error: Your system clock must be accurate to within 30 seconds";
  return null;
}

export class TestNotifyServer {
  readonly accepted: Accepted[] = [];
  /** Requests refused (status and Notify's message), for tests of the JWT check. */
  readonly refused: { status: number; message: string }[] = [];
  port = 0;
  private server: http.Server | null = null;
  private failures: { status: number; count: number } | null = null;
  /** How many accepted requests are left with no answer: the connection is dropped after the message is taken. */
  dropAfterAccept = 0;
  /** Runs before a request is answered (a test may kill the sender here). */
  onAccept: ((m: Accepted) => void | Promise<void>) | null = null;

  constructor(private readonly auth = { serviceId: TEST_SERVICE_ID, secret: TEST_SECRET }) {}

  get baseUrl(): string {
    return `http://127.0.0.1:${this.port}`;
  }

  /** The next `count` sends are answered with `status` (e.g. 500, 429 or 400). */
  failNext(count: number, status: number): void {
    this.failures = { status, count };
  }

  async start(port = this.port): Promise<this> {
    const server = http.createServer({ keepAlive: true }, (req, res) => void this.handle(req, res));
    await new Promise<void>((resolve) => server.listen(port, "127.0.0.1", resolve));
    this.server = server;
    this.port = (server.address() as AddressInfo).port;
    return this;
  }

  async stop(): Promise<void> {
    const server = this.server;
    this.server = null;
    if (!server) return;
    server.closeAllConnections();
    await new Promise<void>((resolve) => server.close(() => resolve()));
  }

  /** How many times each reference arrived. */
  countsByReference(): Map<string, number> {
    const counts = new Map<string, number>();
    for (const m of this.accepted) counts.set(m.reference ?? "", (counts.get(m.reference ?? "") ?? 0) + 1);
    return counts;
  }

  private answer(res: http.ServerResponse, status: number, body: unknown): void {
    const text = JSON.stringify(body);
    res.writeHead(status, { "content-type": "application/json", "content-length": Buffer.byteLength(text) });
    res.end(text);
  }

  private error(res: http.ServerResponse, status: number, error: string, message: string): void {
    this.refused.push({ status, message });
    this.answer(res, status, { status_code: status, errors: [{ error, message }] });
  }

  private async handle(req: http.IncomingMessage, res: http.ServerResponse): Promise<void> {
    const chunks: Buffer[] = [];
    for await (const c of req) chunks.push(c as Buffer);
    const type = req.url === "/v2/notifications/sms" ? "sms" : req.url === "/v2/notifications/email" ? "email" : null;
    if (req.method !== "POST" || !type) return this.error(res, 404, "NotFound", "The requested URL was not found on the server.");
    const authError = checkNotifyJwt(req.headers.authorization, this.auth.serviceId, this.auth.secret);
    if (authError) return this.error(res, 403, "AuthError", authError);
    if (this.failures && this.failures.count > 0) {
      this.failures.count--;
      return this.error(res, this.failures.status, this.failures.status >= 500 ? "Exception" : "BadRequestError", "Injected failure");
    }
    let body: Record<string, unknown>;
    try {
      body = JSON.parse(Buffer.concat(chunks).toString("utf8"));
    } catch {
      return this.error(res, 400, "BadRequestError", "Invalid JSON");
    }
    const template = TEST_TEMPLATES[type];
    if (body.template_id !== template.id) return this.error(res, 400, "BadRequestError", "Template not found");
    const to = type === "sms" ? body.phone_number : body.email_address;
    if (typeof to !== "string" || to === "") return this.error(res, 400, "ValidationError", `${type === "sms" ? "phone_number" : "email_address"} is a required property`);
    if (type === "sms" && !/^\+447\d{9}$/.test(to)) return this.error(res, 400, "ValidationError", "phone_number Not a UK mobile number");
    const personalisation = (body.personalisation ?? {}) as Record<string, string>;
    const missing = template.fields.filter((f) => typeof personalisation[f] !== "string");
    if (missing.length) return this.error(res, 400, "BadRequestError", `Missing personalisation: ${missing.join(", ")}`);
    const accepted: Accepted = { id: randomUUID(), type, to, templateId: template.id, personalisation, reference: typeof body.reference === "string" ? body.reference : null };
    this.accepted.push(accepted);
    if (this.onAccept) await this.onAccept(accepted);
    if (this.dropAfterAccept > 0) {
      this.dropAfterAccept--;
      req.socket.destroy();
      return;
    }
    const content = type === "sms" ? { body: personalisation.body, from_number: "SpinalTeam" } : { body: personalisation.body, subject: personalisation.subject, from_email: "spinal.team@notifications.service.gov.uk" };
    this.answer(res, 201, {
      id: accepted.id,
      reference: accepted.reference,
      content,
      uri: `${this.baseUrl}/v2/notifications/${accepted.id}`,
      template: { id: template.id, version: 1, uri: `${this.baseUrl}/v2/template/${template.id}` },
    });
  }
}

export const notifySettingsFor = (server: TestNotifyServer) => ({
  apiKey: TEST_API_KEY,
  baseUrl: server.baseUrl,
  emailTemplateId: TEST_TEMPLATES.email.id,
  smsTemplateId: TEST_TEMPLATES.sms.id,
  timeoutMs: 5000,
});
