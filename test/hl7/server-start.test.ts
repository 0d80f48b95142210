// The listener starts with the app when HL7_MLLP_PORT is set: the real start-up (migrate, seed, listen).
import assert from "node:assert/strict";
import { spawn } from "node:child_process";
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { test } from "node:test";
import { MllpClient, pasMessage } from "./helpers.ts";

test("npm start with HL7_MLLP_PORT set listens for MLLP and answers a PAS message", { timeout: 120_000 }, async () => {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), "ces-hl7-start-"));
  const env: NodeJS.ProcessEnv = { ...process.env, NODE_ENV: "test", PORT: "0", HL7_MLLP_PORT: "0", DATA_DIR: dir };
  delete env.DATABASE_URL;
  const child = spawn(process.execPath, ["--import", "tsx", "src/server.ts"], { env, stdio: ["ignore", "pipe", "pipe"] });
  try {
    const port = await new Promise<number>((resolve, reject) => {
      let out = "";
      const timer = setTimeout(() => reject(new Error(`no listener line in: ${out}`)), 100_000);
      child.stdout.on("data", (d) => {
        out += String(d);
        const m = /Hospital feed \(HL7 v2 over MLLP\) listening on port (\d+)/.exec(out);
        if (m) {
          clearTimeout(timer);
          resolve(Number(m[1]));
        }
      });
      child.once("exit", (code) => reject(new Error(`the app exited (${code}): ${out}`)));
    });
    const client = await MllpClient.connect(port);
    const ack = await client.send(pasMessage({ event: "A01", controlId: "START1", nhsNumber: "9434765919", ward: "W3SP", bed: "4", at: "20261124093000" }));
    client.close();
    assert.equal(ack.code, "AA");
  } finally {
    child.kill("SIGTERM");
    await new Promise((resolve) => child.once("exit", resolve));
    fs.rmSync(dir, { recursive: true, force: true });
  }
});
