/**
 * UK mobile numbers, as patients and staff type them ("07700 900123", "+44 (0)7700-900123",
 * "0044 7700 900123"), normalised to the international form GOV.UK Notify takes: +447700900123.
 * 070 (personal numbers) and 076 (pagers, except the Isle of Man's 07624) are not mobiles.
 */
export function normaliseUkMobile(text: string): string | null {
  const compact = text.replace(/[\s().-]/g, "");
  const m = /^(?:\+44|0044|44)?0?(7\d{9})$/.exec(compact);
  if (!m) return null;
  const national = m[1];
  if (national.startsWith("70") || (national.startsWith("76") && !national.startsWith("7624"))) return null;
  return `+44${national}`;
}

/** +447700900123 as people read it: 07700 900123. */
export function formatUkMobile(normalised: string): string {
  const national = normalised.replace(/^\+44/, "0");
  return `${national.slice(0, 5)} ${national.slice(5)}`;
}
