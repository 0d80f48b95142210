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
