/**
 * Reading an HL7 v2 message and writing its acknowledgement. Segments, repetitions and components
 * are split by @medplum/core's Hl7Message (with the separators the message declares in MSH-1/2);
 * this file adds what it leaves out: checking that the text is a message at all, unescaping values
 * (\F\ \S\ \T\ \R\ \E\ \Xhh\), safe access to fields a sender left off, HL7 times, and ACKs with
 * MSA-1 AA/AE/AR, MSA-3 and an ERR segment.
 */
import { Hl7Message, type Hl7Segment } from "@medplum/core";
import { londonLocalToInstant } from "../time.ts";

export class UnreadableMessage extends Error {}

export interface ReadMessage {
  /** The message as received, segments separated by CR. */
  text: string;
  parsed: Hl7Message;
  /** MSH-9.1 and MSH-9.2: "ADT", "A02". */
  type: string;
  event: string;
  controlId: string;
  /** MSH-3 and MSH-4: who sent it (control ids are unique per sender). */
  sender: string;
  version: string;
}

/** Segments end in CR; engines and test files also send LF or CRLF. */
export function normaliseSegments(text: string): string {
  return text.replace(/\r\n|\n/g, "\r").replace(/\r+$/, "");
}

/** Reads a message's header; UnreadableMessage when it is not an HL7 v2 message we can answer. */
export function readMessage(raw: string): ReadMessage {
  const text = normaliseSegments(raw);
  if (!/^MSH[^A-Za-z0-9\r]/.test(text)) throw new UnreadableMessage("The message does not start with an MSH segment");
  let parsed: Hl7Message;
  try {
    parsed = Hl7Message.parse(text);
  } catch {
    throw new UnreadableMessage("The message cannot be split into segments and fields");
  }
  const msh = parsed.getSegment("MSH");
  if (!msh) throw new UnreadableMessage("The message has no MSH segment");
  const controlId = value(msh, 10);
  const type = value(msh, 9, 1);
  const event = value(msh, 9, 2);
  if (controlId === "") throw new UnreadableMessage("MSH-10 (message control id) is empty");
  if (type === "") throw new UnreadableMessage("MSH-9 (message type) is empty");
  return { text, parsed, type, event, controlId, sender: `${value(msh, 3)}|${value(msh, 4)}`, version: value(msh, 12) || "2.4" };
}

/** The first segment with this name, or null. */
export function segment(message: ReadMessage, name: string): Hl7Segment | null {
  return message.parsed.getSegment(name) ?? null;
}

/** How many repetitions a field has (0 when it is empty or absent). */
export function repetitions(seg: Hl7Segment | null, field: number): number {
  const f = fieldOf(seg, field);
  if (!f) return 0;
  return f.components.length === 1 && f.components[0].every((c) => c === "") ? 0 : f.components.length;
}

/** A field's component (1-based, like PV1-3.3), first subcomponent, unescaped; "" when absent. */
export function value(seg: Hl7Segment | null, field: number, component = 1, repetition = 1): string {
  if (!seg) return "";
  const raw = fieldOf(seg, field)?.components[repetition - 1]?.[component - 1] ?? "";
  return unescape(raw.split(seg.context.subcomponentSeparator)[0], seg);
}

function fieldOf(seg: Hl7Segment | null, field: number) {
  if (!seg) return undefined;
  // Hl7Segment counts MSH-1 (the field separator) as no field of its own.
  const index = seg.name === "MSH" ? field - 1 : field;
  return seg.fields[index];
}

/** HL7 escape sequences back to text. Formatting (\.br\, \H\ ...) and unknown sequences become a space or nothing. */
export function unescape(text: string, seg: Pick<Hl7Segment, "context">): string {
  const c = seg.context;
  if (!text.includes(c.escapeCharacter)) return text;
  const e = c.escapeCharacter.replace(/[.*+?^${}()|[\]\\]/g, "\\$&");
  return text.replace(new RegExp(`${e}([^${e}]*)${e}`, "g"), (_all, code: string) => {
    switch (code) {
      case "F":
        return c.fieldSeparator;
      case "S":
        return c.componentSeparator;
      case "T":
        return c.subcomponentSeparator;
      case "R":
        return c.repetitionSeparator;
      case "E":
        return c.escapeCharacter;
      case ".br":
        return "\n";
      default:
        if (/^X([0-9A-Fa-f]{2})+$/.test(code)) return Buffer.from(code.slice(1), "hex").toString("latin1");
        return "";
    }
  });
}

/** Escapes text to put in a field of an ACK (our own separators: |^~\&). */
export function escapeField(text: string): string {
  return text.replace(/\\/g, "\\E\\").replace(/\|/g, "\\F\\").replace(/\^/g, "\\S\\").replace(/&/g, "\\T\\").replace(/~/g, "\\R\\").replace(/[\r\n]+/g, " ");
}

/**
 * An HL7 time (YYYY[MM[DD[HH[MM[SS[.S]]]]]][+/-ZZZZ]) as a UTC instant. Without an offset it is
 * London time (a PAS in England sends local time); in October's repeated hour the first (BST) is
 * taken, as for a typed time with no zone. Null when empty; "invalid" when it is no real time.
 */
export function hl7Instant(text: string): string | null | "invalid" {
  if (text === "") return null;
  const m = /^(\d{4})(\d{2})(\d{2})(?:(\d{2})(\d{2})?(?:(\d{2})(?:\.\d{1,4})?)?)?([+-]\d{4})?$/.exec(text);
  if (!m) return "invalid";
  const [, y, mo, d, h = "00", mi = "00", s = "00", zone] = m;
  if (Number(h) > 23 || Number(mi) > 59 || Number(s) > 59) return "invalid";
  if (zone) {
    const iso = `${y}-${mo}-${d}T${h}:${mi}:${s}${zone.slice(0, 3)}:${zone.slice(3)}`;
    const ms = Date.parse(iso);
    return Number.isFinite(ms) && new Date(Date.parse(`${y}-${mo}-${d}T00:00:00Z`)).toISOString().slice(0, 10) === `${y}-${mo}-${d}` ? new Date(ms).toISOString() : "invalid";
  }
  const local = londonLocalToInstant(`${y}-${mo}-${d}`, `${h}:${mi}`);
  if (!local.ok) return "invalid";
  return new Date(Date.parse(local.instant) + Number(s) * 1000).toISOString();
}

/** An HL7 date (YYYYMMDD, a time after it ignored) as YYYY-MM-DD; null when empty, "invalid" when no real date. */
export function hl7Date(text: string): string | null | "invalid" {
  if (text === "") return null;
  const m = /^(\d{4})(\d{2})(\d{2})/.exec(text);
  if (!m) return "invalid";
  const iso = `${m[1]}-${m[2]}-${m[3]}`;
  const check = new Date(`${iso}T00:00:00Z`);
  return Number.isFinite(check.getTime()) && check.toISOString().slice(0, 10) === iso ? iso : "invalid";
}

export type AckCode = "AA" | "AE" | "AR";

/** HL7 table 0357 error codes the feed answers with. */
export const ERROR_CODES = {
  requiredFieldMissing: "101^Required field missing",
  dataTypeError: "102^Data type error",
  tableValueNotFound: "103^Table value not found",
  unsupportedMessageType: "200^Unsupported message type",
  unsupportedEvent: "201^Unsupported event code",
  unknownKey: "204^Unknown key identifier",
  internalError: "207^Application internal error",
} as const;
export type ErrorCode = (typeof ERROR_CODES)[keyof typeof ERROR_CODES];

let ackSequence = 0;

/** UTC now as an HL7 time with its offset. */
function hl7Now(now: Date): string {
  return `${now.toISOString().replace(/[-:T]/g, "").slice(0, 14)}+0000`;
}

/**
 * The acknowledgement of a message (or of text that was none: then the header is ours alone).
 * MSA-3 carries the reason for AE/AR (v2.3-style engines read it), ERR-3 and ERR-8 the same for v2.5+.
 */
export function buildAck(message: ReadMessage | null, code: AckCode, text: string, now: Date, error?: ErrorCode): string {
  const msh = message ? segment(message, "MSH") : null;
  const raw = (field: number) => (msh ? escapeField(value(msh, field)) : "");
  const controlId = `ACK${now.getTime().toString(36)}${(ackSequence++ % 1_000_000).toString(36)}`;
  const event = message ? escapeField(message.event) : "";
  const segments = [
    `MSH|^~\\&|${raw(5) || "CES"}|${raw(6)}|${raw(3)}|${raw(4)}|${hl7Now(now)}||ACK^${event}^ACK|${controlId}|P|${message ? escapeField(message.version) : "2.4"}`,
    `MSA|${code}|${message ? escapeField(message.controlId) : ""}|${escapeField(text)}`,
  ];
  if (code !== "AA") segments.push(`ERR|||${error ?? ERROR_CODES.internalError}^HL70357|E||||${escapeField(text)}`);
  return segments.join("\r");
}
