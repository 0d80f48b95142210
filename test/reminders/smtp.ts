import net from "node:net";
import type { AddressInfo } from "node:net";
import { type ParsedMail, simpleParser } from "mailparser";
import { SMTPServer } from "smtp-server";

export interface Received {
  to: string[];
  raw: Buffer;
  parsed: ParsedMail;
}

/** A real SMTP server on a free local port that keeps what it receives, for tests and benchmarks. */
export class TestSmtpServer {
  readonly messages: Received[] = [];
  private server: SMTPServer | null = null;
  port = 0;

  constructor(private readonly parse = true) {}

  async start(port = this.port): Promise<this> {
    const server = new SMTPServer({
      authOptional: true,
      disabledCommands: ["STARTTLS", "AUTH"],
      logger: false,
      onData: (stream, session, callback) => {
        const chunks: Buffer[] = [];
        stream.on("data", (c: Buffer) => chunks.push(c));
        stream.on("end", () => {
          const raw = Buffer.concat(chunks);
          const to = session.envelope.rcptTo.map((r) => r.address);
          if (!this.parse) {
            this.messages.push({ to, raw, parsed: undefined as unknown as ParsedMail });
            return callback();
          }
          simpleParser(raw).then((parsed) => {
            this.messages.push({ to, raw, parsed });
            callback();
          }, callback);
        });
      },
    });
    server.on("error", () => undefined);
    await new Promise<void>((resolve) => server.listen(port, "127.0.0.1", resolve));
    this.server = server;
    this.port = (server.server.address() as AddressInfo).port;
    return this;
  }

  get url(): string {
    return `smtp://127.0.0.1:${this.port}`;
  }

  async stop(): Promise<void> {
    const server = this.server;
    this.server = null;
    if (server) await new Promise<void>((resolve) => server.close(() => resolve()));
  }

  /** How many times each Message-ID arrived. */
  countsByMessageId(): Map<string, number> {
    const counts = new Map<string, number>();
    for (const m of this.messages) {
      const id = m.parsed?.messageId ?? /^message-id:\s*(\S+)/im.exec(m.raw.toString("utf8"))?.[1] ?? "";
      counts.set(id, (counts.get(id) ?? 0) + 1);
    }
    return counts;
  }
}

/** What the scripted server does with one message. */
export type SmtpScript = "deliver" | "drop-at-rcpt" | "drop-after-body";

/**
 * A minimal SMTP server over a plain socket that can drop the connection at a chosen point:
 * at RCPT (before the message body), or after the body's final dot without answering it.
 * Each message takes the next entry of `script` (then "deliver").
 */
export class ScriptedSmtpServer {
  script: SmtpScript[] = [];
  /** Every message body that arrived whole (up to the final dot), answered or not. */
  readonly bodies: string[] = [];
  private server: net.Server | null = null;
  private readonly sockets = new Set<net.Socket>();
  port = 0;

  async start(): Promise<this> {
    const server = net.createServer((socket) => this.session(socket));
    await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
    this.server = server;
    this.port = (server.address() as AddressInfo).port;
    return this;
  }

  get url(): string {
    return `smtp://127.0.0.1:${this.port}`;
  }

  /** How many bodies carried the given text (e.g. an X-Outbox-Key). */
  received(text: string): number {
    return this.bodies.filter((b) => b.includes(text)).length;
  }

  async stop(): Promise<void> {
    for (const s of this.sockets) s.destroy();
    const server = this.server;
    this.server = null;
    if (server) await new Promise<void>((resolve) => server.close(() => resolve()));
  }

  private session(socket: net.Socket): void {
    this.sockets.add(socket);
    socket.on("close", () => this.sockets.delete(socket));
    socket.on("error", () => undefined);
    let buffer = "";
    let inData = false;
    let current: SmtpScript = "deliver";
    const reply = (line: string) => socket.write(`${line}\r\n`);
    reply("220 scripted.test ESMTP");
    socket.on("data", (chunk: Buffer) => {
      buffer += chunk.toString("latin1");
      for (;;) {
        if (inData) {
          const end = buffer.indexOf("\r\n.\r\n");
          if (end < 0) return;
          this.bodies.push(buffer.slice(0, end));
          buffer = buffer.slice(end + 5);
          inData = false;
          if (current === "drop-after-body") return void socket.destroy();
          reply("250 2.0.0 Ok: queued");
          continue;
        }
        const eol = buffer.indexOf("\r\n");
        if (eol < 0) return;
        const line = buffer.slice(0, eol);
        buffer = buffer.slice(eol + 2);
        const verb = line.slice(0, 4).toUpperCase();
        if (verb === "EHLO" || verb === "HELO") reply("250 scripted.test");
        else if (verb === "MAIL") {
          current = this.script.shift() ?? "deliver";
          reply("250 2.1.0 Ok");
        } else if (verb === "RCPT") {
          if (current === "drop-at-rcpt") return void socket.destroy();
          reply("250 2.1.5 Ok");
        } else if (verb === "DATA") {
          inData = true;
          reply("354 End data with <CR><LF>.<CR><LF>");
        } else if (verb === "QUIT") {
          reply("221 2.0.0 Bye");
          socket.end();
          return;
        } else reply("250 Ok");
      }
    });
  }
}
