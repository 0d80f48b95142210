// The read-only FHIR R4 API as a hospital system reads it: each resource and search, refusals,
// roles, paging, and every resource checked by @medplum/core's FHIR R4 validator.
import assert from "node:assert/strict";
import { after, before, describe, test } from "node:test";
import type { Bundle, CapabilityStatement, DocumentReference, Encounter, Flag, MedicationStatement, Observation, Patient, Procedure, Resource } from "@medplum/fhirtypes";
import supertest from "supertest";
import { optOutOfEmails } from "../../src/reminders/service.ts";
import { recordTwocOverride } from "../../src/ward/service.ts";
import { apiToken, createTestApp, type TestContext } from "../helpers/app.ts";
import { nhsNumber } from "../ward/helpers.ts";
import { CLINICIAN, fullRecordPatient, NURSE, validationErrors, type FullRecord } from "./helpers.ts";

const NHS = "https://fhir.nhs.uk/Id/nhs-number";
const BASE = "http://localhost:3000/fhir/R4";

describe("FHIR R4 API", () => {
  let ctx: TestContext;
  let token: string;
  let full: FullRecord;

  const get = (url: string, t: string | null = token) => {
    const req = supertest(ctx.app).get(url);
    return t ? req.set("authorization", `Bearer ${t}`) : req;
  };
  /** A 200 FHIR JSON answer's body. */
  const fetchOk = async <T extends Resource>(url: string): Promise<T> => {
    const res = await get(url);
    assert.equal(res.status, 200, `${url}: ${JSON.stringify(res.body)}`);
    assert.match(res.headers["content-type"], /^application\/fhir\+json/);
    return res.body as T;
  };
  const entries = <T extends Resource>(bundle: Bundle, type?: string): T[] =>
    (bundle.entry ?? []).map((e) => e.resource as T).filter((r) => !type || r.resourceType === type);
  /** The refusal, checked to be an OperationOutcome of that status and issue type; its diagnostics. */
  const refused = async (url: string, status: number, issue: string, t: string | null = token): Promise<string> => {
    const res = await get(url, t);
    assert.equal(res.status, status, `${url}: ${JSON.stringify(res.body)}`);
    assert.match(res.headers["content-type"], /^application\/fhir\+json/);
    assert.equal(res.body.resourceType, "OperationOutcome", url);
    assert.equal(res.body.issue[0].code, issue, url);
    assert.deepEqual(validationErrors(res.body), []);
    return res.body.issue[0].diagnostics as string;
  };

  before(async () => {
    ctx = await createTestApp();
    token = await apiToken(ctx.db, "clinician");
    full = await fullRecordPatient(ctx.db, ctx.clock.now().toISOString());
  });
  after(() => ctx.close());

  test("metadata: an open CapabilityStatement of the resources, interactions and search parameters served", async () => {
    const res = await get("/fhir/R4/metadata", null);
    assert.equal(res.status, 200);
    const cs = res.body as CapabilityStatement;
    assert.equal(cs.resourceType, "CapabilityStatement");
    assert.equal(cs.fhirVersion, "4.0.1");
    const byType = new Map(cs.rest![0].resource!.map((r) => [r.type, r]));
    assert.deepEqual([...byType.keys()], ["Patient", "Encounter", "Procedure", "Observation", "Flag", "MedicationStatement", "DocumentReference", "Binary", "CodeSystem"]);
    assert.equal(byType.get("Patient")!.profile, "https://fhir.hl7.org.uk/StructureDefinition/UKCore-Patient");
    assert.deepEqual(byType.get("Patient")!.operation!.map((o) => o.name), ["everything"]);
    assert.deepEqual(byType.get("Observation")!.searchParam!.map((p) => p.name), ["patient", "encounter", "date", "_count", "_offset"]);
    assert.deepEqual(byType.get("MedicationStatement")!.searchParam!.map((p) => p.name), ["patient", "context", "effective", "_count", "_offset"]);
    assert.deepEqual(byType.get("Flag")!.searchParam!.map((p) => p.name), ["patient", "encounter", "_count", "_offset"]);
    assert.deepEqual(byType.get("Binary")!.interaction, [{ code: "read" }]);
    assert.deepEqual(validationErrors(cs), []);
    // The API's OpenAPI document points to it.
    const openapi = await get("/api/v1/openapi.json", null);
    assert.equal(openapi.body.externalDocs.url, "/fhir/R4/metadata");
    // What the statement claims is what the routes do: a search parameter it does not list is refused.
    await refused(`/fhir/R4/Flag?patient=${full.patientId}&date=ge2026-01-01`, 400, "not-supported");
  });

  test("Patient by id: UK Core profile, NHS number, name, birth date, gender, GP practice; email only with consent", async () => {
    const p = await fetchOk<Patient>(`/fhir/R4/Patient/${full.patientId}`);
    assert.deepEqual(p.meta!.profile, ["https://fhir.hl7.org.uk/StructureDefinition/UKCore-Patient"]);
    assert.deepEqual(p.identifier, [{ system: NHS, value: full.nhsNumber }]);
    assert.deepEqual(p.name, [{ use: "official", family: "Everything", given: ["Robin"] }]);
    assert.equal(p.birthDate, "1972-03-15");
    assert.equal(p.gender, "other", "indeterminate is FHIR's other (UK Core's gender concept map)");
    assert.equal(p.generalPractitioner![0].display, "Fhir Lane Surgery");
    const gp = p.contained!.find((c) => `#${c.id}` === p.generalPractitioner![0].reference);
    assert.deepEqual(gp, { resourceType: "Organization", id: "gp", name: "Fhir Lane Surgery", address: [{ text: "3 Fhir Lane, Wakefield WF1 2BB" }], telecom: [{ system: "email", value: "fhirlane@example.nhs.uk", use: "work" }] });
    assert.deepEqual(p.telecom, [{ system: "email", value: "robin.everything@example.com", use: "home" }]);

    // The demo's David Hughes gave no email consent: no telecom.
    const hughes = entries<Patient>(await fetchOk<Bundle>(`/fhir/R4/Patient?identifier=${NHS}|9000000009`))[0];
    assert.equal(hughes.telecom, undefined);
    assert.equal(hughes.gender, "male");

    // A patient who stops emails is no longer sent with an email address.
    const fresh = await fullRecordPatient(ctx.db, ctx.clock.now().toISOString());
    await optOutOfEmails(ctx.db, fresh.patientId, ctx.clock.now().toISOString());
    assert.equal((await fetchOk<Patient>(`/fhir/R4/Patient/${fresh.patientId}`)).telecom, undefined);
  });

  test("Patient by NHS number: system|value or the digits alone; an unknown number is an empty Bundle; a bad one is refused", async () => {
    for (const identifier of [`${NHS}|${full.nhsNumber}`, full.nhsNumber]) {
      const bundle = await fetchOk<Bundle>(`/fhir/R4/Patient?identifier=${encodeURIComponent(identifier)}`);
      assert.equal(bundle.type, "searchset");
      assert.equal(bundle.total, 1);
      assert.equal(bundle.entry![0].fullUrl, `${BASE}/Patient/${full.patientId}`);
    }
    const none = await fetchOk<Bundle>(`/fhir/R4/Patient?identifier=${NHS}|${nhsNumber()}`);
    assert.equal(none.total, 0);
    assert.deepEqual(none.entry, []);
    assert.match(await refused(`/fhir/R4/Patient?identifier=${NHS}|123456789`, 400, "invalid"), /10 digits/);
    assert.match(await refused(`/fhir/R4/Patient?identifier=${NHS}|9434765918`, 400, "invalid"), /check digit/);
    assert.match(await refused(`/fhir/R4/Patient?identifier=http://example.org/mrn|9434765919`, 400, "invalid"), /Only NHS numbers/);
    assert.match(await refused("/fhir/R4/Patient", 400, "invalid"), /identifier=/);
    assert.match(await refused("/fhir/R4/Patient?name=Okafor", 400, "not-supported"), /name is not supported/);
  });

  test("Encounter per episode: period, ward and bed, discharge destination", async () => {
    const earlier = await fetchOk<Encounter>(`/fhir/R4/Encounter/${full.earlier.id}`);
    assert.equal(earlier.status, "finished");
    assert.equal(earlier.class.code, "IMP");
    assert.deepEqual(earlier.subject, { reference: `Patient/${full.patientId}` });
    assert.equal(earlier.period!.start, full.earlier.anaesthesiaStartAt);
    assert.ok(earlier.period!.end, "the discharge ends it");
    assert.equal(earlier.hospitalization!.dischargeDisposition!.text, "Home (usual residence)");
    assert.deepEqual(earlier.location!.map((l) => [l.location.display, l.physicalType!.coding![0].code, l.status]), [
      ["Ward 3 (Spinal)", "wa", "completed"],
      ["Ward 3 (Spinal), bed 12", "bd", "completed"],
    ]);
    const current = await fetchOk<Encounter>(`/fhir/R4/Encounter/${full.current.id}`);
    assert.equal(current.status, "in-progress");
    assert.equal(current.period!.end, undefined);
    assert.equal(current.hospitalization, undefined);
    assert.equal(current.location![1].location.display, "Ward 3 (Spinal), bed 9");
  });

  test("Procedure: the surgery's start time, the procedure and level as text", async () => {
    const proc = await fetchOk<Procedure>(`/fhir/R4/Procedure/${full.current.id}`);
    assert.equal(proc.status, "completed");
    assert.equal(proc.performedDateTime, full.current.anaesthesiaStartAt);
    assert.equal(proc.code!.text, "Hemilaminectomy at L5/S1");
    assert.equal(proc.code!.coding![0].system, `${BASE}/CodeSystem/ces-procedure`);
    assert.deepEqual(proc.bodySite, [{ text: "Spinal level L5/S1" }]);
    assert.deepEqual(proc.encounter, { reference: `Encounter/${full.current.id}` });
    assert.equal(proc.performer![0].actor.display, "Ms B Surgeon");
  });

  test("Observations: volume in UCUM mL, effective time, phase and sensation as components; a correction replaces what it corrects", async () => {
    const scan = await fetchOk<Observation>(`/fhir/R4/Observation/${full.events.preVoid}`);
    assert.equal(scan.status, "final");
    assert.equal(scan.code.coding![0].code, "bladder-scan-volume");
    assert.equal(scan.code.coding![0].system, `${BASE}/CodeSystem/ces-bladder-event`);
    assert.deepEqual(scan.valueQuantity, { value: 650, unit: "mL", system: "http://unitsofmeasure.org", code: "mL" });
    assert.equal(Date.parse(scan.effectiveDateTime!), ctx.clock.now().getTime() - 6 * 3600_000);
    assert.deepEqual(
      scan.component!.map((c) => [c.code.coding![0].code, c.valueCodeableConcept?.coding?.[0].code ?? c.valueBoolean]),
      [["scan-phase", "pre-void"], ["sensation-to-void", false]],
    );
    const drained = await fetchOk<Observation>(`/fhir/R4/Observation/${full.events.drained}`);
    assert.equal(drained.code.coding![0].code, "flip-flow-drained-volume");
    assert.equal(drained.valueQuantity!.value, 420);
    const voided = await fetchOk<Observation>(`/fhir/R4/Observation/${full.events.void}`);
    assert.equal(voided.code.coding![0].code, "voided-volume");
    assert.equal(voided.valueQuantity!.value, 220);
    const unmeasured = await fetchOk<Observation>(`/fhir/R4/Observation/${full.events.voidNoVolume}`);
    assert.equal(unmeasured.valueQuantity, undefined);
    assert.equal(unmeasured.dataAbsentReason!.text, "Volume not measured");

    const correction = await fetchOk<Observation>(`/fhir/R4/Observation/${full.events.correction}`);
    assert.equal(correction.status, "amended");
    assert.equal(correction.valueQuantity!.value, 180);
    assert.deepEqual(correction.component!.map((c) => c.valueCodeableConcept?.coding?.[0].code), ["post-void"]);
    assert.equal(await refused(`/fhir/R4/Observation/${full.events.corrected}`, 404, "not-found"), `Observation/${full.events.corrected} was replaced by a correction: Observation/${full.events.correction}`);
    // A catheter removal is an event of the ward, not an observation.
    await refused(`/fhir/R4/Observation/${full.events.removal}`, 404, "not-found");
  });

  test("Flags: U-SAFE while unresolved and the U6 lock, as the rule engine decides them now", async () => {
    const search = `/fhir/R4/Flag?patient=${full.patientId}`;
    const flags = entries<Flag>(await fetchOk<Bundle>(search));
    assert.deepEqual(flags.map((f) => [f.id, f.status, f.code.coding![0].code]), [
      [`usafe-${full.current.id}`, "active", "U-SAFE"],
      [`u6-${full.current.id}`, "active", "U6"],
    ]);
    assert.match(flags[0].code.text!, /^U-SAFE: Urgent: a bladder volume over 600 ml/);
    assert.deepEqual(flags[1].encounter, { reference: `Encounter/${full.current.id}` });
    assert.equal((await fetchOk<Flag>(`/fhir/R4/Flag/u6-${full.current.id}`)).id, `u6-${full.current.id}`);
    // The discharged episode has no flags.
    assert.equal((await fetchOk<Bundle>(`/fhir/R4/Flag?encounter=${full.earlier.id}`)).total, 0);
    await refused(`/fhir/R4/Flag/u6-${full.earlier.id}`, 404, "not-found");

    // Re-catheterised after the scan over 600 ml: U-SAFE is resolved; a clinician's override lifts U6.
    const now = ctx.clock.now().toISOString();
    const { recordBladderEvent } = await import("../../src/ward/service.ts");
    const patient = await fullRecordPatient(ctx.db, now);
    await recordBladderEvent(ctx.db, NURSE, patient.current, { type: "recatheterised", at: new Date(Date.parse(now) - 3600_000).toISOString(), phase: null, volumeMl: null, sensationToVoid: null, catheterType: "other" }, "fhir-recath", "form", now);
    assert.deepEqual(entries<Flag>(await fetchOk<Bundle>(`/fhir/R4/Flag?patient=${patient.patientId}`)).map((f) => f.code.coding![0].code), ["U6"]);
    await recordTwocOverride(ctx.db, CLINICIAN, patient.current, "Patient keen to try again; discussed with the consultant", "fhir-override", now);
    assert.equal((await fetchOk<Bundle>(`/fhir/R4/Flag?patient=${patient.patientId}`)).total, 0);
    await refused(`/fhir/R4/Flag/usafe-${patient.current.id}`, 404, "not-found");
  });

  test("MedicationStatement: the medication list, current and stopped", async () => {
    const list = entries<MedicationStatement>(await fetchOk<Bundle>(`/fhir/R4/MedicationStatement?patient=${full.patientId}`));
    assert.deepEqual(list.map((m) => [m.medicationCodeableConcept!.text, m.status]), [["Pregabalin", "active"], ["Codeine", "stopped"]]);
    assert.deepEqual(list[0].dosage, [{ text: "75 mg twice a day" }]);
    assert.equal(list[0].effectivePeriod!.end, undefined);
    assert.ok(list[1].effectivePeriod!.end);
    assert.deepEqual(list[1].statusReason, [{ text: "Constipation" }]);
    assert.deepEqual(list[0].context, { reference: `Encounter/${full.earlier.id}` });
    assert.equal((await fetchOk<Bundle>(`/fhir/R4/MedicationStatement?context=Encounter/${full.current.id}`)).total, 0);
    assert.equal((await fetchOk<Bundle>(`/fhir/R4/MedicationStatement?context=${full.earlier.id}`)).total, 2);
    await refused(`/fhir/R4/MedicationStatement?encounter=${full.earlier.id}`, 400, "not-supported");
  });

  test("DocumentReference for each sent letter version with its PDF at Binary; drafts are not sent", async () => {
    const docs = entries<DocumentReference>(await fetchOk<Bundle>(`/fhir/R4/DocumentReference?patient=${full.patientId}`));
    assert.deepEqual(docs.map((d) => d.id), full.letter.sentVersionIds.map(String));
    assert.deepEqual(docs.map((d) => d.status), ["superseded", "current"]);
    assert.equal(docs[1].description, "Letter to the GP, version 2");
    assert.deepEqual(docs[1].relatesTo, [{ code: "replaces", target: { reference: `DocumentReference/${docs[0].id}` } }]);
    const attachment = docs[1].content[0].attachment;
    assert.equal(attachment.contentType, "application/pdf");
    assert.equal(attachment.url, `${BASE}/Binary/${docs[1].id}`);

    const pdf = await get(`/fhir/R4/Binary/${docs[1].id}`).buffer(true);
    assert.equal(pdf.status, 200);
    assert.equal(pdf.headers["content-type"], "application/pdf");
    assert.equal(pdf.body.subarray(0, 5).toString(), "%PDF-");
    const binary = await get(`/fhir/R4/Binary/${docs[1].id}`).set("accept", "application/fhir+json");
    assert.equal(binary.body.resourceType, "Binary");
    assert.equal(binary.body.contentType, "application/pdf");
    assert.equal(Buffer.from(binary.body.data, "base64").subarray(0, 5).toString(), "%PDF-");
    assert.deepEqual(validationErrors(binary.body), []);

    await refused(`/fhir/R4/DocumentReference/${full.letter.draftVersionId}`, 404, "not-found");
    await refused(`/fhir/R4/Binary/${full.letter.draftVersionId}`, 404, "not-found");
  });

  test("$everything: one Bundle of the patient and every record; the searches find the same", async () => {
    const bundle = await fetchOk<Bundle>(`/fhir/R4/Patient/${full.patientId}/$everything`);
    const counts: Record<string, number> = {};
    for (const r of entries(bundle)) counts[r.resourceType] = (counts[r.resourceType] ?? 0) + 1;
    // 5 current observations (the corrected scan is replaced by its correction; the removal is no observation).
    assert.deepEqual(counts, { Patient: 1, Encounter: 2, Procedure: 2, MedicationStatement: 2, DocumentReference: 2, Observation: 5, Flag: 2 });
    for (const type of ["Encounter", "Procedure", "Observation", "Flag", "MedicationStatement", "DocumentReference"]) {
      const found = entries(await fetchOk<Bundle>(`/fhir/R4/${type}?patient=Patient/${full.patientId}`));
      assert.deepEqual(found, entries(bundle, type), type);
    }
    assert.equal(bundle.entry!.every((e) => e.fullUrl === `${BASE}/${e.resource!.resourceType}/${e.resource!.id}`), true);
    await refused("/fhir/R4/Patient/999999/$everything", 404, "not-found");
    await refused(`/fhir/R4/Patient/${full.patientId}/$everything?_type=Observation`, 400, "not-supported");
  });

  test("searches: patient=, encounter=, date ge/le (whole UK days, or instants), together", async () => {
    const obs = (query: string) => fetchOk<Bundle>(`/fhir/R4/Observation?${query}`).then((b) => entries<Observation>(b).map((o) => Number(o.id)));
    const { events: e } = full;
    const all = [e.voidNoVolume, e.correction, e.void, e.preVoid, e.drained];
    assert.deepEqual(await obs(`patient=${full.patientId}`), all);
    assert.deepEqual(await obs(`encounter=Encounter/${full.current.id}`), all);
    assert.deepEqual(await obs(`encounter=${full.earlier.id}`), []);
    // An encounter of another patient matches nothing.
    const other = await fullRecordPatient(ctx.db, ctx.clock.now().toISOString());
    assert.deepEqual(await obs(`patient=${full.patientId}&encounter=${other.current.id}`), []);
    assert.deepEqual(await obs(`patient=424242`), []);

    const hoursAgo = (h: number) => encodeURIComponent(new Date(ctx.clock.now().getTime() - h * 3600_000).toISOString());
    assert.deepEqual(await obs(`patient=${full.patientId}&date=ge${hoursAgo(6)}`), [e.preVoid, e.drained]);
    assert.deepEqual(await obs(`patient=${full.patientId}&date=le${hoursAgo(11)}`), [e.voidNoVolume, e.correction, e.void]);
    assert.deepEqual(await obs(`patient=${full.patientId}&date=ge${hoursAgo(12)}&date=le${hoursAgo(6)}`), [e.correction, e.void, e.preVoid]);
    // The clock is 2026-11-24T10:00Z (GMT): 14 h to 11 h ago is 23 November in the UK; 6 h ago is the 24th.
    assert.deepEqual(await obs(`patient=${full.patientId}&date=le2026-11-23`), [e.voidNoVolume, e.correction, e.void]);
    assert.deepEqual(await obs(`patient=${full.patientId}&date=ge2026-11-24`), [e.preVoid, e.drained]);
    assert.deepEqual(await obs(`patient=${full.patientId}&date=ge2026-11&date=le2026`), all);
    // An offset is honoured: 09:00+01:00 is 08:00Z, the time of the valve draining (2 h ago).
    assert.deepEqual(await obs(`patient=${full.patientId}&date=ge2026-11-24T09:00:00%2B01:00`), [e.drained]);

    // Encounters overlap a date range: the discharged one ended 45 days ago.
    const enc = await fetchOk<Bundle>(`/fhir/R4/Encounter?patient=${full.patientId}&date=ge2026-11-01`);
    assert.deepEqual(entries(enc).map((r) => Number(r.id)), [full.current.id]);
    const docs = await fetchOk<Bundle>(`/fhir/R4/DocumentReference?encounter=${full.earlier.id}&date=le2026-10-14`);
    assert.deepEqual(entries(docs).map((r) => Number(r.id)), [full.letter.sentVersionIds[0]]);
    const meds = await fetchOk<Bundle>(`/fhir/R4/MedicationStatement?patient=${full.patientId}&effective=ge2026-11-01`);
    assert.deepEqual(entries<MedicationStatement>(meds).map((m) => m.medicationCodeableConcept!.text), ["Pregabalin"], "still taken: its period is open");
  });

  test("_count pages a search, with next links that walk every match once", async () => {
    const first = await fetchOk<Bundle>(`/fhir/R4/Observation?patient=${full.patientId}&_count=2`);
    assert.equal(first.total, 5);
    const seen: string[] = [];
    let page: Bundle | null = first;
    let next: { url: string } | undefined;
    let pages = 0;
    while (page) {
      pages += 1;
      assert.ok((page.entry ?? []).length <= 2);
      seen.push(...entries(page).map((r) => r.id!));
      next = page.link!.find((l) => l.relation === "next");
      assert.equal(page.link![0].relation, "self");
      page = next ? await fetchOk<Bundle>(next.url.replace("http://localhost:3000", "")) : null;
    }
    assert.equal(pages, 3);
    assert.deepEqual(seen, entries(await fetchOk<Bundle>(`/fhir/R4/Observation?patient=${full.patientId}`)).map((r) => r.id));
    const everything = await fetchOk<Bundle>(`/fhir/R4/Patient/${full.patientId}/$everything?_count=4`);
    assert.equal(everything.entry!.length, 4);
    assert.match(everything.link!.find((l) => l.relation === "next")!.url, /\/Patient\/\d+\/\$everything\?_count=4&_offset=4$/);
  });

  test("refusals: unsupported or malformed parameters (400), unknown ids and paths (404), writes (405), each an OperationOutcome", async () => {
    const p = full.patientId;
    assert.match(await refused(`/fhir/R4/Observation?patient=${p}&code=1234`, 400, "not-supported"), /code is not supported/);
    assert.match(await refused(`/fhir/R4/Observation?patient=${p}&_sort=date`, 400, "not-supported"), /_sort/);
    assert.match(await refused(`/fhir/R4/Patient/${p}?_elements=name`, 400, "not-supported"), /takes no parameters/);
    assert.match(await refused("/fhir/R4/Observation", 400, "invalid"), /by patient or encounter/);
    assert.match(await refused(`/fhir/R4/Observation?patient=${p}&patient=${p}`, 400, "invalid"), /once/);
    assert.match(await refused("/fhir/R4/Observation?patient=Patient/a%20b", 400, "invalid"), /Patient id/);
    assert.match(await refused(`/fhir/R4/Observation?patient=${p}&date=2026-11-24`, 400, "invalid"), /ge or le/);
    assert.match(await refused(`/fhir/R4/Observation?patient=${p}&date=gt2026-11-24`, 400, "invalid"), /ge or le/);
    for (const bad of ["ge2026-02-30", "ge2026-13", "ge2026-11-24T25:00Z", "ge2026-11-24T10:00", "genot-a-date", "ge"]) {
      assert.match(await refused(`/fhir/R4/Observation?patient=${p}&date=${bad}`, 400, "invalid"), /no valid date/, bad);
    }
    for (const count of ["0", "101", "-1", "ten", "1.5"]) await refused(`/fhir/R4/Observation?patient=${p}&_count=${count}`, 400, "invalid");
    await refused("/fhir/R4/metadata?_format=xml", 400, "not-supported");
    assert.equal((await get(`/fhir/R4/Patient/${p}?_format=json`)).status, 200);

    for (const type of ["Patient", "Encounter", "Procedure", "Observation", "Flag", "MedicationStatement", "DocumentReference", "Binary", "CodeSystem"]) {
      assert.match(await refused(`/fhir/R4/${type}/987654`, 404, "not-found"), new RegExp(`${type}/987654 not found`));
    }
    await refused("/fhir/R4/Patient/not..an..id!", 404, "not-found");
    await refused("/fhir/R4/Condition?patient=1", 404, "not-found");
    await refused("/fhir/R4/Patient/1/_history", 404, "not-found");
    const post = await supertest(ctx.app).post("/fhir/R4/Patient").set("authorization", `Bearer ${token}`).set("content-type", "application/fhir+json").send("{}");
    assert.equal(post.status, 405);
    assert.equal(post.body.issue[0].code, "not-supported");
  });

  test("roles: clinician tokens read; no token or a bad one is 401, nurse and admin tokens 403, each an OperationOutcome", async () => {
    const url = `/fhir/R4/Patient/${full.patientId}`;
    assert.match(await refused(url, 401, "login", null), /bearer token/);
    assert.match(await refused(url, 401, "login", "ces_not-a-token"), /bearer token/);
    assert.equal((await get(url, null)).headers["www-authenticate"], 'Bearer realm="ces"');
    assert.match(await refused(url, 403, "forbidden", await apiToken(ctx.db, "nurse")), /nurse token cannot use/);
    assert.match(await refused(`/fhir/R4/Patient/${full.patientId}/$everything`, 403, "forbidden", await apiToken(ctx.db, "admin")), /admin token cannot use/);
    assert.equal((await get(url)).status, 200);
  });

  test("the app's code systems are served, and every app code sent is one of theirs", async () => {
    const bundle = await fetchOk<Bundle>(`/fhir/R4/Patient/${full.patientId}/$everything`);
    const systems = new Map<string, Set<string>>();
    for (const id of ["ces-bladder-event", "ces-procedure", "ces-alert", "ces-letter"]) {
      const cs = await fetchOk<Resource & { url: string; concept: { code: string }[] }>(`/fhir/R4/CodeSystem/${id}`);
      assert.deepEqual(validationErrors(cs), []);
      systems.set(cs.url, new Set(cs.concept.map((c) => c.code)));
    }
    const codings = JSON.stringify(bundle).matchAll(/"system":"(http:\/\/localhost:3000\/fhir\/R4\/CodeSystem\/[^"]+)","code":"([^"]+)"/g);
    let checked = 0;
    for (const [, system, code] of codings) {
      assert.ok(systems.get(system)?.has(code), `${system}|${code}`);
      checked += 1;
    }
    assert.ok(checked >= 10);
  });

  test("validation: every resource returned, from the demo data and from a patient with every kind of record, is valid FHIR R4", async () => {
    const patients: number[] = (await ctx.db("patients").select("id").orderBy("id")).map((r: { id: number }) => r.id);
    assert.ok(patients.length >= 5);
    const types = new Set<string>();
    let checked = 0;
    const demoTypes = new Set<string>();
    for (const id of patients) {
      const bundle = await fetchOk<Bundle>(`/fhir/R4/Patient/${id}/$everything?_count=100`);
      assert.deepEqual(validationErrors(bundle), [], `Bundle of patient ${id}`);
      for (const resource of entries(bundle)) {
        assert.deepEqual(validationErrors(resource), [], `${resource.resourceType}/${resource.id}`);
        // Read on its own, each is the same resource.
        assert.deepEqual(await fetchOk(`/fhir/R4/${resource.resourceType}/${resource.id}`), resource);
        types.add(resource.resourceType);
        if (id < full.patientId) demoTypes.add(resource.resourceType);
        checked += 1;
      }
    }
    assert.deepEqual([...types].sort(), ["DocumentReference", "Encounter", "Flag", "MedicationStatement", "Observation", "Patient", "Procedure"]);
    assert.deepEqual([...demoTypes].sort(), [...types].sort(), "the demo data alone has every resource type but the U-SAFE flag's");
    assert.ok(checked > 40, `${checked} resources`);
    // The validator is not a rubber stamp.
    assert.notDeepEqual(validationErrors({ resourceType: "Encounter", status: "finished" } as Resource), []);
    assert.notDeepEqual(validationErrors({ resourceType: "Observation", status: "final", code: { text: "x" }, valueQuantity: { value: "650" } } as unknown as Resource), []);
  });
});
