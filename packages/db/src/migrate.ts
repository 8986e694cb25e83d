import { readFileSync } from 'node:fs';
import path from 'node:path';
import postgres from 'postgres';
import { drizzle } from 'drizzle-orm/postgres-js';
import { migrate as drizzleMigrate } from 'drizzle-orm/postgres-js/migrator';
import type { Sql } from './client';

export const MIGRATIONS_FOLDER = path.resolve(__dirname, '../../../drizzle');
const MIGRATION_LOCK = 7_201_337;

/** Creates the database named in the URL when it does not exist yet (fresh machines). */
export async function ensureDatabase(url: string): Promise<void> {
  const target = new URL(url);
  const name = decodeURIComponent(target.pathname.slice(1));
  if (!name) return;
  const admin = new URL(url);
  admin.pathname = '/postgres';
  const sql = postgres(admin.toString(), { max: 1, onnotice: () => {} });
  try {
    const rows = await sql`select 1 from pg_database where datname = ${name}`;
    if (rows.length === 0) {
      await sql.unsafe(`create database "${name.replace(/"/g, '""')}"`).catch((err: { code?: string }) => {
        if (err.code !== '42P04') throw err; // created concurrently by another process
      });
    }
  } finally {
    await sql.end({ timeout: 5 });
  }
}

/**
 * Applies drizzle-kit's SQL migrations over one connection, under an advisory lock so
 * several processes starting together do not race.
 */
export async function migrate(url: string): Promise<void> {
  await ensureDatabase(url);
  const sql = postgres(url, { max: 1, onnotice: () => {} });
  try {
    await sql`select pg_advisory_lock(${MIGRATION_LOCK})`;
    await drizzleMigrate(drizzle(sql), { migrationsFolder: MIGRATIONS_FOLDER });
    await sql`select pg_advisory_unlock(${MIGRATION_LOCK})`;
  } finally {
    await sql.end({ timeout: 5 });
  }
}

export interface MigrationStatus {
  /** Rows in drizzle's `drizzle.__drizzle_migrations`: migrations applied to this database. */
  applied: number;
  /** Entries in `drizzle/meta/_journal.json`: migrations this build ships. */
  expected: number;
}

/** How many migrations this build ships (entries of drizzle-kit's journal). */
export function shippedMigrationCount(folder: string = MIGRATIONS_FOLDER): number {
  const journal = JSON.parse(readFileSync(path.join(folder, 'meta', '_journal.json'), 'utf8')) as { entries?: unknown[] };
  return journal.entries?.length ?? 0;
}

/**
 * Applied vs shipped migrations, for readiness. A database never migrated (no drizzle schema
 * or table yet) counts as 0 applied rather than an error.
 */
export async function migrationStatus(sql: Sql, expected: number = shippedMigrationCount()): Promise<MigrationStatus> {
  try {
    const [row] = await sql<{ n: number }[]>`select count(*)::int as n from drizzle.__drizzle_migrations`;
    return { applied: row?.n ?? 0, expected };
  } catch (err) {
    const code = (err as { code?: string }).code;
    // 42P01 undefined_table, 3F000 invalid_schema_name: nothing was ever migrated here.
    if (code === '42P01' || code === '3F000') return { applied: 0, expected };
    throw err;
  }
}
