import { createHmac, timingSafeEqual } from "node:crypto";

/** A signed, unguessable token naming one patient, for the one-click "stop these emails" link. */
export function unsubscribeToken(patientId: number, secret: string): string {
  return `${patientId}.${sign(patientId, secret)}`;
}

/** The patient id in a token, or null for a token that was not signed with this secret. */
export function verifyUnsubscribeToken(token: unknown, secret: string): number | null {
  if (typeof token !== "string" || token.length > 200) return null;
  const m = /^(\d{1,12})\.([A-Za-z0-9_-]{43})$/.exec(token);
  if (!m) return null;
  const id = Number(m[1]);
  const expected = Buffer.from(sign(id, secret));
  const given = Buffer.from(m[2]);
  return given.length === expected.length && timingSafeEqual(given, expected) ? id : null;
}

function sign(patientId: number, secret: string): string {
  return createHmac("sha256", secret).update(`unsubscribe:patient:${patientId}`).digest("base64url");
}

/**
 * A short signed token for the "stop these texts" link in a text message (a text has little room):
 * the patient id and 16 characters (96 bits) of a signature kept apart from the email link's.
 */
export function stopTextsToken(patientId: number, secret: string): string {
  return `${patientId}-${signTexts(patientId, secret)}`;
}

export function verifyStopTextsToken(token: unknown, secret: string): number | null {
  if (typeof token !== "string" || token.length > 40) return null;
  const m = /^(\d{1,12})-([A-Za-z0-9_-]{16})$/.exec(token);
  if (!m) return null;
  const id = Number(m[1]);
  const expected = Buffer.from(signTexts(id, secret));
  const given = Buffer.from(m[2]);
  return given.length === expected.length && timingSafeEqual(given, expected) ? id : null;
}

function signTexts(patientId: number, secret: string): string {
  return createHmac("sha256", secret).update(`stop-texts:patient:${patientId}`).digest("base64url").slice(0, 16);
}
