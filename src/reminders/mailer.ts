/**
 * The mail transport: SMTP when SMTP_URL is set (smtp:// or smtps://), otherwise each message is
 * written as an .eml file under data/outbox/ so the app runs with no mail server.
 */
import path from "node:path";
import nodemailer from "nodemailer";
import { ensurePrivateDir, writePrivateFile } from "../files.ts";
import type Mail from "nodemailer/lib/mailer/index.js";

export interface SendResult {
  messageId: string;
  emlFile: string | null;
}

export interface MailTransport {
  readonly description: string;
  send(message: Mail.Options, fileName: string): Promise<SendResult>;
  close(): void;
}

export function smtpTransport(url: string): MailTransport {
  if (!/^smtps?:\/\//.test(url)) throw new Error("SMTP_URL must start with smtp:// or smtps://");
  const pooled = url.includes("pool=") ? url : `${url}${url.includes("?") ? "&" : "?"}pool=true`;
  const transporter = nodemailer.createTransport(pooled);
  return {
    description: `SMTP (${new URL(url).host})`,
    async send(message) {
      const info = await transporter.sendMail(message);
      return { messageId: String(info.messageId), emlFile: null };
    },
    close: () => transporter.close(),
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
