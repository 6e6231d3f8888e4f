// Opens the durable store: SQLite in WAL mode through Kysely, migrated to the latest schema.
// Swapping SqliteDialect for PostgresDialect is the only change PostgreSQL needs here.
import Database from 'better-sqlite3';
import { mkdirSync } from 'node:fs';
import { dirname } from 'node:path';
import { Kysely, Migrator, SqliteDialect, type Migration, type MigrationProvider } from 'kysely';
import { MeridianError } from '../core/errors.js';
import * as m001 from './migrations/001-initial.js';
import * as m002 from './migrations/002-traffic-policies.js';
import * as m003 from './migrations/003-strategies.js';
import type { Database as Schema } from './schema.js';

/** Migrations ship inside the code, in order: no directory scanning at run time. */
const MIGRATIONS: Record<string, Migration> = {
  '001-initial': m001,
  '002-traffic-policies': m002,
  '003-strategies': m003,
};

const provider: MigrationProvider = { getMigrations: () => Promise.resolve(MIGRATIONS) };

export async function openDatabase(path: string): Promise<Kysely<Schema>> {
  if (path !== ':memory:') mkdirSync(dirname(path), { recursive: true });
  const sqlite = new Database(path);
  // WAL: readers never block the single writer; NORMAL sync is durable across process crashes
  // (what kill -9 tests), FULL would add power-loss durability at a cost per commit.
  sqlite.pragma('journal_mode = WAL');
  sqlite.pragma('synchronous = NORMAL');
  sqlite.pragma('foreign_keys = ON');
  sqlite.pragma('busy_timeout = 5000');
  const db = new Kysely<Schema>({ dialect: new SqliteDialect({ database: sqlite }) });
  const { error, results } = await new Migrator({ db, provider }).migrateToLatest();
  const failed = results?.find((r) => r.status === 'Error');
  if (error !== undefined || failed !== undefined) {
    await db.destroy();
    throw new MeridianError('INTERNAL', `database migration ${failed?.migrationName ?? ''} failed: ${error instanceof Error ? error.message : String(error)}`);
  }
  return db;
}
