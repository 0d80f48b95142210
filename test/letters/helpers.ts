import { getDocument } from "pdfjs-dist/legacy/build/pdf.mjs";
import type { SignedInAgent } from "../helpers/app.ts";

/**
 * The text of a PDF as a reader's copy-and-paste would give it, line by line, read with PDF.js
 * (pure JavaScript: no system tool needed to run the tests).
 */
export async function pdfText(pdf: Buffer): Promise<string> {
  const doc = await getDocument({ data: new Uint8Array(pdf), disableFontFace: true, verbosity: 0 }).promise;
  let text = "";
  for (let n = 1; n <= doc.numPages; n++) {
    const content = await (await doc.getPage(n)).getTextContent();
    for (const item of content.items) if ("str" in item) text += item.str + (item.hasEOL ? "\n" : "");
    text += "\n";
  }
  await doc.destroy();
  return text;
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

/** The text of each page of a PDF, whitespace collapsed, read with PDF.js. */
export async function pdfPages(pdf: Buffer): Promise<string[]> {
  const doc = await getDocument({ data: new Uint8Array(pdf), disableFontFace: true, verbosity: 0 }).promise;
  const pages: string[] = [];
  for (let n = 1; n <= doc.numPages; n++) {
    const content = await (await doc.getPage(n)).getTextContent();
    pages.push(flat(content.items.map((item) => ("str" in item ? item.str + (item.hasEOL ? "\n" : " ") : "")).join("")));
  }
  await doc.destroy();
  return pages;
}
