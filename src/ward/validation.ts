import { randomUUID } from "node:crypto";
import { formatDateTime, formatTime, londonParts } from "../time.ts";
import type { InputReader } from "../web/validation.ts";
import { CATHETER_TYPES, EVENT_TYPES, SCAN_PHASES, type BladderEventInput, type EventType } from "./model.ts";

/** How far back a bladder event may be recorded. */
export const BACKDATE_LIMIT_MS = 24 * 3600_000;
const DAY_MS = 24 * 3600_000;
export const EVENT_FIELDS = ["type", "at", "phase", "volumeMl", "sensationToVoid", "catheterType", "sensate", "catheterTugDone", "catheterTugResult", "clientId"] as const;

/**
 * The idempotency key a page form's row is stored with. A page form is saved once by the app-wide
 * one-time form key (web/once.ts), so each post that reaches a service is a new row: a fresh key.
 */
export function formRowKey(): string {
  return `form:${randomUUID()}`;
}

/**
 * The API's clientId (optional), scoped to the token that sent it ("api:<token id>:<clientId>"), so
 * two systems choosing the same id never meet; without one each call stores a new event.
 */
export function readClientKey(reader: InputReader, tokenId: number | null): string {
  const value = reader.raw("clientId");
  if (value === undefined || value === null) return `api-none:${randomUUID()}`;
  if (typeof value !== "string" || !/^[\x21-\x7e]{1,100}$/.test(value)) {
    reader.fail("clientId", "clientId must be 1 to 100 printable characters without spaces");
    return "";
  }
  return `api:${tokenId ?? "system"}:${value}`;
}

/** Times are refused in the future and more than 24 h back. */
export function checkEventTime(reader: InputReader, field: string, at: string | null, now: string): void {
  if (at === null) return;
  const t = Date.parse(at);
  const n = Date.parse(now);
  if (t > n) {
    // Just after midnight a time from last evening is typed on today's date: say which day to change it to.
    const dayBefore = t - DAY_MS <= n && t - DAY_MS >= n - BACKDATE_LIMIT_MS ? ` If it was yesterday, change the day to ${londonParts(new Date(t - DAY_MS)).day}.` : "";
    reader.fail(field, `The time cannot be in the future: it is now ${formatTime(now)} (UK time) and you entered ${formatDateTime(at)}.${dayBefore}`);
  } else if (t < n - BACKDATE_LIMIT_MS) {
    reader.fail(field, `The time can be set back at most 24 hours (to ${formatDateTime(new Date(n - BACKDATE_LIMIT_MS))}); you entered ${formatDateTime(at)}`);
  }
}

/** The parts of a form's date-and-time input, as the form carries them in its hidden `${field}Shown`. */
const TIME_PARTS = ["day", "month", "year", "time", "zone"] as const;

/**
 * Whether the date and time boxes of a form still hold what they were rendered with (hidden
 * `${field}Shown`, "day|month|year|time|zone"): "untouched" when they do or are empty, "changed"
 * when someone typed in them, "unknown" when the form did not say what it showed.
 */
export function typedTime(reader: InputReader, field: string): "untouched" | "changed" | "unknown" {
  const parts = TIME_PARTS.map((p) => reader.raw(`${field}-${p}`));
  if (parts.every((v) => v === undefined || v === null || (typeof v === "string" && v.trim() === ""))) return "untouched";
  if (parts.some((v) => v !== undefined && typeof v !== "string")) return "changed";
  const shown = reader.raw(`${field}Shown`);
  if (typeof shown !== "string") return "unknown";
  const typed = parts.map((v) => (typeof v === "string" ? v.trim() : "")).join("|");
  const rendered = shown.split("|").map((v) => v.trim()).join("|");
  return typed === rendered ? "untouched" : "changed";
}

/**
 * A bladder event from a form or JSON. In a form the type comes from the page (hidden field) and
 * `when` is "now" (the default: the moment it is saved) or "earlier" with the date and time in UK time.
 * The boxes are prefilled with the time the form was shown: a time typed over them is what happened,
 * so it is saved as "earlier" even when "now" is still chosen; untouched or empty boxes with "now"
 * give the save time. A form that does not say what it showed, with "now" and a time, is refused.
 */
export function readBladderEvent(reader: InputReader, now: string, fixedType?: EventType, options: { uSafeOpen?: boolean } = {}): BladderEventInput {
  const type = fixedType ?? reader.choice("type", EVENT_TYPES, { label: "Type of event", required: true });
  const at = readEventTime(reader, now);
  return eventFields(reader, now, type, at, options);
}

/** A void and its post-void scan from the one form: the void volume optional, the scan's required; one time for both. */
export function readVoidAndScan(reader: InputReader, now: string): { void: BladderEventInput; scan: BladderEventInput } {
  const at = readEventTime(reader, now) ?? now;
  const voided = reader.integer("voidVolumeMl", { label: "Volume voided", min: 0, max: 3000, unit: "ml" });
  const scanned = reader.integer("scanVolumeMl", { label: "Post-void bladder volume", min: 0, max: 3000, unit: "ml", required: true });
  const none = { sensationToVoid: null, catheterType: null };
  return {
    void: { type: "void", at, phase: null, volumeMl: voided, ...none },
    scan: { type: "scan", at, phase: "post-void", volumeMl: scanned ?? 0, ...none },
  };
}

/** When a form's or the API's event happened: "now", or the time typed (see readBladderEvent). */
function readEventTime(reader: InputReader, now: string): string | null {
  let at: string | null;
  if (reader.mode === "form") {
    const when = reader.choice("when", ["now", "earlier"] as const, { label: "When it happened", required: true });
    const typed = when === "now" ? typedTime(reader, "at") : "untouched";
    if (when === "earlier" || typed === "changed") {
      at = reader.instant("at", { label: "Date and time", required: true });
    } else if (typed === "unknown") {
      at = reader.fail("when", "A date and time are filled in but Now is chosen: choose Earlier to save the time you entered, or Now and clear the time");
    } else {
      at = when === "now" ? now : null;
    }
  } else {
    at = reader.instant("at", { label: "at", required: true });
  }
  checkEventTime(reader, "at", at, now);
  return at;
}

/** The fields of one type of event (JSON callers are told of fields that do not belong to it). */
function eventFields(reader: InputReader, now: string, type: EventType | null, at: string | null, options: { uSafeOpen?: boolean }): BladderEventInput {
  let phase: BladderEventInput["phase"] = null;
  let volumeMl: number | null = null;
  let sensationToVoid: boolean | null = null;
  let catheterType: BladderEventInput["catheterType"] = null;
  let safety: Pick<BladderEventInput, "sensate" | "catheterTugDone" | "catheterTugResult"> = {};
  const volume = (label: string, required: boolean) => reader.integer("volumeMl", { label, min: 0, max: 3000, unit: "ml", required });
  const notFor = (fields: string[]) => {
    if (reader.mode !== "json") return;
    for (const f of fields) if (reader.has(f)) reader.fail(f, `${f} is not recorded for a ${type} event`);
  };

  switch (type) {
    case "scan":
      phase = reader.choice("phase", SCAN_PHASES, { label: "Pre-void or post-void scan", required: true });
      volumeMl = volume("Bladder volume", true);
      sensationToVoid = reader.bool("sensationToVoid", { label: "the patient has a sensation to void", required: phase === "pre-void" });
      notFor(["catheterType"]);
      break;
    case "void":
      volumeMl = volume("Volume voided", false);
      notFor(["phase", "sensationToVoid", "catheterType"]);
      break;
    case "flip-flow-opening":
      volumeMl = volume("Volume drained", true);
      notFor(["phase", "sensationToVoid", "catheterType"]);
      break;
    case "recatheterised":
      catheterType = reader.choice("catheterType", CATHETER_TYPES, { label: "Type of catheter", required: reader.mode === "form" });
      safety = readSafetyChecks(reader, options.uSafeOpen === true && reader.mode === "form");
      notFor(["phase", "volumeMl", "sensationToVoid"]);
      break;
    case "catheter-removed":
      notFor(["phase", "volumeMl", "sensationToVoid", "catheterType"]);
      break;
    default:
      break;
  }
  if (type !== "recatheterised") notFor(["sensate", "catheterTugDone", "catheterTugResult"]);
  return { type: type ?? "scan", at: at ?? now, phase, volumeMl, sensationToVoid, catheterType, ...safety };
}

/**
 * What the U-SAFE alert asks to document at re-catheterisation: sensate or not, and the catheter
 * tug with its result. Required on the form while the alert is open; optional otherwise.
 */
function readSafetyChecks(reader: InputReader, required: boolean): Pick<BladderEventInput, "sensate" | "catheterTugDone" | "catheterTugResult"> {
  const sensate = reader.bool("sensate", { label: "the patient is sensate (U-SAFE)", required });
  const catheterTugDone = reader.bool("catheterTugDone", { label: "a catheter tug was done (U-SAFE)", required });
  const catheterTugResult = reader.text("catheterTugResult", { label: "The result of the catheter tug", required: catheterTugDone === true, max: 300 });
  return { sensate, catheterTugDone, catheterTugResult: catheterTugDone === true ? catheterTugResult : null };
}
