/**
 * Email by SMTP with nodemailer's SMTPConnection, tracking where in the SMTP exchange a failure
 * happened. The message body is only written after the server's 354 answer to DATA, so:
 * - a failure before the body was written (refused connection, greeting, login, MAIL, RCPT, DATA
 *   refused) was certainly not delivered: an ordinary error, retried by the outbox;
 * - a failure once the body began to be written with no final answer from the server (the
 *   connection closed or timed out) may or may not have been delivered: the error is marked
 *   `inDoubt`, and the outbox shows the message to staff instead of sending it again;
 * - a final 4xx/5xx answer after the body is the server's word that it was not accepted.
 * (nodemailer's own SMTP transports report a close before and after the body as the same
 * ECONNECTION error, so they cannot tell these apart.)
 */
import { Readable } from "node:stream";
import nodemailer from "nodemailer";
import type Mail from "nodemailer/lib/mailer/index.js";
import { parseConnectionUrl } from "nodemailer/lib/shared/index.js";
import SMTPConnection from "nodemailer/lib/smtp-connection/index.js";

/** An idle connection is closed after this long (the dispatcher sends a batch back to back). */
const IDLE_CLOSE_MS = 10_000;

type SmtpError = Error & { code?: string; responseCode?: number };
type SmtpOptions = SMTPConnection.Options & { auth?: SMTPConnection.AuthenticationType };

/** True for an error that may have been raised after the message was delivered. */
export function isInDoubt(err: unknown): boolean {
  return typeof err === "object" && err !== null && (err as { inDoubt?: unknown }).inDoubt === true;
}

function inDoubtError(cause: SmtpError): Error {
  return Object.assign(new Error(`the connection ended after the message was sent, with no answer from the server: ${cause.message}`), {
    inDoubt: true,
    code: cause.code,
    cause,
  });
}

/** SMTPConnection options from an smtp:// or smtps:// URL, with time limits shorter than the outbox's 5-minute lease. */
export function smtpOptions(url: string): SmtpOptions {
  const { pool: _pool, maxConnections: _max, maxMessages: _msgs, ...parsed } = parseConnectionUrl(url) as SmtpOptions & Record<string, unknown>;
  return { connectionTimeout: 30_000, greetingTimeout: 30_000, socketTimeout: 120_000, ...parsed };
}

export class SmtpSender {
  private idle: SMTPConnection | null = null;
  private idleTimer: NodeJS.Timeout | null = null;
  private readonly alive = new WeakSet<SMTPConnection>();
  private queue: Promise<unknown> = Promise.resolve();
  private closed = false;
  /** Builds the whole message first (nodemailer's composer), so the SMTP exchange only carries bytes. */
  private readonly composer = nodemailer.createTransport({ streamTransport: true, buffer: true, newline: "windows" });

  constructor(private readonly options: SmtpOptions) {}

  /** Sends one message; messages are sent one after another over at most one connection. */
  send(message: Mail.Options): Promise<{ messageId: string; response: string }> {
    const run = this.queue.then(() => this.sendNow(message));
    this.queue = run.catch(() => undefined);
    return run;
  }

  close(): void {
    this.closed = true;
    const conn = this.takeIdle();
    if (conn) conn.quit();
  }

  private async sendNow(message: Mail.Options): Promise<{ messageId: string; response: string }> {
    const built = await this.composer.sendMail(message);
    const envelope = built.envelope as SMTPConnection.Envelope;
    const raw = built.message as unknown as Buffer;
    const reused = this.takeIdle();
    if (reused) {
      try {
        return { messageId: String(built.messageId), response: await this.transfer(reused, envelope, raw) };
      } catch (err) {
        // The server may have closed the idle connection: nothing of this message reached it, so
        // it goes once more over a new connection.
        const e = err as SmtpError & { beforeBody?: boolean };
        if (!e.beforeBody || typeof e.responseCode === "number") throw err;
      }
    }
    const conn = await this.open();
    return { messageId: String(built.messageId), response: await this.transfer(conn, envelope, raw) };
  }

  private open(): Promise<SMTPConnection> {
    return new Promise((resolve, reject) => {
      const conn = new SMTPConnection(this.options);
      let settled = false;
      const fail = (err: Error) => {
        if (settled) return;
        settled = true;
        conn.close();
        reject(err);
      };
      // SMTPConnection reports connection failures as 'error' events (also after a send, when the
      // send's own callback has the error): a listener must always be there.
      conn.on("error", (err: Error) => {
        this.alive.delete(conn);
        fail(err);
      });
      conn.once("end", () => this.alive.delete(conn));
      conn.connect((err) => {
        if (err) return fail(err);
        const ready = () => {
          if (settled) return;
          settled = true;
          this.alive.add(conn);
          resolve(conn);
        };
        if (this.options.auth && conn.allowsAuth) conn.login(this.options.auth, (loginErr) => (loginErr ? fail(loginErr) : ready()));
        else ready();
      });
    });
  }

  /** One message over an open connection. Resolves with the server's final answer. */
  private transfer(conn: SMTPConnection, envelope: SMTPConnection.Envelope, raw: Buffer): Promise<string> {
    return new Promise((resolve, reject) => {
      let bodyStarted = false;
      // Read only when SMTPConnection pipes it into the DATA stream, after the server's 354.
      const body = new Readable({
        read() {
          if (bodyStarted) return;
          bodyStarted = true;
          this.push(raw);
          this.push(null);
        },
      });
      conn.send(envelope, body, (err, info) => {
        if (!err) {
          this.release(conn);
          return resolve(String(info.response ?? ""));
        }
        this.alive.delete(conn);
        conn.close();
        const e = err as SmtpError;
        if (bodyStarted && typeof e.responseCode !== "number") return reject(inDoubtError(e));
        reject(Object.assign(e, { beforeBody: !bodyStarted }));
      });
    });
  }

  private release(conn: SMTPConnection): void {
    if (this.closed || !this.alive.has(conn)) {
      conn.quit();
      return;
    }
    this.idle = conn;
    this.idleTimer = setTimeout(() => this.takeIdle()?.quit(), IDLE_CLOSE_MS);
    this.idleTimer.unref();
  }

  private takeIdle(): SMTPConnection | null {
    if (this.idleTimer) clearTimeout(this.idleTimer);
    this.idleTimer = null;
    const conn = this.idle;
    this.idle = null;
    return conn && this.alive.has(conn) ? conn : null;
  }
}
