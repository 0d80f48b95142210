/**
 * The read-only FHIR R4 API at /fhir/R4. Every route is declared with its roles on the API's
 * RoleRouter guard (bearer tokens), with full paths, so the route-lock test walks them.
 *
 * Who may read: clinician tokens only (the EPR and other clinical systems). The record it exposes
 * includes the medication list and letters, which on screen only clinicians see; nurse tokens
 * (bladder scanners) post events and admin tokens (the PAS) register patients, and neither reads
 * the clinical record. The CapabilityStatement is open, as FHIR clients expect.
 */
import type { Request } from "express";
import type { Binary, Bundle, CodeSystem, Resource } from "@medplum/fhirtypes";
import type { AppDeps } from "../deps.ts";
import { findPatientByNhsNumber } from "../patients/repository.ts";
import { isValidNhsNumber } from "../pathway/index.ts";
import { findVersionById } from "../letters/repository.ts";
import { versionPdf } from "../letters/service.ts";
import { CLINICIANS, type RoleRouter } from "../web/routing.ts";
import { capabilityStatement } from "./capability.ts";
import { APP_CODE_SYSTEMS, codeSystemUrl, NHS_NUMBER_SYSTEM } from "./codes.ts";
import { invalid, notFound, sendFhir } from "./outcome.ts";
import { correctionOf, ownerOf, patientRecord } from "./record.ts";
import { toFhirPatient } from "./resources.ts";
import { FhirQuery, isFhirId, matchesDates, searchset } from "./search.ts";
import { SEARCHABLE, SEARCHES, searchParams, type SearchableType } from "./searches.ts";

export const FHIR_PATH = "/fhir/R4";
const FHIR_READERS = CLINICIANS;

export function fhirRoutes(fhir: RoleRouter, deps: AppDeps): void {
  const { db, clock } = deps;
  const base = `${deps.config.baseUrl}${FHIR_PATH}`;
  const now = () => clock().toISOString();

  /** The patient's record, or 404. */
  const recordOf = async (patientId: number | null, what: string) => {
    const record = patientId === null ? null : await patientRecord(db, patientId, now(), base);
    if (!record) throw notFound(`${what} not found`);
    return record;
  };

  /** One resource by type and id, from its patient's record. */
  const read = async (type: string, id: string, what = `${type}/${id}`): Promise<Resource> => {
    const owner = isFhirId(id) ? await ownerOf(db, type, id) : null;
    const found = (await recordOf(owner, what)).resources.find((r) => r.resourceType === type && r.id === id);
    if (!found) {
      const correction = type === "Observation" ? await correctionOf(db, id) : null;
      throw notFound(correction ? `${what} was replaced by a correction: Observation/${correction}` : `${what} not found`);
    }
    return found;
  };

  fhir.get(`${FHIR_PATH}/metadata`, "public", (req, res) => {
    new FhirQuery(req.query, []);
    sendFhir(res, capabilityStatement(base));
  });

  // ---------------------------------------------------------------- Patient
  fhir.get(`${FHIR_PATH}/Patient`, FHIR_READERS, async (req, res) => {
    const query = new FhirQuery(req.query, ["identifier", "_count", "_offset"]);
    const identifier = query.one("identifier");
    if (identifier === undefined) throw invalid(`Search patients by NHS number: identifier=${NHS_NUMBER_SYSTEM}|NNNNNNNNNN`);
    const nhsNumber = readNhsIdentifier(identifier);
    const page = query.page();
    const patient = await findPatientByNhsNumber(db, nhsNumber);
    const found = patient ? [toFhirPatient(patient)] : [];
    sendFhir(res, searchset(base, "Patient", [["identifier", identifier]], found, page));
  });

  fhir.get(`${FHIR_PATH}/Patient/:id`, FHIR_READERS, async (req, res) => {
    new FhirQuery(req.query, []);
    sendFhir(res, await read("Patient", req.params.id as string));
  });

  fhir.get(`${FHIR_PATH}/Patient/:id/$everything`, FHIR_READERS, async (req, res) => {
    const query = new FhirQuery(req.query, ["_count", "_offset"]);
    const id = req.params.id as string;
    const record = await recordOf(isFhirId(id) ? await ownerOf(db, "Patient", id) : null, `Patient/${id}`);
    sendFhir(res, searchset(base, `Patient/${id}/$everything`, [], record.resources, query.page()));
  });

  // ---------------------------------------------------------------- the patient's clinical record
  for (const type of SEARCHABLE) {
    fhir.get(`${FHIR_PATH}/${type}`, FHIR_READERS, async (req, res) => sendFhir(res, await search(type, req)));
    fhir.get(`${FHIR_PATH}/${type}/:id`, FHIR_READERS, async (req, res) => {
      new FhirQuery(req.query, []);
      sendFhir(res, await read(type, req.params.id as string));
    });
  }

  /** patient= and/or the encounter; dates; a page. Unknown patients and encounters match nothing. */
  const search = async (type: SearchableType, req: Request): Promise<Bundle> => {
    const spec = SEARCHES[type];
    const query = new FhirQuery(req.query, searchParams(type));
    const patient = query.reference("patient", "Patient");
    const encounter = spec.encounterParam ? query.reference(spec.encounterParam, "Encounter") : undefined;
    const dates = spec.dateParam ? query.dates(spec.dateParam) : [];
    const page = query.page();
    if (patient === undefined && encounter === undefined) {
      throw invalid(`Search ${type} by patient${spec.encounterParam ? ` or ${spec.encounterParam}` : ""} (Patient/{id})`);
    }
    const patientId = patient !== undefined ? await ownerOf(db, "Patient", patient) : null;
    const encounterOwner = encounter !== undefined ? await ownerOf(db, "Encounter", encounter) : null;
    const owner = patient !== undefined ? patientId : encounterOwner;
    const consistent = encounter === undefined || patient === undefined || encounterOwner === patientId;
    const record = owner !== null && consistent ? await patientRecord(db, owner, now(), base) : null;
    const matches = (record?.resources ?? []).filter(
      (r) =>
        r.resourceType === type &&
        (encounter === undefined || spec.encounterOf?.(r) === `Encounter/${encounter}`) &&
        matchesDates(spec.dateOf?.(r) ?? null, dates),
    );
    const params: [string, string][] = [
      ...(patient !== undefined ? [["patient", `Patient/${patient}`] as [string, string]] : []),
      ...(encounter !== undefined ? [[spec.encounterParam!, `Encounter/${encounter}`] as [string, string]] : []),
      ...(spec.dateParam ? query.all(spec.dateParam).map((d): [string, string] => [spec.dateParam!, d]) : []),
    ];
    return searchset(base, type, params, matches, page);
  };

  // ---------------------------------------------------------------- letters' PDFs and the app's code systems
  fhir.get(`${FHIR_PATH}/Binary/:id`, FHIR_READERS, async (req, res) => {
    new FhirQuery(req.query, []);
    const id = req.params.id as string;
    // A Binary exists for each DocumentReference the API shows (sent versions only).
    await read("DocumentReference", id, `Binary/${id}`);
    const version = (await findVersionById(db, Number(id)))!;
    const pdf = await versionPdf(version);
    if (wantsFhirJson(req)) {
      const binary: Binary = { resourceType: "Binary", id, contentType: "application/pdf", data: pdf.toString("base64") };
      return sendFhir(res, binary);
    }
    res.type("application/pdf").send(pdf);
  });

  fhir.get(`${FHIR_PATH}/CodeSystem/:id`, FHIR_READERS, async (req, res) => {
    new FhirQuery(req.query, []);
    const system = APP_CODE_SYSTEMS.find((s) => s.id === req.params.id);
    if (!system) throw notFound(`CodeSystem/${String(req.params.id)} not found`);
    const resource: CodeSystem = {
      resourceType: "CodeSystem",
      id: system.id,
      url: codeSystemUrl(base, system),
      name: system.id.replace(/(^|-)(\w)/g, (_m, _d, c: string) => c.toUpperCase()),
      title: system.title,
      status: "draft",
      description: system.description,
      caseSensitive: true,
      content: "complete",
      concept: system.concepts,
    };
    sendFhir(res, resource);
  });
}

/** identifier=https://fhir.nhs.uk/Id/nhs-number|9434765919, or the number alone; only NHS numbers. */
function readNhsIdentifier(identifier: string): string {
  const bar = identifier.lastIndexOf("|");
  const system = bar >= 0 ? identifier.slice(0, bar) : null;
  const value = bar >= 0 ? identifier.slice(bar + 1) : identifier;
  if (system !== null && system !== NHS_NUMBER_SYSTEM) throw invalid(`Only NHS numbers can be searched: identifier=${NHS_NUMBER_SYSTEM}|NNNNNNNNNN`);
  if (!/^\d{10}$/.test(value)) throw invalid("The NHS number must be 10 digits");
  if (!isValidNhsNumber(value)) throw invalid("The NHS number is not valid: check the digits (the last digit is a check digit)");
  return value;
}

/** A Binary is its PDF unless the client asks for FHIR JSON (Accept or _format). */
function wantsFhirJson(req: Request): boolean {
  return req.query._format !== undefined || /application\/(fhir\+)?json/.test(req.get("accept") ?? "");
}

