/**
 * A letter as data: a few kinds of block that both the HTML view and the PDF render, so the two
 * always say the same thing. Every string is plain text; the renderers escape it.
 */
export type Block =
  | { type: "heading"; text: string }
  | { type: "paragraph"; text: string }
  | { type: "list"; items: { rule?: string; text: string }[] }
  | { type: "table"; caption: string; head: string[]; rows: string[][]; widths?: number[] }
  | { type: "fields"; rows: { label: string; value: string }[] };

export interface LetterDoc {
  title: string;
  from: string[];
  to: string[];
  date: string;
  subject: string;
  salutation: string;
  blocks: Block[];
  signOff: string[];
}

export interface PackSection {
  title: string;
  rows: { label: string; value: string }[];
}
