/** Runs the reminder dispatcher every minute with node-cron (started by the server, never in tests). */
import cron from "node-cron";
import type { Config } from "../config.ts";
import type { Db } from "../db/knex.ts";
import { Dispatcher } from "./dispatcher.ts";
import { type MailTransport, type TextTransport, createMailTransport, outboxDir, textFileTransport } from "./mailer.ts";
import { notifyClient, notifyMailTransport, notifyTextTransport } from "./notify.ts";

export interface Scheduler {
  dispatcher: Dispatcher;
  stop(): Promise<void>;
}

export function mailFrom(config: Pick<Config, "baseUrl">): string {
  return `"Spinal team" <no-reply@${new URL(config.baseUrl).hostname}>`;
}

/**
 * GOV.UK Notify for texts and email when NOTIFY_API_KEY is set; otherwise email by SMTP_URL or as
 * .eml files, and texts as .sms.txt files beside them.
 */
export function createTransports(config: Config): { transport: MailTransport; texts: TextTransport } {
  if (config.notify) {
    const client = notifyClient(config.notify);
    return { transport: notifyMailTransport(client, config.notify), texts: notifyTextTransport(client, config.notify) };
  }
  return { transport: createMailTransport(config), texts: textFileTransport(outboxDir(config.dataDir)) };
}

export function startScheduler(db: Db, config: Config, clock: () => Date = () => new Date()): Scheduler {
  const { transport, texts } = createTransports(config);
  const dispatcher = new Dispatcher({
    db,
    transport,
    texts,
    clock,
    settings: { baseUrl: config.baseUrl, secret: config.sessionSecret, from: mailFrom(config) },
  });
  const run = () => {
    dispatcher.tick().then(
      (r) => {
        if (r.fired || r.sent || r.failed || r.inDoubt || r.expired || r.digests) console.log(`Reminders: ${JSON.stringify(r)}`);
      },
      (err) => console.error("Reminders: tick failed", err),
    );
  };
  const task = cron.schedule("* * * * *", run, { timezone: "Europe/London", noOverlap: true, name: "reminders" });
  run();
  console.log(`Reminders: scheduler started; email goes to ${transport.description}, text messages to ${texts.description}`);
  return {
    dispatcher,
    async stop() {
      await task.stop();
      await dispatcher.stop();
      transport.close();
      texts.close();
    },
  };
}
