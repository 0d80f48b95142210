/**
 * NHS number: 10 digits (spaces allowed, e.g. "943 476 5919"), Modulus 11 check digit:
 * weights 10..2 on digits 1-9, check = 11 - (sum mod 11); 11 -> 0; 10 -> the number is invalid.
 */
export function isValidNhsNumber(value: string): boolean {
  if (typeof value !== "string") return false;
  const digits = value.replace(/ /g, "");
  if (!/^\d{10}$/.test(digits)) return false;
  let sum = 0;
  for (let i = 0; i < 9; i++) sum += Number(digits[i]) * (10 - i);
  const check = (11 - (sum % 11)) % 11;
  return check !== 10 && check === Number(digits[9]);
}

/** "9434765919" -> "943 476 5919", the way NHS numbers are read out and printed. */
export function formatNhsNumber(value: string): string {
  const digits = value.replace(/\s/g, "");
  return digits.length === 10 ? `${digits.slice(0, 3)} ${digits.slice(3, 6)} ${digits.slice(6)}` : digits;
}
