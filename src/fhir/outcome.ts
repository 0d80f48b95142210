/** Errors of the FHIR API: every one is an OperationOutcome, whatever raised it. */
import type { ErrorRequestHandler, RequestHandler, Response } from "express";
import type { OperationOutcome } from "@medplum/fhirtypes";
import { HttpError } from "../errors.ts";

export const FHIR_JSON = "application/fhir+json; charset=utf-8";

/** An issue type of http://hl7.org/fhir/issue-type that this API answers with. */
export type IssueType = "invalid" | "not-supported" | "not-found" | "login" | "forbidden" | "too-long" | "exception";

export class FhirError extends HttpError {
  constructor(
    status: number,
    message: string,
    readonly issue: IssueType,
  ) {
    super(status, message, issue);
  }
}

export const invalid = (message: string) => new FhirError(400, message, "invalid");
export const notSupported = (message: string) => new FhirError(400, message, "not-supported");
export const notFound = (message: string) => new FhirError(404, message, "not-found");

export function operationOutcome(issue: IssueType, diagnostics: string): OperationOutcome {
  return { resourceType: "OperationOutcome", issue: [{ severity: "error", code: issue, diagnostics }] };
}

export function sendFhir(res: Response, body: unknown, status = 200): void {
  res.status(status).type(FHIR_JSON).json(body);
}

/** The issue type for an error raised outside this API (the token guard, the body parser, a bug). */
function issueOf(status: number, err: unknown): IssueType {
  if (err instanceof FhirError) return err.issue;
  if (status === 401) return "login";
  if (status === 403) return "forbidden";
  if (status === 404) return "not-found";
  if (status === 413) return "too-long";
  return status >= 500 ? "exception" : "invalid";
}

/** Anything under /fhir that no route answered: unknown types and paths (404), and every write (405). */
export const fhirFallback: RequestHandler = (req, res, next) => {
  if (req.method !== "GET" && req.method !== "HEAD") {
    res.set("Allow", "GET");
    return next(new FhirError(405, "This FHIR server is read-only: only GET is supported", "not-supported"));
  }
  next(notFound(`No such FHIR endpoint: ${req.baseUrl}${req.path}. See /fhir/R4/metadata for what is supported`));
};

export function fhirErrorHandler(): ErrorRequestHandler {
  return (err, _req, res, _next) => {
    const status = err instanceof HttpError ? err.status : 500;
    if (status >= 500) console.error(err);
    if (res.headersSent) return;
    const message = status >= 500 ? "Sorry, something went wrong reading the record" : (err as Error).message;
    sendFhir(res, operationOutcome(issueOf(status, err), message), status);
  };
}
