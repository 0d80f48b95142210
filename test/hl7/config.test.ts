import assert from "node:assert/strict";
import { test } from "node:test";
import { loadConfig } from "../../src/config.ts";

test("the MLLP listener is off unless HL7_MLLP_PORT is set; a bad port or size stops start-up with a clear message", () => {
  assert.equal(loadConfig({ NODE_ENV: "test" }).hl7, null);
  assert.deepEqual(loadConfig({ NODE_ENV: "test", HL7_MLLP_PORT: "2575" }).hl7, { port: 2575, maxMessageBytes: 2048 * 1024 });
  assert.deepEqual(loadConfig({ NODE_ENV: "test", HL7_MLLP_PORT: "2575", HL7_MAX_MESSAGE_KB: "512" }).hl7, { port: 2575, maxMessageBytes: 512 * 1024 });
  assert.throws(() => loadConfig({ NODE_ENV: "test", HL7_MLLP_PORT: "mllp" }), /HL7_MLLP_PORT must be a port number/);
  assert.throws(() => loadConfig({ NODE_ENV: "test", HL7_MLLP_PORT: "2575", HL7_MAX_MESSAGE_KB: "0" }), /HL7_MAX_MESSAGE_KB/);
});
