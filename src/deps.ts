import type { OidcClient } from "./auth/oidc/client.ts";
import type { Config } from "./config.ts";
import type { Db } from "./db/knex.ts";
import type { EpisodePanels } from "./patients/episode-panels.ts";

/** What the app is built from. Tests build it with their own database and clock. */
export interface AppDeps {
  db: Db;
  config: Config;
  /** The one source of "now" for the app, so tests can set the time. */
  clock: () => Date;
  /** Session expiry's clock (the wall clock unless a test sets it); sessions follow real time, not the clinical clock. */
  sessionClock?: () => Date;
  /** Panels other features show on the episode page. */
  episodePanels: EpisodePanels;
  /** Sign-in through the identity provider; by default made from config.oidc. Tests pass their own. */
  oidcClient?: OidcClient | null;
}
