import type { Db } from "../db/knex.ts";
import type { InputReader } from "../web/validation.ts";
import { LETTER_KIND_INFO, LETTER_KINDS, type LetterKind, RECIPIENT_KINDS, type RecipientInput, SEND_METHODS, type SendMethod } from "./model.ts";
import { findRecipient } from "./repository.ts";

/** A letter request: its kind (when starting one), recipient (unless the GP letter) and the clinician's paragraph. */
export async function readLetterRequest(db: Db, input: InputReader, withKind: boolean, knownKind?: LetterKind) {
  const kind = withKind ? input.choice("kind", LETTER_KINDS, { label: "Letter", required: true }) : (knownKind ?? null);
  const freeText = input.text("freeText", { label: "Additional paragraph", max: 5000 });
  let recipientId: number | null = null;
  if (kind && LETTER_KIND_INFO[kind].recipients.length > 0) {
    const raw = input.raw("recipientId");
    const id = typeof raw === "string" && /^\d{1,9}$/.test(raw) ? Number(raw) : null;
    const recipient = id ? await findRecipient(db, id) : null;
    if (!recipient || !recipient.active || !LETTER_KIND_INFO[kind].recipients.includes(recipient.kind)) input.fail("recipientId", "Select who the letter is to");
    else recipientId = recipient.id;
  }
  // The GP letter goes to the GP already: a copy is for the other letters.
  const ccGp = kind !== "gp" && input.checkbox("ccGp");
  return input.result({ kind, recipientId, freeText, ccGp });
}

/** How a letter was sent; the NSCISB web form only for an SCI referral. */
export function readSendMethod(input: InputReader, kind: LetterKind): SendMethod {
  const methods = SEND_METHODS.filter((m) => m !== "nscisb-web-form" || kind === "sci-referral");
  const method = input.choice("method", methods, { label: "How the letter was sent", required: true });
  return input.result({ method }).method!;
}

/** The National Spinal Cord Injury Database's reference: letters, digits, spaces, "-" and "/". */
export function readNscisbReference(input: InputReader): string {
  const reference = input.text("nscisbReference", { label: "NSCISB reference number", required: true, max: 60 });
  if (reference && !/^[A-Za-z0-9][A-Za-z0-9 /-]*$/.test(reference)) input.fail("nscisbReference", "NSCISB reference number must contain only letters, numbers, spaces, hyphens and slashes");
  return input.result({ reference }).reference!;
}

export function readRecipient(input: InputReader): RecipientInput {
  const kind = input.choice("kind", RECIPIENT_KINDS, { label: "Type of service", required: true });
  const name = input.text("name", { label: "Name", required: true, max: 200 });
  const department = input.text("department", { label: "Department or hospital", max: 200 });
  const address = input.text("address", { label: "Address", max: 500 });
  const email = input.email("email", { label: "Email address" });
  const phone = input.text("phone", { label: "Phone", max: 40 });
  const regional = input.checkbox("regional");
  const active = input.bool("active", { label: "The recipient is in use", required: true });
  if (regional && kind !== "sci-centre") input.fail("regional", "Only a spinal cord injury centre can be the regional centre");
  return input.result({ kind: kind!, name: name!, department, address, email, phone, regional, active: active! });
}
