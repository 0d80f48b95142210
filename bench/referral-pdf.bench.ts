// referral-pdf-vs-bare: the SCI referral PDF of an episode with 200 bladder events and 10 medicines,
// as the app writes it (letterhead, tables, DRAFT watermark, identifiers and "page N of M" on every
// page), against a plain pdfkit document of the same text in the same font, each rendered in turn in
// the same process and run. The value is (plain time) / (app time): 1 would mean the furniture and
// layout cost nothing; the target is at least 0.5. Measured in-process, so HTTP and the database
// (which the referral-pdf-per-s reading includes) are not part of the ratio.
import fs from "node:fs";
import path from "node:path";
import { fileURLToPath } from "node:url";
import * as fontkit from "fontkit";
import PDFDocument from "pdfkit";
import type { Block, LetterDoc } from "../src/letters/document.ts";
import { renderLetterPdf } from "../src/letters/pdf.ts";
import { findVersion } from "../src/letters/repository.ts";
import { storedOf } from "../src/letters/service.ts";
import { benchEpisode } from "./followup.bench.ts";
import { median, round, startBenchServer, type BenchResult } from "./lib.ts";

const fontsDir = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "../assets/fonts");
// Parsed once, as the app parses its font once.
const REGULAR = fontkit.create(fs.readFileSync(path.join(fontsDir, "DejaVuSans.ttf"))) as unknown as Buffer;

const ROUNDS = 7;
const PER_ROUND = 15;

/** Every line of text the letter prints, in order, without layout. */
function letterText(doc: LetterDoc, statusLine: string): string[] {
  const blockText = (b: Block): string[] => {
    switch (b.type) {
      case "heading":
      case "paragraph":
        return [b.text];
      case "list":
        return b.items.map((i) => `${i.rule ? `${i.rule}: ` : ""}${i.text}`);
      case "fields":
        return b.rows.map((r) => `${r.label} ${r.value}`);
      case "table":
        return [b.caption, b.head.join(" "), ...b.rows.map((r) => r.join(" "))];
    }
  };
  return [...doc.from, doc.consultant ?? "", ...doc.to, doc.date, doc.salutation, `${doc.title}: ${doc.subject}`, ...doc.blocks.flatMap(blockText), ...doc.signOff, ...(doc.cc ?? []), doc.reference ?? "", statusLine];
}

/** The plain document: the same text and font, one paragraph after another, nothing else. */
function plainPdf(lines: string[]): Promise<Buffer> {
  const doc = new PDFDocument({ size: "A4", margin: 56, compress: process.env.PDF_COMPRESS !== "0" });
  doc.registerFont("Body", REGULAR);
  doc.font("Body").fontSize(10);
  for (const line of lines) doc.text(line);
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    doc.on("data", (c: Buffer) => chunks.push(c));
    doc.on("end", () => resolve(Buffer.concat(chunks)));
    doc.on("error", reject);
    doc.end();
  });
}

async function msOf(render: () => Promise<Buffer>): Promise<number> {
  const start = process.hrtime.bigint();
  await render();
  return Number(process.hrtime.bigint() - start) / 1e6;
}

/** One round: the two documents rendered alternately, so other work on a shared machine falls on both alike. */
async function roundOf(plain: () => Promise<Buffer>, full: () => Promise<Buffer>): Promise<{ plain: number; full: number }> {
  let p = 0;
  let f = 0;
  for (let i = 0; i < PER_ROUND; i++) {
    p += await msOf(plain);
    f += await msOf(full);
  }
  return { plain: p, full: f };
}

export default async function run(): Promise<BenchResult[]> {
  const app = await startBenchServer({ now: new Date() });
  try {
    const { letterId } = await benchEpisode(app.db, new Date());
    const version = (await findVersion(app.db, letterId, 1))!;
    const { doc } = storedOf(version);
    const status = { draft: true, line: `${doc.title}, version 1 (draft, not sent). Generated from the CES follow-up record.` };
    const lines = letterText(doc, status.line);
    const full = () => renderLetterPdf(doc, status);
    const plain = () => plainPdf(lines);
    await full(); // warm both paths (font subsetting code, JIT) before timing
    await plain();
    const ratios: number[] = [];
    const fullMs: number[] = [];
    const plainMs: number[] = [];
    for (let r = 0; r < ROUNDS; r++) {
      const { plain: p, full: f } = await roundOf(plain, full);
      plainMs.push(p / PER_ROUND);
      fullMs.push(f / PER_ROUND);
      ratios.push(p / f);
    }
    return [
      {
        name: "referral-pdf-vs-bare",
        value: round(median(ratios)),
        unit: "ratio of render time, plain / app (median of rounds, the two rendered alternately)",
        baseline: "plain pdfkit document of the same text and font, same run",
        target: 0.5,
        appMsPerPdf: round(median(fullMs), 1),
        plainMsPerPdf: round(median(plainMs), 1),
        pages: (await full()).toString("latin1").match(/\/Type \/Page\b/g)?.length ?? null,
        rounds: ratios.map((x) => round(x)),
      },
    ];
  } finally {
    await app.close();
  }
}
