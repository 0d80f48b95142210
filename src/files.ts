import fs from "node:fs";

/**
 * The app's data folder holds the database, the session secret and copies of patients' messages:
 * only the app's own user may read it. Folders it makes are 0700 and files 0600, whatever the umask.
 */
export function ensurePrivateDir(dir: string): void {
  fs.mkdirSync(dir, { recursive: true, mode: 0o700 });
}

/** The data folder itself is made private at start-up, even if an older version created it 0755. */
export function makeDataDirPrivate(dir: string): void {
  ensurePrivateDir(dir);
  fs.chmodSync(dir, 0o700);
}

/** Writes a file that only the app's own user can read (0600), in a private folder. */
export function writePrivateFile(file: string, content: string | Uint8Array): void {
  fs.writeFileSync(file, content, { mode: 0o600 });
  fs.chmodSync(file, 0o600);
}

/** Creates an empty file 0600 if it is missing (so SQLite's database, and its journal files, start private). */
export function touchPrivateFile(file: string): void {
  fs.closeSync(fs.openSync(file, "a", 0o600));
  fs.chmodSync(file, 0o600);
}
