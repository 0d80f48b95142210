import fs from "node:fs";
import path from "node:path";
import { fileURLToPath, pathToFileURL } from "node:url";
import type { Knex } from "knex";
import type { Db } from "./knex.ts";

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "../..");
export const migrationsDir = path.join(root, "migrations");
export const seedsDir = path.join(root, "seeds");

/** Files in a folder, in name order, loaded as ES modules (knex's own loader does not know tsx). */
class FolderSource implements Knex.MigrationSource<string> {
  constructor(private readonly dir: string) {}
  async getMigrations(): Promise<string[]> {
    return fs.readdirSync(this.dir).filter((f) => /^\d.*\.ts$/.test(f)).sort();
  }
  getMigrationName(file: string): string {
    return file;
  }
  async getMigration(file: string): Promise<Knex.Migration> {
    return import(pathToFileURL(path.join(this.dir, file)).href);
  }
}

export async function migrateLatest(db: Db): Promise<void> {
  await db.migrate.latest({ migrationSource: new FolderSource(migrationsDir) });
}

export interface SeedContext {
  now: Date;
}

/** Runs every seed file in order. Each seed decides for itself whether its data is already there. */
export async function runSeeds(db: Db, context: SeedContext): Promise<void> {
  for (const file of fs.readdirSync(seedsDir).filter((f) => /^\d.*\.ts$/.test(f)).sort()) {
    const seed = (await import(pathToFileURL(path.join(seedsDir, file)).href)) as {
      seed: (db: Db, context: SeedContext) => Promise<void>;
    };
    await seed.seed(db, context);
  }
}
