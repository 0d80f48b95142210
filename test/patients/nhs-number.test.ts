import assert from "node:assert/strict";
import { describe, test } from "node:test";
import { readNhsNumber } from "../../src/patients/validation.ts";
import { InputReader } from "../../src/web/validation.ts";

describe("readNhsNumber", () => {
  const read = (body: unknown, field?: string) => {
    const reader = new InputReader(body, "json");
    return { value: readNhsNumber(reader, field), errors: reader.errors };
  };

  test("accepts 10 digits with a valid check digit, spaces and hyphens removed", () => {
    for (const text of ["4505577104", "450 557 7104", "450-557-7104", " 450 557 7104 "]) {
      assert.deepEqual(read({ nhsNumber: text }), { value: "4505577104", errors: [] }, text);
    }
  });

  test("refuses a missing, short, non-digit or wrong-check-digit number with one field error", () => {
    const cases: [unknown, RegExp][] = [
      [{}, /./],
      [{ nhsNumber: "" }, /./],
      [{ nhsNumber: "45055771" }, /10 digits/],
      [{ nhsNumber: "45055771O4" }, /10 digits/],
      [{ nhsNumber: 4505577104 }, /./],
      [{ nhsNumber: "4505577105" }, /check digit/],
    ];
    for (const [body, message] of cases) {
      const { value, errors } = read(body);
      assert.equal(value, null, JSON.stringify(body));
      assert.equal(errors.length, 1, JSON.stringify(body));
      assert.equal(errors[0].field, "nhsNumber");
      assert.match(errors[0].message, message);
    }
  });

  test("names the field it was asked to read", () => {
    const { value, errors } = read({ nhs: "4505577105" }, "nhs");
    assert.equal(value, null);
    assert.deepEqual(errors.map((e) => e.field), ["nhs"]);
    assert.deepEqual(read({ nhs: "4505577104" }, "nhs").value, "4505577104");
  });
});
