/**
 * The hospital feed: one MLLP frame in, its stored outcome and its HL7 acknowledgement out.
 * The ACK is built only after the outcome is committed, so AA always means "stored".
 */
import type { Db } from "../db/knex.ts";
import { applyAdt, eventTime, messageFields, NotApplied, type Outcome, type Received } from "./adt.ts";
import { buildAck, ERROR_CODES, type ReadMessage, readMessage, UnreadableMessage } from "./message.ts";
import type { FrameIn } from "./mllp.ts";
import { insertFeedMessage } from "./store.ts";

export interface FeedOptions {
  maxMessageBytes: number;
  clock: () => Date;
  log?: (line: string) => void;
}

/** The text of a frame: UTF-8 unless MSH-18 names ISO 8859-1 (some PAS still send it). */
export function decodeFrame(bytes: Buffer): string {
  const header = bytes.subarray(0, 1000).toString("latin1").split(/[\r\n]/)[0];
  const charset = header.split(header[3] ?? "|")[17] ?? "";
  return /8859/.test(charset) ? bytes.toString("latin1") : bytes.toString("utf8");
}

/** Handles one frame from the listener; answers the ACK's text (never throws for a bad message). */
export async function receiveFrame(db: Db, frame: FrameIn, options: FeedOptions): Promise<string> {
  const now = options.clock();
  if (frame.kind === "too-large") {
    const text = `Message refused: larger than the ${Math.round(options.maxMessageBytes / 1024)} KB limit; it was not stored`;
    await storeRejected(db, now, `(${frame.bytes} bytes or more, not kept)`, text);
    return buildAck(null, "AR", text, now, ERROR_CODES.dataTypeError);
  }
  const raw = decodeFrame(frame.bytes);
  if (frame.kind === "unframed") {
    const text = "Not an MLLP frame: the message must start with VT (0x0B) and end with FS CR (0x1C 0x0D)";
    await storeRejected(db, now, raw, text);
    return buildAck(null, "AR", text, now, ERROR_CODES.dataTypeError);
  }
  return receiveMessage(db, raw, { ...options, clock: () => now });
}

/** Handles one message's text: stored with its outcome, answered AA, AE or AR. */
export async function receiveMessage(db: Db, raw: string, options: Pick<FeedOptions, "clock" | "log">): Promise<string> {
  const now = options.clock();
  let message: ReadMessage;
  try {
    message = readMessage(raw);
  } catch (err) {
    if (!(err instanceof UnreadableMessage)) throw err;
    await storeRejected(db, now, raw, err.message);
    return buildAck(null, "AR", err.message, now, ERROR_CODES.dataTypeError);
  }
  if (message.type !== "ADT") {
    const text = `Message type ${message.type} is not accepted here: this interface takes ADT only`;
    await storeRejected(db, now, message.text, text, message);
    return buildAck(message, "AR", text, now, ERROR_CODES.unsupportedMessageType);
  }
  const received: Received = { message, receivedAt: now.toISOString(), eventAt: eventTime(message), appliedKey: `${message.sender}|${message.controlId}`.slice(0, 450) };
  const outcome = await outcomeOf(db, received, options.log);
  return buildAck(message, outcome.ack, outcome.text, now, outcome.error);
}

async function outcomeOf(db: Db, r: Received, log?: (line: string) => void): Promise<Outcome> {
  try {
    return await applyAdt(db, r);
  } catch (err) {
    const outcome: Outcome = err instanceof NotApplied ? err.outcome : { status: "failed", ack: "AE", text: "The app could not store this message (internal error): send it again", error: ERROR_CODES.internalError };
    if (!(err instanceof NotApplied)) log?.(`HL7 feed: message ${r.message.controlId} failed: ${(err as Error).stack ?? err}`);
    await insertFeedMessage(db, { ...messageFields(r, outcome), patientId: outcome.patientId ?? null, episodeId: outcome.episodeId ?? null });
    return outcome;
  }
}

async function storeRejected(db: Db, now: Date, raw: string, reason: string, message?: ReadMessage): Promise<void> {
  await insertFeedMessage(db, {
    receivedAt: now.toISOString(),
    controlId: message?.controlId ?? null,
    sender: message?.sender ?? null,
    event: message?.event ?? null,
    eventAt: null,
    status: "rejected",
    ackCode: "AR",
    reason,
    raw,
  });
}
