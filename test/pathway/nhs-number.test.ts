import { test } from "node:test";
import assert from "node:assert/strict";
import { isValidNhsNumber } from "../../src/pathway/index.ts";
import { formatNhsNumber } from "../../src/pathway/nhs-number.ts";

const cases: [string, unknown, boolean][] = [
  ["public example 9434765919", "9434765919", true],
  ["public example 9000000009", "9000000009", true],
  ["spaced 3-3-4", "943 476 5919", true],
  ["check digit 11 -> 0 (1000000060)", "1000000060", true],
  ["wrong check digit", "9434765918", false],
  ["check digit 10 is never valid (100000001x)", "1000000010", false],
  ["check digit 10, last digit 1 still invalid", "1000000011", false],
  ["nine digits", "943476591", false],
  ["eleven digits", "94347659190", false],
  ["letters", "94347659AB", false],
  ["hyphens are not spaces", "943-476-5919", false],
  ["empty", "", false],
  ["not a string", 9434765919, false],
];

for (const [name, value, expected] of cases) {
  test(`NHS number Modulus 11: ${name}`, () => {
    assert.equal(isValidNhsNumber(value as string), expected);
  });
}

for (const [value, expected] of [
  ["9434765919", "943 476 5919"],
  ["943 476 5919", "943 476 5919"],
  ["12345", "12345"],
] as const) {
  test(`formatNhsNumber: ${value} -> ${expected}`, () => assert.equal(formatNhsNumber(value), expected));
}
