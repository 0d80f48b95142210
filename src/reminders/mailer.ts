/**
 * The mail transport: SMTP when SMTP_URL is set (smtp:// or smtps://), otherwise each message is
 * written as an .eml file under data/outbox/ so the app runs with no mail server.
 */
import path from "node:path";
import nodemailer from "nodemailer";
import { ensurePrivateDir, writePrivateFile } from "../files.ts";
import type Mail from "nodemailer/lib/mailer/index.js";
import { SmtpSender, smtpOptions } from "./smtp-sender.ts";

export interface SendResult {
  messageId: string;
  emlFile: string | null;
}

export interface MailTransport {
  readonly description: string;
  /** `reference`: the outbox message id, for transports that carry one (GOV.UK Notify). */
  send(message: Mail.Options, fileName: string, reference?: string): Promise<SendResult>;
  close(): void;
}

/** A text message to a UK mobile number (+447...); `reference` is the outbox message id. */
export interface TextMessage {
  to: string;
  body: string;
  reference: string;
}

export interface TextTransport {
  readonly description: string;
  send(message: TextMessage, fileName: string): Promise<SendResult>;
  close(): void;
}

/** With no provider configured, each text message is written as a .txt file beside the .eml files. */
export function textFileTransport(dir: string): TextTransport {
  return {
    description: `text files in ${dir}`,
    async send(message, fileName) {
      ensurePrivateDir(dir);
      const file = path.join(dir, fileName.replace(/[^A-Za-z0-9._-]/g, "_"));
      writePrivateFile(file, `To: ${message.to}\nReference: ${message.reference}\n\n${message.body}\n`);
      return { messageId: `text-${message.reference}`, emlFile: path.basename(file) };
    },
    close: () => undefined,
  };
}

/**
 * SMTP (smtp-sender.ts): one connection at a time, reused for a batch. A send that may have been
 * delivered before the connection was lost fails with an error marked `inDoubt`.
 */
export function smtpTransport(url: string): MailTransport {
  if (!/^smtps?:\/\//.test(url)) throw new Error("SMTP_URL must start with smtp:// or smtps://");
  const sender = new SmtpSender(smtpOptions(url));
  return {
    description: `SMTP (${new URL(url).host})`,
    async send(message) {
      const { messageId } = await sender.send(message);
      return { messageId, emlFile: null };
    },
    close: () => sender.close(),
  };
}

export function emlFileTransport(dir: string): MailTransport {
  const transporter = nodemailer.createTransport({ streamTransport: true, buffer: true, newline: "unix" });
  return {
    description: `.eml files in ${dir}`,
    async send(message, fileName) {
      const info = await transporter.sendMail(message);
      ensurePrivateDir(dir);
      const file = path.join(dir, fileName.replace(/[^A-Za-z0-9._-]/g, "_"));
      writePrivateFile(file, info.message as unknown as Buffer);
      return { messageId: String(info.messageId), emlFile: path.basename(file) };
    },
    close: () => transporter.close(),
  };
}

export function outboxDir(dataDir: string): string {
  return path.join(dataDir, "outbox");
}

export function createMailTransport(config: { smtpUrl: string | null; dataDir: string }): MailTransport {
  return config.smtpUrl ? smtpTransport(config.smtpUrl) : emlFileTransport(outboxDir(config.dataDir));
}
