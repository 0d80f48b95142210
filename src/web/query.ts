import querystring from "node:querystring";
import { CONTROL_CHARACTERS } from "./validation.ts";

const CONTROL_CHARACTERS_ALL = new RegExp(CONTROL_CHARACTERS.source, "g");

/**
 * The app's query-string parser: Express's "simple" parsing (a name gives a string, a repeated
 * name an array of strings, nothing nested), with control characters taken out of every name and
 * value. Query parameters reach searches and lookups that no form validation guards, and
 * PostgreSQL refuses a NUL byte in text, so they are cleaned once here for every route.
 */
export function parseQuery(queryString: string): Record<string, string | string[]> {
  const parsed = querystring.parse(queryString);
  const cleaned: Record<string, string | string[]> = {};
  for (const [name, value] of Object.entries(parsed)) {
    if (value === undefined) continue;
    cleaned[clean(name)] = Array.isArray(value) ? value.map(clean) : clean(value);
  }
  return cleaned;
}

const clean = (text: string): string => text.replace(CONTROL_CHARACTERS_ALL, "");
