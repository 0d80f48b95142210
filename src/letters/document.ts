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
  /** The letterhead: the hospital first, then department, address and phone. */
  from: string[];
  /** "Consultant: Mr Sam Surgeon", under the letterhead (absent in letters made before it existed). */
  consultant?: string;
  /** Name, date of birth and NHS number, printed on every page of the PDF. */
  identifiers?: string;
  /** Copies: "cc: the GP's name and address", when the clinician ticked it. */
  cc?: string[];
  /** The small reference line: the pathway rules the letter cites. */
  reference?: string;
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
