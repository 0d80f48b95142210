/** The hospital feed (HL7 v2 ADT over MLLP): started with the app when HL7_MLLP_PORT is set. */
import type { Db } from "../db/knex.ts";
import { receiveFrame } from "./feed.ts";
import { listenMllp, type MllpListener } from "./mllp.ts";

export interface FeedListenerOptions {
  port: number;
  host?: string;
  maxMessageBytes: number;
  /** Connections at once (engines keep one or a few open). */
  maxConnections?: number;
  partialFrameTimeoutMs?: number;
  clock?: () => Date;
  log?: (line: string) => void;
}

/**
 * Listens for the PAS's messages. Several app instances may listen at once (on one database):
 * each message is stored with its outcome in one transaction and a resent one changes nothing.
 */
export function startFeedListener(db: Db, options: FeedListenerOptions): Promise<MllpListener> {
  const clock = options.clock ?? (() => new Date());
  const log = options.log ?? ((line: string) => console.error(line));
  return listenMllp(
    { port: options.port, host: options.host, maxMessageBytes: options.maxMessageBytes, maxConnections: options.maxConnections ?? 200, partialFrameTimeoutMs: options.partialFrameTimeoutMs, log },
    (frame) => receiveFrame(db, frame, { maxMessageBytes: options.maxMessageBytes, clock, log }),
  );
}

export type { MllpListener } from "./mllp.ts";
