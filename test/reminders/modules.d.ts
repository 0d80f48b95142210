// Minimal typings for the test-only SMTP server and MIME parser (they ship none).
declare module "smtp-server" {
  import type { Server } from "node:net";
  import type { Readable } from "node:stream";
  export interface SMTPServerSession {
    envelope: { mailFrom: { address: string } | false; rcptTo: { address: string }[] };
  }
  export interface SMTPServerOptions {
    authOptional?: boolean;
    disabledCommands?: string[];
    logger?: boolean;
    size?: number;
    onData?: (stream: Readable, session: SMTPServerSession, callback: (err?: Error | null) => void) => void;
  }
  export class SMTPServer {
    constructor(options: SMTPServerOptions);
    server: Server;
    listen(port: number, host: string, callback?: () => void): void;
    close(callback?: () => void): void;
    on(event: "error", listener: (err: Error) => void): this;
  }
}

declare module "mailparser" {
  export interface AddressObject {
    value: { address?: string; name: string }[];
    text: string;
  }
  export interface ParsedMail {
    subject?: string;
    text?: string;
    html?: string | false;
    to?: AddressObject | AddressObject[];
    messageId?: string;
    headers: Map<string, unknown>;
    attachments: { filename?: string; contentType: string; content: Buffer }[];
  }
  export function simpleParser(source: Buffer | string): Promise<ParsedMail>;
}
