/**
 * Bench databases: one per scenario on the local Postgres, migrated with the real migrations,
 * dropped at the end unless --keep. And the cheap SQL fill of "already stored" history.
 */
import postgres from 'postgres';
import { migrate } from '@cxfold/db';

export function withDatabase(url: string, name: string): string {
  const u = new URL(url);
  u.pathname = `/${name}`;
  return u.toString();
}

export function adminSql(adminUrl: string) {
  return postgres(adminUrl, { max: 1, onnotice: () => {} });
}

export async function databaseExists(adminUrl: string, name: string): Promise<boolean> {
  const sql = adminSql(adminUrl);
  try {
    const rows = await sql`select 1 from pg_database where datname = ${name}`;
    return rows.length > 0;
  } finally {
    await sql.end({ timeout: 5 });
  }
}

export async function dropDatabase(adminUrl: string, name: string): Promise<void> {
  const sql = adminSql(adminUrl);
  try {
    await sql.unsafe(`drop database if exists "${name}" with (force)`);
  } finally {
    await sql.end({ timeout: 5 });
  }
}

export const WAL_COMPRESSION = ['lz4', 'pglz', 'off'] as const;
export type WalCompression = (typeof WAL_COMPRESSION)[number];

/**
 * What the bench sets on each of its databases (`alter database … set`, superuser), so every
 * session of the app processes runs as docs/operations.md ("Postgres settings") recommends,
 * without touching the machine's own Postgres configuration:
 * - `walCompression`: compresses the full-page images written after a checkpoint;
 * - `walInitZero`: false skips zero-filling a new 16 MB WAL segment, which Postgres otherwise
 *   does inside whichever commit first needs it (11-58 ms on 2026-12-04; docs/performance.md).
 */
export interface BenchDbSettings {
  walCompression: WalCompression;
  walInitZero: boolean;
}

/** A migrated database with the bench's settings; `fresh` drops an existing one first. */
export async function prepareDatabase(adminUrl: string, name: string, fresh: boolean, settings: BenchDbSettings): Promise<string> {
  if (fresh) await dropDatabase(adminUrl, name);
  const url = withDatabase(adminUrl, name);
  await migrate(url);
  const sql = adminSql(adminUrl);
  try {
    await sql.unsafe(`alter database "${name}" set wal_compression = '${settings.walCompression}'`);
    await sql.unsafe(`alter database "${name}" set wal_init_zero = ${settings.walInitZero ? 'on' : 'off'}`);
  } finally {
    await sql.end({ timeout: 5 });
  }
  return url;
}

/** Interactions per day in the filled history: 1,000,000 make one year. */
export const HISTORY_PER_DAY = 2_740;

/**
 * History that is already folded, filled by generate_series in a few statements: `rows`
 * interactions, the newest now and one every 86,400 / perDay s before (2,740 a day: 1,000,000
 * make a year, 100,000 about five weeks), each with a queue and an agent leg, one flow
 * execution with two steps, and the raw events they came from (4 task + 4 flow events,
 * marked folded), shaped like the real payloads. Ids are `b-<n>` (interactions) and
 * `fx-<n>` (flow executions); raw event ids are random-looking like real ones, so the unique
 * index grows the way it does in production. Idempotent: rows already there are skipped.
 */
export async function fillHistory(sql: postgres.Sql, tenant: string, rows: number, say: (line: string) => void, perDay = HISTORY_PER_DAY): Promise<{ interactions: number; rawEvents: number; seconds: number }> {
  const started = Date.now();
  const [{ n }] = (await sql`select count(*)::int as n from interactions where tenant = ${tenant} and id like 'b-%'`) as unknown as [{ n: number }];
  if (n >= rows) {
    const [{ r }] = (await sql`select count(*)::int as r from raw_events where tenant = ${tenant}`) as unknown as [{ r: number }];
    say(`  reusing ${n} interactions and ${r} raw events already filled`);
    return { interactions: n, rawEvents: r, seconds: 0 };
  }
  if (n > 0) throw new Error(`database holds a partial fill (${n} of ${rows} interactions); drop it or run without --keep`);
  const secondsApart = 86_400 / perDay;
  const step = (label: string, t0: number) => say(`  ${label} in ${((Date.now() - t0) / 1000).toFixed(1)} s`);

  let t0 = Date.now();
  await sql`
    insert into interactions (tenant, id, channel, direction, origin, destination, customer_name, script_selector, status, created_at, first_queued_at, first_routed_at, closed_at,
      last_queue_id, last_queue_name, last_agent_id, last_agent_name, agents_search, disposition_code, disposition_name, close_reason, total_ms, queue_ms, handle_ms, ewt_first, ewt_last,
      call_variables, ecc_variables, last_event_at, event_count, updated_at)
    select ${tenant}, 'b-' || g,
      (array['chat','voice','sms','email','whatsapp','facebook','webcallback'])[1 + g % 7], 'inbound',
      '+1555' || lpad((g % 200000)::text, 7, '0'), '+1800555' || lpad((g % 50)::text, 4, '0'),
      case when g % 3 = 0 then 'Customer ' || (g % 90000) end, 'DR_Support',
      (array['closed','closed','closed','closed','active','queued','new'])[1 + g % 7],
      c, c + interval '20 seconds', c + interval '80 seconds', c + interval '5 minutes',
      'q-' || (g % 20), 'Queue ' || (g % 20), 'a-' || (g % 300), 'Agent ' || (g % 300) || ' Name',
      -- The agent search column as the worker writes it (the agent's name, then id).
      'Agent ' || (g % 300) || E' Name\na-' || (g % 300),
      'D' || (g % 10), 'Disposition ' || (g % 10), 'agent', 300000, 60000, 240000, 30, 45,
      jsonb_build_object('cv_1', 'support', 'cv_2', 'ACC-' || g), jsonb_build_object('user_DR_CustomerName', 'Customer ' || (g % 90000)),
      c + interval '5 minutes', 8, now()
    from generate_series(1, ${rows}) g, lateral (select now() - (g - 1) * ${secondsApart}::float8 * interval '1 second' as c) t`;
  step(`${rows} interactions`, t0);

  t0 = Date.now();
  await sql`
    insert into segments (tenant, interaction_id, number, type, start_type, end_type, queue_id, queue_name, agent_id, agent_name, started_at, ended_at, duration_ms, interaction_created_at)
    select ${tenant}, 'b-' || g, s.n, s.type, s.st, s.et, 'q-' || (g % 20), 'Queue ' || (g % 20),
      case when s.n = 1 then 'a-' || (g % 300) end, case when s.n = 1 then 'Agent ' || (g % 300) || ' Name' end,
      c + s.off, c + s.off + s.dur, extract(epoch from s.dur)::bigint * 1000, c
    from generate_series(1, ${rows}) g,
      lateral (select now() - (g - 1) * ${secondsApart}::float8 * interval '1 second' as c) t,
      (values (0, 'queue', 'queued', 'routed', interval '20 seconds', interval '60 seconds'),
              (1, 'agent', 'routed', 'closed', interval '80 seconds', interval '220 seconds')) as s(n, type, st, et, off, dur)`;
  step(`${rows * 2} segments`, t0);

  t0 = Date.now();
  await sql`
    insert into flow_executions (tenant, id, interaction_id, flow_id, flow_name, flow_version_id, version, tag, "from", "to", entry_point, channel, trigger, started_at, ended_at, duration_ms, status, end_reason,
      last_step_name, last_step_type, step_count, variables_category, variables_sub_category, data, last_event_at, event_count, updated_at)
    select ${tenant}, 'fx-' || g, 'b-' || g, 'f-' || (g % 12), 'Flow ' || (g % 12), 'fv-' || (g % 60), (1 + g % 5)::text, 'Live',
      '+1555' || lpad((g % 200000)::text, 7, '0'), '+1800555' || lpad((g % 50)::text, 4, '0'), 'EP ' || (g % 8), 'Phone', 'event',
      c - interval '30 seconds', c, 30000, 'completed', 'createInteraction', 'End', 'end_flow', 2, 'Support', 'Order status',
      jsonb_build_object('sourceDetails', jsonb_build_object('phoneNumber', '+1555' || lpad((g % 200000)::text, 7, '0'))), c, 4, now()
    from generate_series(1, ${rows}) g, lateral (select now() - (g - 1) * ${secondsApart}::float8 * interval '1 second' as c) t`;
  step(`${rows} flow executions`, t0);

  t0 = Date.now();
  await sql`
    insert into flow_steps (tenant, execution_id, seq, node_id, type, name, started_at, ended_at, duration_ms, result, raw)
    select ${tenant}, 'fx-' || g, s.n, 'node-' || s.n, s.type, s.name, c - interval '30 seconds' + s.n * interval '10 seconds', c - interval '30 seconds' + s.n * interval '10 seconds' + interval '2 seconds', 2000, s.result,
      jsonb_build_object('type', 'step.executed', 'executionId', 'fx-' || g, 'seq', s.n, 'nodeType', s.type, 'nodeName', s.name, 'result', s.result)
    from generate_series(1, ${rows}) g,
      lateral (select now() - (g - 1) * ${secondsApart}::float8 * interval '1 second' as c) t,
      (values (1, 'menu', 'Main Menu', '2'), (2, 'queue_contact', 'CCE Create Task', 'success')) as s(n, type, name, result)`;
  step(`${rows * 2} flow steps`, t0);

  t0 = Date.now();
  // 4 task events + 4 flow events per interaction, each payload about the size of a real one.
  await sql`
    insert into raw_events (tenant, event_id, kind, event_type, subject_id, occurred_at, received_at, payload, folded_at, fold_attempts)
    select ${tenant}, e.event_id, e.kind, e.type, e.subject, e.at, e.at + interval '300 milliseconds', e.payload, e.at + interval '400 milliseconds', 1
    from generate_series(1, ${rows}) g,
      lateral (select now() - (g - 1) * ${secondsApart}::float8 * interval '1 second' as c) t,
      lateral (
        select (case when k.kind = 'task' then 'dr-' else 'wxc-' end) || md5(${tenant} || ':' || g || ':' || k.n)::uuid as event_id,
          k.kind, k.type, case when k.kind = 'task' then 'b-' || g else 'fx-' || g end as subject, t.c + k.off as at,
          case when k.kind = 'task' then jsonb_build_object(
              'eventId', 'dr-' || md5(${tenant} || ':' || g || ':' || k.n)::uuid, 'taskId', 'b-' || g, 'eventType', k.type,
              'timestamp', to_char((t.c + k.off) at time zone 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.MS"Z"'),
              'mediaType', (array['chat','voice','sms','email','whatsapp','facebook','webcallback'])[1 + g % 7],
              'origin', '+1555' || lpad((g % 200000)::text, 7, '0'), 'destination', '+1800555' || lpad((g % 50)::text, 4, '0'),
              'customerName', 'Customer ' || (g % 90000), 'scriptSelector', 'DR_Support',
              'queue', jsonb_build_object('id', 'q-' || (g % 20), 'name', 'Queue ' || (g % 20)),
              'agent', case when k.n >= 3 then jsonb_build_object('id', 'a-' || (g % 300), 'name', 'Agent ' || (g % 300) || ' Name') end,
              'variables', jsonb_build_object('cv_1', 'support', 'cv_2', 'ACC-' || g, 'cv_3', 'en-US', 'user_DR_CustomerName', 'Customer ' || (g % 90000)))
          else jsonb_build_object(
              'type', k.type, 'executionId', 'fx-' || g, 'eventId', 'wxc-' || md5(${tenant} || ':' || g || ':' || k.n)::uuid, 'taskId', 'b-' || g,
              'timestamp', to_char((t.c + k.off) at time zone 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.MS"Z"'),
              'flowId', 'f-' || (g % 12), 'flowName', 'Flow ' || (g % 12), 'version', 'v' || (1 + g % 5), 'tag', 'Live',
              'entryPoint', 'EP ' || (g % 8), 'from', '+1555' || lpad((g % 200000)::text, 7, '0'), 'to', '+1800555' || lpad((g % 50)::text, 4, '0'),
              'channel', 'Phone', 'nodeName', 'Step ' || k.n, 'result', 'success')
          end as payload
        from (values (1, 'task', 'CREATED', interval '0'), (2, 'task', 'QUEUED', interval '20 seconds'), (3, 'task', 'ROUTED', interval '80 seconds'), (4, 'task', 'CLOSED', interval '300 seconds'),
                     (5, 'flow', 'execution.started', interval '-30 seconds'), (6, 'flow', 'step.executed', interval '-20 seconds'),
                     (7, 'flow', 'step.executed', interval '-10 seconds'), (8, 'flow', 'execution.ended', interval '-1 second')) as k(n, kind, type, off)
      ) e`;
  step(`${rows * 8} raw events`, t0);

  t0 = Date.now();
  for (const table of ['interactions', 'segments', 'flow_executions', 'flow_steps', 'raw_events']) await sql.unsafe(`vacuum analyze ${table}`);
  step('vacuum analyze', t0);
  return { interactions: rows, rawEvents: rows * 8, seconds: Math.round((Date.now() - started) / 100) / 10 };
}

/** What Postgres wrote while a run went on: a checkpoint writing behind it changes its tail. */
export interface WalShare {
  /** WAL generated, MB (the whole server: the bench is its only writer) */
  walMB: number;
  /** share of WAL records that carried a full-page image (first change of a page since the last checkpoint) */
  fpiPct: number;
  /** checkpoints started in the window */
  checkpointsStarted: number;
  /** buffers the checkpointer wrote in the window: > 0 means a checkpoint was writing during the run */
  checkpointBuffers: number;
  /** WAL segments the run wrote into (16 MB each) */
  segmentsEntered: number;
  /**
   * Of those, at most how many had to be created during the run: those beyond the segments
   * recycled ahead of the insert position at its start. An upper bound: a checkpoint ending
   * during the run recycles more. With wal_init_zero on, each creation zero-fills 16 MB,
   * often inside the commit that needs it (docs/performance.md, 2026-12-04 afternoon).
   */
  segmentsCreated: number;
}

/** pg_stat_wal and pg_stat_bgwriter before and after a run (Postgres 14+). */
export async function walMeter(sql: postgres.Sql) {
  const read = async () => {
    const [w] = (await sql`
      select w.wal_records::float8 as records, w.wal_fpi::float8 as fpi, w.wal_bytes::float8 as bytes,
             (b.checkpoints_timed + b.checkpoints_req)::float8 as checkpoints, b.buffers_checkpoint::float8 as buffers
      from pg_stat_wal w, pg_stat_bgwriter b`) as unknown as [{ records: number; fpi: number; bytes: number; checkpoints: number; buffers: number }];
    return w;
  };
  const segment = async () => {
    const [x] = (await sql`
      select floor((pg_current_wal_lsn() - '0/0') / (select setting::numeric from pg_settings where name = 'wal_segment_size'))::float8 as seg,
             (select count(*)::int from pg_ls_waldir() where name ~ '^[0-9A-F]{24}$' and name > pg_walfile_name(pg_current_wal_lsn())) as ahead`) as unknown as [{ seg: number; ahead: number }];
    return x;
  };
  const before = await read();
  const startSegment = await segment();
  return {
    async stop(): Promise<WalShare> {
      const after = await read();
      const entered = (await segment()).seg - startSegment.seg;
      const records = after.records - before.records;
      return {
        walMB: Math.round((after.bytes - before.bytes) / 1e5) / 10,
        fpiPct: records > 0 ? Math.round(((after.fpi - before.fpi) / records) * 1000) / 10 : 0,
        checkpointsStarted: after.checkpoints - before.checkpoints,
        checkpointBuffers: after.buffers - before.buffers,
        segmentsEntered: entered,
        segmentsCreated: Math.max(0, entered - startSegment.ahead),
      };
    },
  };
}
