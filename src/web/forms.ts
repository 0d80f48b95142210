import { ConflictError, ValidationError } from "../errors.ts";

/** Field errors to show on a form, or null for an error the error handler should deal with. */
export function formErrors(err: unknown) {
  if (err instanceof ValidationError) return err.errors;
  if (err instanceof ConflictError) return [{ field: err.field ?? "", message: err.message }];
  return null;
}
