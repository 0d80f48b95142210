/** Errors with stable codes; handlers branch on the code or status, never on the message. */
export class HttpError extends Error {
  constructor(
    readonly status: number,
    message: string,
    readonly code: string = "http-error",
  ) {
    super(message);
  }
}

export class NotFoundError extends HttpError {
  constructor(what = "Page") {
    super(404, `${what} not found`, "not-found");
  }
}

export class ForbiddenError extends HttpError {
  constructor(message = "You do not have access to this page") {
    super(403, message, "forbidden");
  }
}

export interface FieldError {
  field: string;
  message: string;
}

/** Invalid input: forms re-render with these messages, the API answers 400 with them. */
export class ValidationError extends HttpError {
  constructor(readonly errors: FieldError[]) {
    super(400, errors.map((e) => e.message).join("; "), "validation");
  }
}

export class ConflictError extends HttpError {
  constructor(
    message: string,
    readonly field?: string,
  ) {
    super(409, message, "conflict");
  }
}
