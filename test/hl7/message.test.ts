import assert from "node:assert/strict";
import { test } from "node:test";
import { decodeFrame } from "../../src/hl7/feed.ts";
import { buildAck, hl7Date, hl7Instant, readMessage, segment, UnreadableMessage, value } from "../../src/hl7/message.ts";
import { MllpFramer } from "../../src/hl7/mllp.ts";

test("values are read with HL7 escape sequences undone, from any repetition, and absent fields are empty", () => {
  const m = readMessage("MSH|^~\\&|PAS|RXX|CES|RXX|20261124100000||ADT^A08|C1|P|2.4\nPID|1||X^^^RXX^MR~943 476 5919^^^NHS^NH||SMITH\\T\\JONES^ANN\\S\\MARIE\\E\\\\X41\\\\F\\\\R\\\\H\\");
  const pid = segment(m, "PID");
  assert.equal(m.event, "A08");
  assert.equal(m.controlId, "C1");
  assert.equal(value(pid, 3, 5, 2), "NH");
  assert.equal(value(pid, 3, 1, 2), "943 476 5919");
  assert.equal(value(pid, 5, 1), "SMITH&JONES");
  assert.equal(value(pid, 5, 2), "ANN^MARIE\\A|~");
  assert.equal(value(pid, 45), "");
  assert.equal(value(segment(m, "PV1"), 3), "");
});

test("text that is no HL7 message, or lacks a control id or type, is unreadable", () => {
  for (const text of ["", "hello", "PID|1", "MSH|^~\\&|A|B|C|D|20260101||ADT^A01||P|2.4", "MSH|^~\\&|A|B|C|D|20260101|||C9|P|2.4"]) {
    assert.throws(() => readMessage(text), UnreadableMessage, JSON.stringify(text));
  }
});

test("HL7 times: an offset is honoured, none means London time (BST in summer), impossible times are invalid", () => {
  assert.equal(hl7Instant("202611241030+0100"), "2026-11-24T09:30:00.000Z");
  assert.equal(hl7Instant("20261124103015"), "2026-11-24T10:30:15.000Z");
  assert.equal(hl7Instant("20260701103000"), "2026-07-01T09:30:00.000Z");
  assert.equal(hl7Instant("20260701"), "2026-06-30T23:00:00.000Z");
  assert.equal(hl7Instant(""), null);
  for (const bad of ["20260230", "2026112425", "20261124106000", "yesterday", "20260329013000"]) assert.equal(hl7Instant(bad), "invalid", bad);
  assert.equal(hl7Date("19650203"), "1965-02-03");
  assert.equal(hl7Date("1965020312"), "1965-02-03");
  assert.equal(hl7Date("19650230"), "invalid");
});

test("an ACK echoes the control id, swaps sender and receiver, and carries the reason in MSA-3 and ERR, escaped", () => {
  const m = readMessage("MSH|^~\\&|PAS|RXX01|CES|RXX02|20261124100000||ADT^A02|C7|P|2.5");
  const ack = buildAck(m, "AE", "Unknown ward code A|B", new Date("2026-11-24T10:00:00Z"), "103^Table value not found").split("\r");
  assert.match(ack[0], /^MSH\|\^~\\&\|CES\|RXX02\|PAS\|RXX01\|20261124100000\+0000\|\|ACK\^A02\^ACK\|ACK\w+\|P\|2\.5$/);
  assert.equal(ack[1], "MSA|AE|C7|Unknown ward code A\\F\\B");
  assert.equal(ack[2], "ERR|||103^Table value not found^HL70357|E||||Unknown ward code A\\F\\B");
  assert.equal(buildAck(m, "AA", "Applied", new Date()).split("\r").length, 2);
});

test("the framer finds frames across chunks and several in one, drops blank bytes between frames, refuses oversize ones", () => {
  const framer = new MllpFramer(10);
  const texts = (frames: ReturnType<MllpFramer["push"]>) => frames.map((f) => (f.kind === "too-large" ? `too-large` : `${f.kind}:${f.bytes.toString()}`));
  assert.deepEqual(texts(framer.push(Buffer.from("\r\n\x0babc"))), []);
  assert.deepEqual(texts(framer.push(Buffer.from("de\x1c"))), ["message:abcde"]);
  assert.deepEqual(texts(framer.push(Buffer.from("\r\x0bone\x1c\r\x0btwo\x1c\r"))), ["message:one", "message:two"]);
  assert.deepEqual(texts(framer.push(Buffer.from("\x0b0123456789X\x1c\r"))), ["too-large"]);
  assert.deepEqual(texts(framer.push(Buffer.from("junk\x1c\r"))), ["unframed:junk"]);
  assert.deepEqual(texts(framer.push(Buffer.from("\x0bhalf"))), []);
  assert.equal(framer.pendingBytes, 4);
  assert.deepEqual(texts(framer.push(Buffer.from("\x0bnew\x1c\r"))), ["message:new"], "a new start block abandons the half frame");
});

test("a frame is read as UTF-8 unless MSH-18 names ISO 8859-1", () => {
  const latin = Buffer.concat([Buffer.from("MSH|^~\\&|A|B|C|D|1||ADT^A08|1|P|2.4||||||8859/1\rPID|1||||M"), Buffer.from([0xfc]), Buffer.from("LLER")]);
  assert.match(decodeFrame(latin), /MüLLER$/);
  assert.match(decodeFrame(Buffer.from("MSH|^~\\&|A|B|C|D|1||ADT^A08|1|P|2.4\rPID|1||||MÜLLER")), /MÜLLER$/);
});
