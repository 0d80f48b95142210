import fs from "node:fs";
import path from "node:path";
import Handlebars from "handlebars";
import { viewsDir } from "../paths.ts";
import type { LetterDoc } from "./document.ts";

const hbs = Handlebars.create();
hbs.registerHelper("eq", (a: unknown, b: unknown) => a === b);
const template = hbs.compile(fs.readFileSync(path.join(viewsDir, "partials/letters/document.hbs"), "utf8"), { strict: false });

/** The letter's HTML (an <article>), every value escaped by Handlebars. Stored with each version. */
export function renderLetterHtml(doc: LetterDoc): string {
  return template({ doc });
}
