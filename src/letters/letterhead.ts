import type { Actor } from "../audit/audit.ts";
import { writeAudit } from "../audit/audit.ts";
import type { Db } from "../db/knex.ts";
import type { InputReader } from "../web/validation.ts";
import type { Conn } from "./repository.ts";

/** The sending service's own details, printed at the head of every letter. Admins keep them. */
export interface ServiceDetails {
  hospital: string | null;
  department: string | null;
  address: string | null;
  phone: string | null;
}

const BLANK: ServiceDetails = { hospital: null, department: null, address: null, phone: null };
const ROW_ID = 1;

export async function findServiceDetails(db: Conn): Promise<ServiceDetails> {
  const row = await db("service_details").where({ id: ROW_ID }).first();
  return row ? { hospital: row.hospital ?? null, department: row.department ?? null, address: row.address ?? null, phone: row.phone ?? null } : { ...BLANK };
}

/** Saves the service details (there is one row), audited with the values before and after. */
export async function saveServiceDetails(db: Db, actor: Actor, input: ServiceDetails, now: string): Promise<void> {
  await db.transaction(async (trx) => {
    const before = await findServiceDetails(trx);
    const exists = await trx("service_details").where({ id: ROW_ID }).first("id");
    if (exists) await trx("service_details").where({ id: ROW_ID }).update({ ...input, updated_at: now });
    else await trx("service_details").insert({ id: ROW_ID, ...input, updated_at: now });
    await writeAudit(trx, { at: now, actor, patientId: null, entity: "service-details", entityId: ROW_ID, action: exists ? "correct" : "create", before: exists ? before : null, after: input });
  });
}

export function readServiceDetails(input: InputReader): ServiceDetails {
  const hospital = input.text("hospital", { label: "Hospital", required: true, max: 200 });
  const department = input.text("department", { label: "Department", required: true, max: 200 });
  const address = input.text("address", { label: "Address", required: true, max: 500 });
  const phone = input.text("phone", { label: "Phone", required: true, max: 40 });
  return input.result({ hospital, department, address, phone });
}

/** An address typed on several lines (any of \r\n, \n or \r), as trimmed lines without blanks. */
export function addressLines(address: string | null | undefined): string[] {
  return (address ?? "").split(/\r\n|\r|\n/).map((l) => l.trim()).filter(Boolean);
}
