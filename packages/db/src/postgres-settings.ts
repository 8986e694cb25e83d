import { withDeadline } from '@cxfold/runtime';
import type { Sql } from './client';

/** The settings docs/operations.md ("Postgres settings") has advice on, as the receiver's sessions see them. */
export const CHECKED_SETTINGS = ['synchronous_commit', 'fsync', 'wal_init_zero', 'wal_compression'] as const;
export type CheckedSetting = (typeof CHECKED_SETTINGS)[number];

export interface SettingAdvice {
  setting: CheckedSetting;
  value: string;
  /** true: an acknowledged event could be lost in a crash, which the 202 promises it will not */
  unsafe: boolean;
  advice: string;
}

/**
 * What docs/operations.md would change in these settings (pure). Settings absent from the map
 * (an older server, or one that hides them) get no advice.
 */
export function adviseOnSettings(settings: Partial<Record<CheckedSetting, string>>): SettingAdvice[] {
  const out: SettingAdvice[] = [];
  const is = (name: CheckedSetting, value: string) => settings[name]?.toLowerCase() === value;
  if (is('synchronous_commit', 'off')) {
    out.push({ setting: 'synchronous_commit', value: 'off', unsafe: true, advice: 'synchronous_commit is off: a 202 goes out before its WAL is on disk, and a crash can lose acknowledged events; set it to on (docs/operations.md, "Postgres settings")' });
  }
  if (is('fsync', 'off')) {
    out.push({ setting: 'fsync', value: 'off', unsafe: true, advice: 'fsync is off: a crash can lose or corrupt acknowledged events; set it to on (docs/operations.md, "Postgres settings")' });
  }
  if (is('wal_init_zero', 'on')) {
    out.push({ setting: 'wal_init_zero', value: 'on', unsafe: false, advice: 'wal_init_zero is on: a commit that needs a new WAL segment first zero-fills 16 MB, and every acknowledgement behind it waits (tens of ms); set it off (alter system, then reload) (docs/operations.md, "Postgres settings")' });
  }
  if (is('wal_compression', 'off')) {
    out.push({ setting: 'wal_compression', value: 'off', unsafe: false, advice: 'wal_compression is off: after each checkpoint the page images it writes slow the commits; set it to lz4 (Postgres 15; on before it) (docs/operations.md, "Postgres settings")' });
  }
  return out;
}

/** The checked settings as this connection's sessions see them (per-database settings included). */
export async function readCheckedSettings(sql: Sql): Promise<Partial<Record<CheckedSetting, string>>> {
  const rows = await sql<{ name: CheckedSetting; value: string }[]>`
    select name, current_setting(name) as value from pg_settings where name = any(${[...CHECKED_SETTINGS]})`;
  return Object.fromEntries(rows.map((r) => [r.name, r.value]));
}

export class UnsafePostgresError extends Error {
  override readonly name = 'UnsafePostgresError';
}

export interface SettingsLog {
  advice(advice: SettingAdvice): void;
  /** Postgres did not answer in time: start anyway (readiness says when it is down), unchecked. */
  unreadable(err: unknown): void;
}

/**
 * Logs each piece of advice once at start-up; in production refuses to start on a setting
 * that would break the 202's durability promise (as with Redis' eviction policy).
 */
export async function enforcePostgresSettings(sql: Sql, production: boolean, log: SettingsLog, timeoutMs = 3_000): Promise<void> {
  let settings: Partial<Record<CheckedSetting, string>>;
  try {
    settings = await withDeadline('postgres settings', timeoutMs, readCheckedSettings(sql));
  } catch (err) {
    log.unreadable(err);
    return;
  }
  const advice = adviseOnSettings(settings);
  const unsafe = advice.filter((a) => a.unsafe);
  if (production && unsafe.length > 0) throw new UnsafePostgresError(unsafe.map((a) => a.advice).join('; '));
  for (const a of advice) log.advice(a);
}
