import { SYSTEM_ACTOR } from "../src/audit/audit.ts";
import type { Db } from "../src/db/knex.ts";
import type { SeedContext } from "../src/db/migrate.ts";
import { receiveMessage } from "../src/hl7/feed.ts";
import { setWardCode } from "../src/hl7/store.ts";
import { DEMO_WARD } from "./02_patients.ts";

const DEMO_CODE = "W3SP";

/** An HL7 time in UTC with its offset. */
function hl7(at: Date): string {
  return `${at.toISOString().replace(/[-:T]/g, "").slice(0, 14)}+0000`;
}

function adt(event: string, controlId: string, at: Date, nhsNumber: string, pv1: string): string {
  return [
    `MSH|^~\\&|PAS|RXX01|CES|RXX01|${hl7(at)}||ADT^${event}^ADT_${event}|${controlId}|P|2.4|||AL|NE`,
    `EVN|${event}|${hl7(at)}|||U123^CLERK^PAT|${hl7(at)}`,
    `PID|1||RXX100200^^^RXX01^MR~${nhsNumber}^^^NHS^NH||OKAFOR^GRACE^^^MRS||19780412|F`,
    pv1,
  ].join("\r");
}

/**
 * The hospital feed's demo: the PAS's code for the demo ward, and a few messages as the PAS sent
 * them (through the feed itself, so they are applied, ignored or failed exactly as live ones).
 */
export async function seed(db: Db, { now }: SeedContext): Promise<void> {
  if (await db("feed_ward_codes").where({ code: DEMO_CODE }).first()) return;
  const ward = await db("wards").where({ name: DEMO_WARD }).first("id");
  if (!ward) return;
  await setWardCode(db, SYSTEM_ACTOR, DEMO_CODE, ward.id as number, now.toISOString());
  const minutesAgo = (m: number) => new Date(now.getTime() - m * 60_000);
  const options = { clock: () => now };
  // Grace Okafor's admission to the bed she is in: applied, nothing to change.
  await receiveMessage(db, adt("A01", "DEMO-0001", minutesAgo(90), "9434765919", `PV1|1|I|${DEMO_CODE}^^4^RXX01`), options);
  // A transfer to a ward code nobody has mapped yet: failed (AE), the patient stays.
  await receiveMessage(db, adt("A02", "DEMO-0002", minutesAgo(60), "9434765919", "PV1|1|I|ICU1^^2^RXX01"), options);
  // An admission of a patient not under the spinal team: acknowledged and ignored.
  await receiveMessage(db, adt("A01", "DEMO-0003", minutesAgo(30), "9990000018", `PV1|1|I|${DEMO_CODE}^^9^RXX01`), options);
}
