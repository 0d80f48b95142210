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
/** Room kept at the foot of each page for the identifiers and page number. */
const FOOTER_SPACE = 14;

type Doc = InstanceType<typeof PDFDocument>;

function newDocument(title: string): Doc {
  // Pages are kept until the end, so each can be given "page N of M" once M is known.
  const doc = new PDFDocument({ size: "A4", margin: MARGIN, info: { Title: title, Producer: "CES follow-up", Creator: "CES follow-up" }, bufferPages: true, compress: COMPRESS });
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
  if (doc.y + height > doc.page.height - doc.page.margins.bottom) doc.addPage();
}

function table(doc: Doc, caption: string, head: string[], rows: string[][], weights: number[] = head.map(() => 1 / head.length)): void {
  const total = width(doc);
  const widths = weights.map((w) => w * total);
  const row = (cells: string[], bold: boolean): void => {
    doc.font(bold ? "Bold" : "Body").fontSize(BODY - 1);
    const h = Math.max(...cells.map((c, i) => doc.heightOfString(c || " ", { width: widths[i] - 6 }))) + 4;
    if (doc.y + h > doc.page.height - doc.page.margins.bottom) {
      doc.addPage();
      if (!bold) row(head, true); // the column headings again at the top of the new page
      doc.font("Body").fontSize(BODY - 1);
    }
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

/** Whether a version is a draft (watermarked) and the status line printed after the signature. */
export interface PdfStatus {
  draft: boolean;
  line: string;
}

/** The height a block will take, for keeping the last one on the same page as the signature. */
function blockHeight(doc: Doc, b: Block): number {
  const w = width(doc);
  doc.font("Body").fontSize(BODY);
  const gap = doc.currentLineHeight() * 0.4;
  switch (b.type) {
    case "heading":
      return 40;
    case "paragraph":
      return doc.heightOfString(b.text, { width: w }) + gap;
    case "list":
      return b.items.reduce((h, i) => h + doc.heightOfString(`• ${i.rule ? `${i.rule}: ` : ""}${i.text}`, { width: w - 8 }), 0) + gap;
    case "fields":
      return b.rows.reduce((h, r) => h + Math.max(doc.heightOfString(r.label, { width: 170 }), doc.heightOfString(r.value || " ", { width: w - 178 })) + 3, 0) + gap;
    case "table":
      return 0; // a table breaks between rows; the signature keeps to its last rows below
  }
}

/** The sign-off, copies, the rules' reference line and the version's status: what must not stand alone on a page. */
function closing(doc: Doc, letter: LetterDoc, status: PdfStatus, measureOnly: boolean): number {
  const w = width(doc);
  const parts: { text: string; size: number; colour: string; gap: number }[] = [
    { text: letter.signOff.join("\n"), size: BODY, colour: "black", gap: 1 },
    ...(letter.cc?.length ? [{ text: letter.cc.join("\n"), size: BODY, colour: "black", gap: 0.6 }] : []),
    ...(letter.reference ? [{ text: letter.reference, size: BODY - 2, colour: "#4c6272", gap: 1 }] : []),
    { text: status.line, size: BODY - 2, colour: "#4c6272", gap: letter.reference ? 0.2 : 1 },
  ];
  let height = 0;
  for (const p of parts) {
    doc.font("Body").fontSize(p.size);
    const gap = doc.currentLineHeight() * p.gap;
    height += gap + doc.heightOfString(p.text, { width: w });
    if (!measureOnly) doc.moveDown(p.gap).fillColor(p.colour).text(p.text, MARGIN, doc.y, { width: w });
  }
  doc.font("Body").fontSize(BODY).fillColor("black");
  return height;
}

/** A paragraph cut before its last `count` lines (wrapped as the page width wraps them), for keeping its end with what follows. */
function splitLastLines(doc: Doc, text: string, count: number): { head: string; end: string } {
  doc.font("Body").fontSize(BODY);
  const w = width(doc);
  const starts: number[] = []; // where each wrapped line starts, as an offset into the text
  for (const segment of text.matchAll(/[^\n]+/g)) {
    let line = "";
    for (const word of segment[0].matchAll(/\S+/g)) {
      const next = line ? `${line} ${word[0]}` : word[0];
      if (!line || doc.widthOfString(next) > w) {
        starts.push(segment.index + word.index);
        line = word[0];
      } else line = next;
    }
  }
  if (starts.length <= count) return { head: "", end: text };
  const cut = starts[starts.length - count];
  return { head: text.slice(0, cut).trimEnd(), end: text.slice(cut) };
}

const usable = (doc: Doc) => doc.page.height - 2 * MARGIN - FOOTER_SPACE;

/**
 * Patient identifiers and "Page N of M" at the foot of every page, and a DRAFT watermark across
 * every page of a version not yet sent. Written after the content, when the page count is known.
 */
function furnish(doc: Doc, identifiers: string, draft: boolean): void {
  const { start, count } = doc.bufferedPageRange();
  for (let i = start; i < start + count; i++) {
    doc.switchToPage(i);
    const bottom = doc.page.margins.bottom;
    doc.page.margins.bottom = 0; // writing in the margin must not start a new page
    const y = doc.page.height - MARGIN + 12;
    doc.moveTo(MARGIN, y - 6).lineTo(doc.page.width - MARGIN, y - 6).lineWidth(0.3).strokeColor("#aeb7bd").stroke();
    doc.font("Body").fontSize(BODY - 2).fillColor("#212b32");
    doc.text(identifiers, MARGIN, y, { width: width(doc) - 80, lineBreak: false, ellipsis: true });
    doc.text(`Page ${i - start + 1} of ${count}`, doc.page.width - MARGIN - 80, y, { width: 80, align: "right", lineBreak: false });
    if (draft) watermark(doc);
    doc.page.margins.bottom = bottom;
  }
  doc.fillColor("black").fillOpacity(1);
}

function watermark(doc: Doc): void {
  const cx = doc.page.width / 2;
  const cy = doc.page.height / 2;
  doc.save();
  doc.rotate(-45, { origin: [cx, cy] });
  doc.font("Bold").fontSize(120).fillColor("#d5281b").fillOpacity(0.12);
  const w = doc.widthOfString("DRAFT");
  doc.text("DRAFT", cx - w / 2, cy - 60, { lineBreak: false });
  doc.restore();
  doc.fillOpacity(1);
}

/** The letterhead at the top right: the hospital in bold, then the department, address and phone; the consultant below. */
function letterhead(doc: Doc, letter: LetterDoc): void {
  const [first, ...rest] = letter.from;
  doc.font("Bold").fontSize(BODY + 2).text(first ?? "", { align: "right" });
  doc.font("Body").fontSize(BODY).text(rest.join("\n"), { align: "right" });
  if (letter.consultant) doc.moveDown(0.3).font("Bold").text(letter.consultant, { align: "right" }).font("Body");
}

/** The letter as a PDF (A4, DejaVu Sans embedded), with its letterhead and page furniture. */
export function renderLetterPdf(letter: LetterDoc, status: PdfStatus): Promise<Buffer> {
  const doc = newDocument(letter.title);
  doc.page.margins.bottom = MARGIN + FOOTER_SPACE;
  doc.on("pageAdded", () => (doc.page.margins.bottom = MARGIN + FOOTER_SPACE));
  letterhead(doc, letter);
  doc.moveDown();
  doc.text(letter.to.join("\n"));
  doc.moveDown();
  doc.text(letter.date);
  doc.moveDown();
  doc.text(letter.salutation);
  doc.moveDown(0.5);
  doc.font("Bold").text(`${letter.title}: ${letter.subject}`);
  doc.font("Body").moveDown(0.5);
  const blocks = letter.blocks;
  // The last block (with its heading) goes on the signature's page, so no page holds only the signature.
  const tailFrom = Math.max(blocks.length >= 2 && blocks[blocks.length - 2].type === "heading" ? blocks.length - 2 : blocks.length - 1, 0);
  blocks.slice(0, tailFrom).forEach((b) => block(doc, b));
  const closingHeight = closing(doc, letter, status, true);
  const slack = 2 * doc.currentLineHeight(true); // measuring is close to, not exactly, what pdfkit lays out
  const tail = blocks.slice(tailFrom);
  const together = tail.reduce((h, b) => h + blockHeight(doc, b), 0) + closingHeight + slack;
  const last = tail.at(-1);
  if (together <= usable(doc)) {
    ensureSpace(doc, together);
    tail.forEach((b) => block(doc, b));
  } else if (last?.type === "paragraph") {
    // Too long for one page: its last lines go with the signature instead.
    const { head, end } = splitLastLines(doc, last.text, 3);
    tail.slice(0, -1).forEach((b) => block(doc, b));
    if (head) doc.font("Body").fontSize(BODY).text(head, MARGIN, doc.y, { width: width(doc) });
    ensureSpace(doc, blockHeight(doc, { type: "paragraph", text: end }) + closingHeight + slack);
    block(doc, { type: "paragraph", text: end });
  } else {
    tail.forEach((b) => block(doc, b));
  }
  ensureSpace(doc, closingHeight);
  closing(doc, letter, status, false);
  furnish(doc, letter.identifiers ?? letter.subject, status.draft);
  return finish(doc);
}

/** The referral pack as a PDF. */
export function renderPackPdf(title: string, subject: string, sections: PackSection[], draft: boolean, note: string): Promise<Buffer> {
  const doc = newDocument(title);
  doc.page.margins.bottom = MARGIN + FOOTER_SPACE;
  doc.on("pageAdded", () => (doc.page.margins.bottom = MARGIN + FOOTER_SPACE));
  doc.font("Bold").fontSize(BODY + 4).text(title);
  doc.font("Body").fontSize(BODY).text(subject).moveDown(0.5);
  doc.fontSize(BODY - 1).text(note).fontSize(BODY).moveDown();
  for (const s of sections) {
    block(doc, { type: "heading", text: s.title });
    fields(doc, s.rows);
  }
  furnish(doc, subject, draft);
  return finish(doc);
}
