import type { Redis } from 'ioredis';
import { migrationStatus, shippedMigrationCount, type Sql } from '@cxfold/db';
import { withDeadline } from '@cxfold/runtime';

/** One readiness check: resolves when healthy, throws an Error whose message is the reason otherwise. */
export type ReadinessCheck = () => Promise<void>;

export interface ReadinessReport {
  ready: boolean;
  /** `ok`, or the reason the check failed. */
  checks: Record<string, string>;
}

/**
 * Runs every check in parallel, each under its own deadline (2 s by default), so a hung
 * dependency makes the probe fail instead of hang. A check still running from an earlier probe
 * is awaited again rather than started twice: probes every few seconds against a Postgres that
 * hangs must not pile up queries on the pool.
 */
export class Readiness {
  private readonly inFlight = new Map<string, Promise<void>>();

  constructor(
    private readonly checks: Record<string, ReadinessCheck>,
    private readonly timeoutMs = 2_000,
  ) {}

  async check(): Promise<ReadinessReport> {
    const entries = await Promise.all(
      Object.entries(this.checks).map(async ([name, run]): Promise<[string, string]> => {
        let pending = this.inFlight.get(name);
        if (!pending) {
          pending = Promise.resolve()
            .then(run)
            .finally(() => this.inFlight.delete(name));
          // Observed below; a rejection after the deadline must not be reported as unhandled.
          pending.catch(() => undefined);
          this.inFlight.set(name, pending);
        }
        try {
          await withDeadline(name, this.timeoutMs, pending);
          return [name, 'ok'];
        } catch (err) {
          return [name, reasonOf(err)];
        }
      }),
    );
    const checks = Object.fromEntries(entries);
    return { ready: entries.every(([, v]) => v === 'ok'), checks };
  }
}

function reasonOf(err: unknown): string {
  const message = err instanceof Error ? err.message : String(err);
  return message.trim() || (err as { code?: string }).code || 'failed';
}

/** Postgres answers `select 1`. */
export function postgresCheck(sql: Sql): ReadinessCheck {
  return async () => {
    await sql`select 1`;
  };
}

/** Redis answers PING on this process's connection. */
export function redisCheck(redis: Redis): ReadinessCheck {
  return async () => {
    // A producer connection fails fast while reconnecting; say what state it is in.
    if (redis.status !== 'ready') throw new Error(`redis connection is ${redis.status}`);
    const reply = await redis.ping();
    if (reply !== 'PONG') throw new Error(`unexpected PING reply ${reply}`);
  };
}

/**
 * Every migration this build ships is applied: rows of `drizzle.__drizzle_migrations` against the
 * entries of `drizzle/meta/_journal.json`. A database ahead of this build (a newer release
 * migrated it during a rolling deploy) counts as ready, so old replicas keep serving until replaced.
 */
export function migrationsCheck(sql: Sql, expected: number = shippedMigrationCount()): ReadinessCheck {
  return async () => {
    const { applied } = await migrationStatus(sql, expected);
    if (applied < expected) throw new Error(`${applied} of ${expected} migrations applied; run npm run migrate`);
  };
}

/** The readiness of every cxfold app: Postgres, Redis, migrations. */
export function standardReadiness(deps: { sql: Sql; redis: Redis; timeoutMs?: number }): Readiness {
  return new Readiness(
    {
      postgres: postgresCheck(deps.sql),
      redis: redisCheck(deps.redis),
      migrations: migrationsCheck(deps.sql),
    },
    deps.timeoutMs,
  );
}
