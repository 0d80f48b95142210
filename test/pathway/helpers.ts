import assert from "node:assert/strict";
import { PathwayInputError } from "../../src/pathway/index.ts";

/** Assert that fn throws a PathwayInputError with this code and field. */
export function throwsInput(fn: () => unknown, code: string, field: string): void {
  assert.throws(fn, (err: unknown) => {
    assert.ok(err instanceof PathwayInputError, `expected PathwayInputError, got ${String(err)}`);
    assert.equal(err.code, code);
    assert.equal(err.field, field);
    assert.ok(err.message.length > 10, "the message says what to do");
    return true;
  });
}
