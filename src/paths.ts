import path from "node:path";
import { fileURLToPath } from "node:url";

/** The checkout's top folder, and the Handlebars views under it (pages, letters and emails all render from there). */
export const rootDir = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "..");
export const viewsDir = path.join(rootDir, "views");
