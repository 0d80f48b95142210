/**
 * PV1-36 (discharge disposition) to the discharge destination the app records. A PAS in England
 * sends the NHS Data Dictionary's DISCHARGE DESTINATION code; the names below are that list's
 * for the codes a spinal ward sees most. A code not listed is recorded as the PAS sent it (its
 * text, or the code itself), never guessed.
 */
const NHS_DISCHARGE_DESTINATIONS: Record<string, string> = {
  "19": "Usual place of residence",
  "29": "Temporary place of residence",
  "51": "Another NHS hospital: ward for general patients",
  "54": "NHS run care home",
  "65": "Local authority residential accommodation",
  "79": "Not applicable: patient died",
  "85": "Non-NHS run care home",
  "87": "Non-NHS run hospital",
};

export function dischargeDestination(code: string, text: string): string {
  const trimmed = code.trim();
  const named = NHS_DISCHARGE_DESTINATIONS[trimmed];
  if (named) return named;
  if (text.trim()) return text.trim().slice(0, 200);
  if (trimmed) return `PAS discharge code ${trimmed.slice(0, 20)} (not in the app's list)`;
  return "Not given by the hospital feed";
}
