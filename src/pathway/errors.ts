/** Stable codes a caller can switch on; the message is for a person. */
export type PathwayInputErrorCode =
  | "missing-field"
  | "invalid-value"
  | "invalid-time"
  | "missing-offset"
  | "event-after-now"
  | "invalid-volume"
  | "invalid-interval"
  | "invalid-date"
  | "date-before-surgery"
  | "out-of-order"
  | "duplicate-time"
  | "range-too-long";

/** Thrown for input that cannot be assessed. Nothing should be stored when it is thrown. */
export class PathwayInputError extends Error {
  readonly code: PathwayInputErrorCode;
  readonly field: string;

  constructor(code: PathwayInputErrorCode, field: string, message: string) {
    super(message);
    this.name = "PathwayInputError";
    this.code = code;
    this.field = field;
  }
}
