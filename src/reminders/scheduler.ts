/** Runs the reminder dispatcher every minute with node-cron (started by the server, never in tests). */
import cron from "node-cron";
import type { Config } from "../config.ts";
import type { Db } from "../db/knex.ts";
import { Dispatcher } from "./dispatcher.ts";
import { createMailTransport } from "./mailer.ts";

export interface Scheduler {
  dispatcher: Dispatcher;
  stop(): Promise<void>;
}

export function mailFrom(config: Pick<Config, "baseUrl">): string {
  return `"Spinal team" <no-reply@${new URL(config.baseUrl).hostname}>`;
}

export function startScheduler(db: Db, config: Config, clock: () => Date = () => new Date()): Scheduler {
  const transport = createMailTransport(config);
  const dispatcher = new Dispatcher({
    db,
    transport,
    clock,
    settings: { baseUrl: config.baseUrl, secret: config.sessionSecret, from: mailFrom(config) },
  });
  const run = () => {
    dispatcher.tick().then(
      (r) => {
        if (r.fired || r.sent || r.failed || r.inDoubt || r.digests) console.log(`Reminders: ${JSON.stringify(r)}`);
      },
      (err) => console.error("Reminders: tick failed", err),
    );
  };
  const task = cron.schedule("* * * * *", run, { timezone: "Europe/London", noOverlap: true, name: "reminders" });
  run();
  console.log(`Reminders: scheduler started; mail goes to ${transport.description}`);
  return {
    dispatcher,
    async stop() {
      await task.stop();
      await dispatcher.stop();
      transport.close();
    },
  };
}
