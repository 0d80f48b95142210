import fs from "node:fs";
import path from "node:path";
import { fileURLToPath } from "node:url";
import * as fontkit from "fontkit";
import PDFDocument from "pdfkit";
import type { Block, LetterDoc, PackSection } from "./document.ts";

const fontsDir = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "../../assets/fonts");
// DejaVu Sans is shipped in the repository (its licence is beside it): every character prints, nothing is fetched.
// Parsed once and shared by every document (pdfkit accepts a fontkit font), so each PDF only subsets and embeds.
const REGULAR = fontkit.create(fs.readFileSync(path.join(fontsDir, "DejaVuSans.ttf"))) as unknown as Buffer;
const BOLD = fontkit.create(fs.readFileSync(path.join(fontsDir, "DejaVuSans-Bold.ttf"))) as unknown as Buffer;

const COMPRESS = process.env.PDF_COMPRESS !== "0";
const MARGIN = 56;
const BODY = 10;

type Doc = InstanceType<typeof PDFDocument>;

function newDocument(title: string): Doc {
  const doc = new PDFDocument({ size: "A4", margin: MARGIN, info: { Title: title, Producer: "CES follow-up", Creator: "CES follow-up" }, bufferPages: false, compress: COMPRESS });
  doc.registerFont("Body", REGULAR);
  doc.registerFont("Bold", BOLD);
  doc.font("Body").fontSize(BODY);
  return doc;
}

function finish(doc: Doc): Promise<Buffer> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    doc.on("data", (c: Buffer) => chunks.push(c));
    doc.on("end", () => resolve(Buffer.concat(chunks)));
    doc.on("error", reject);
    doc.end();
  });
}

const width = (doc: Doc) => doc.page.width - 2 * MARGIN;

function ensureSpace(doc: Doc, height: number): void {
  if (doc.y + height > doc.page.height - MARGIN) doc.addPage();
}

function table(doc: Doc, caption: string, head: string[], rows: string[][], weights: number[] = head.map(() => 1 / head.length)): void {
  const total = width(doc);
  const widths = weights.map((w) => w * total);
  const row = (cells: string[], bold: boolean) => {
    doc.font(bold ? "Bold" : "Body").fontSize(BODY - 1);
    const h = Math.max(...cells.map((c, i) => doc.heightOfString(c || " ", { width: widths[i] - 6 }))) + 4;
    ensureSpace(doc, h);
    const y = doc.y;
    let x = MARGIN;
    cells.forEach((c, i) => {
      doc.text(c, x, y, { width: widths[i] - 6 });
      x += widths[i];
    });
    doc.x = MARGIN;
    doc.y = y + h;
    doc.moveTo(MARGIN, doc.y - 2).lineTo(MARGIN + total, doc.y - 2).lineWidth(0.3).strokeColor("#aeb7bd").stroke();
  };
  doc.font("Bold").fontSize(BODY).text(caption, MARGIN, doc.y, { width: total });
  doc.moveDown(0.2);
  row(head, true);
  for (const r of rows) row(r, false);
  doc.font("Body").fontSize(BODY).moveDown(0.5);
}

function fields(doc: Doc, rows: { label: string; value: string }[]): void {
  const labelWidth = 170;
  const valueWidth = width(doc) - labelWidth - 8;
  for (const { label, value } of rows) {
    doc.font("Body").fontSize(BODY);
    const h = Math.max(doc.heightOfString(label, { width: labelWidth }), doc.heightOfString(value || " ", { width: valueWidth })) + 3;
    ensureSpace(doc, h);
    const y = doc.y;
    doc.font("Bold").text(label, MARGIN, y, { width: labelWidth });
    doc.font("Body").text(value || "—", MARGIN + labelWidth + 8, y, { width: valueWidth });
    doc.x = MARGIN;
    doc.y = y + h;
  }
  doc.moveDown(0.4);
}

function block(doc: Doc, b: Block): void {
  switch (b.type) {
    case "heading":
      ensureSpace(doc, 40);
      doc.moveDown(0.4).font("Bold").fontSize(BODY + 2).text(b.text, MARGIN, doc.y, { width: width(doc) });
      doc.font("Body").fontSize(BODY).moveDown(0.2);
      return;
    case "paragraph":
      doc.font("Body").fontSize(BODY).text(b.text, MARGIN, doc.y, { width: width(doc) });
      doc.moveDown(0.4);
      return;
    case "list":
      for (const item of b.items) {
        doc.font("Body").fontSize(BODY).text(`• ${item.rule ? `${item.rule}: ` : ""}${item.text}`, MARGIN + 8, doc.y, { width: width(doc) - 8 });
      }
      doc.moveDown(0.4);
      return;
    case "fields":
      fields(doc, b.rows);
      return;
    case "table":
      table(doc, b.caption, b.head, b.rows, b.widths);
      return;
  }
}

/** The letter as a PDF (A4, DejaVu Sans embedded). */
export function renderLetterPdf(letter: LetterDoc, footer: string): Promise<Buffer> {
  const doc = newDocument(letter.title);
  doc.font("Body").text(letter.from.join("\n"), { align: "right" });
  doc.moveDown();
  doc.text(letter.to.join("\n"));
  doc.moveDown();
  doc.text(letter.date);
  doc.moveDown();
  doc.text(letter.salutation);
  doc.moveDown(0.5);
  doc.font("Bold").text(`${letter.title}: ${letter.subject}`);
  doc.font("Body").moveDown(0.5);
  for (const b of letter.blocks) block(doc, b);
  ensureSpace(doc, 80);
  doc.moveDown().font("Body").text(letter.signOff.join("\n"), MARGIN, doc.y);
  doc.moveDown().fontSize(BODY - 2).fillColor("#4c6272").text(footer, MARGIN, doc.y, { width: width(doc) });
  return finish(doc);
}

/** The referral pack as a PDF. */
export function renderPackPdf(title: string, subject: string, sections: PackSection[]): Promise<Buffer> {
  const doc = newDocument(title);
  doc.font("Bold").fontSize(BODY + 4).text(title);
  doc.font("Body").fontSize(BODY).text(subject).moveDown();
  for (const s of sections) {
    block(doc, { type: "heading", text: s.title });
    fields(doc, s.rows);
  }
  return finish(doc);
}
