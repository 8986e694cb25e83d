import type { Sql } from './client';

/** The tables the worker folds into, which the API and the console read. */
export const PROJECTION_TABLES = ['interactions', 'segments', 'flow_executions', 'flow_steps'] as const;

/**
 * VACUUM ANALYZE of the projection tables, as autovacuum does in production: planner
 * statistics, and the visibility map that index-only scans need (the overview's failing steps
 * count runs from flow_steps_runs_idx alone). For machines that run Postgres with autovacuum
 * off, as this repository's CI machines do, after a bulk load (the demo, the console bench).
 * Resolves to the seconds it took.
 */
export async function vacuumAnalyzeProjections(sql: Sql): Promise<number> {
  const t0 = Date.now();
  await sql.unsafe(`vacuum analyze ${PROJECTION_TABLES.join(', ')}`);
  return (Date.now() - t0) / 1000;
}
