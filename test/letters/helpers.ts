import { spawnSync } from "node:child_process";
import type { SignedInAgent } from "../helpers/app.ts";

/** The text of a PDF, as poppler's pdftotext reads it (layout kept, so table rows stay on one line). */
export function pdfText(pdf: Buffer): string {
  const out = spawnSync("pdftotext", ["-layout", "-enc", "UTF-8", "-", "-"], { input: pdf });
  if (out.status !== 0) throw new Error(`pdftotext failed: ${out.stderr.toString()}`);
  return out.stdout.toString("utf8");
}

/** Downloads a PDF with a signed-in agent. */
export async function getPdf(user: SignedInAgent, url: string): Promise<{ status: number; type: string; body: Buffer }> {
  const res = await user.agent
    .get(url)
    .buffer(true)
    .parse((r, cb) => {
      const chunks: Buffer[] = [];
      r.on("data", (c: Buffer) => chunks.push(c));
      r.on("end", () => cb(null, Buffer.concat(chunks)));
    });
  return { status: res.status, type: String(res.headers["content-type"]), body: res.body as Buffer };
}

/** Text with whitespace collapsed, for matching phrases that wrap across lines. */
export const flat = (text: string) => text.replace(/\s+/g, " ");
