import type { ErrorRequestHandler, RequestHandler } from "express";
import { HttpError, ValidationError } from "../errors.ts";

export const notFound: RequestHandler = (_req, _res, next) => next(new HttpError(404, "Page not found", "not-found"));

interface BodyParserError {
  type?: string;
  status?: number;
}

/** One place that turns errors into pages or JSON. Unknown errors are logged and shown without detail. */
export function errorHandler(): ErrorRequestHandler {
  return (err, req, res, _next) => {
    const error = toHttpError(err);
    if (error.status >= 500) console.error(err);
    if (res.headersSent) return;
    res.status(error.status);
    if (/^\/api(\/|$)/i.test(req.path)) {
      const errors = error instanceof ValidationError ? error.errors : [{ field: "", message: error.message }];
      return res.json({ code: error.code, message: error.message, errors });
    }
    res.render("errors/error", {
      title: titleFor(error.status),
      heading: titleFor(error.status),
      message: error.message,
      status: error.status,
    });
  };
}

function toHttpError(err: unknown): HttpError {
  if (err instanceof HttpError) return err;
  const bodyError = err as BodyParserError;
  if (bodyError?.type === "entity.parse.failed") return new ValidationError([{ field: "body", message: "The request body is not valid JSON" }]);
  if (bodyError?.type === "entity.too.large") return new HttpError(413, "The request is too large", "too-large");
  if (bodyError?.type === "parameters.too.many") return new HttpError(413, "The form has too many fields", "too-large");
  if (bodyError?.status && bodyError.status >= 400 && bodyError.status < 500) return new HttpError(bodyError.status, "The request could not be read", "bad-request");
  return new HttpError(500, "Sorry, something went wrong. The change was not saved. Try again, and tell the IT service desk if it happens again.", "internal");
}

function titleFor(status: number): string {
  if (status === 404) return "Page not found";
  if (status === 403) return "You do not have access";
  if (status === 401) return "Sign in required";
  if (status >= 500) return "Sorry, there is a problem with the service";
  return "There is a problem";
}
