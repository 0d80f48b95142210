// Compiles styles/app.scss (NHS.UK frontend without remote fonts, plus the app's own styles)
// into public/build/app.css. Skips the work when the output is newer than its sources.
import fs from "node:fs";
import path from "node:path";
import { fileURLToPath } from "node:url";
import * as sass from "sass";

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "..");
const source = path.join(root, "styles/app.scss");
const output = path.join(root, "public/build/app.css");
const frontendPackage = path.join(root, "node_modules/nhsuk-frontend/package.json");

// Every file under styles/ (app.scss and the partials it uses).
const sources = fs.readdirSync(path.dirname(source)).map((f) => path.join(path.dirname(source), f));
const upToDate =
  fs.existsSync(output) &&
  fs.statSync(output).mtimeMs > Math.max(...sources.map((f) => fs.statSync(f).mtimeMs), fs.statSync(frontendPackage).mtimeMs);

if (!upToDate) {
  const result = sass.compile(source, {
    loadPaths: [path.join(root, "node_modules")],
    style: "compressed",
    quietDeps: true,
    silenceDeprecations: ["import", "global-builtin", "color-functions"] as sass.DeprecationOrId[],
  });
  if (/url\((["']?)https?:/.test(result.css)) throw new Error("Compiled CSS refers to another host");
  fs.mkdirSync(path.dirname(output), { recursive: true });
  fs.writeFileSync(output, result.css);
  console.log("Built public/build/app.css");
}
