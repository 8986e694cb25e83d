import postgres from 'postgres';
import { drizzle, type PostgresJsDatabase } from 'drizzle-orm/postgres-js';
import * as schema from './schema';

export type Schema = typeof schema;
/** drizzle over postgres.js; `$client` is the pool, for the few queries written in postgres.js (with lockSubjects). */
export type Db = PostgresJsDatabase<Schema> & { $client: postgres.Sql };
export type Sql = postgres.Sql;

export interface DbClient {
  sql: Sql;
  db: Db;
  close(timeoutSeconds?: number): Promise<void>;
}

export interface DbOptions {
  url: string;
  poolSize?: number;
  /** Shown in pg_stat_activity, so an operator can tell receivers from workers. */
  applicationName?: string;
}

export function createDbClient(opts: DbOptions): DbClient {
  const sql = postgres(opts.url, {
    max: opts.poolSize ?? 10,
    onnotice: () => {},
    connection: { application_name: opts.applicationName ?? 'cxfold' },
    // Fail fast when Postgres is unreachable, so the receiver can answer 503 instead of hanging.
    connect_timeout: 5,
    idle_timeout: 60,
  });
  const db = drizzle(sql, { schema });
  return { sql, db, close: (timeout = 5) => sql.end({ timeout }) };
}
