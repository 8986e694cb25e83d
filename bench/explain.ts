/**
 * Query plans on a realistic volume: fills a bench database with 1,000,000 interactions
 * (plus legs and flow executions), runs every list filter of the analyst API through the
 * real query code, captures the SQL it sends, and EXPLAINs it. A filter passes when its plan
 * reads the big tables through an index (no sequential scan). Prints one JSON line.
 *
 *   npm run bench:explain -- [--rows 1000000] [--keep]
 */
import { parseArgs } from 'node:util';
import { mkdirSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import postgres from 'postgres';
import { drizzle } from 'drizzle-orm/postgres-js';
import { baseEnv, loadEnv } from '@cxfold/config';
import { migrate, createTenant, type ApiPrincipal } from '@cxfold/db';
import * as schema from '@cxfold/db';
import { listInteractions, listFlowExecutions, interactionListQuery, flowListQuery } from '@cxfold/query';

const { values } = parseArgs({ options: { rows: { type: 'string', default: '1000000' }, keep: { type: 'boolean', default: false } } });
const ROWS = Number(values.rows);
const env = loadEnv(baseEnv);
const url = new URL(env.DATABASE_URL);
url.pathname = '/cxfold_bench_explain';
const BENCH_URL = url.toString();

async function fill(sql: postgres.Sql) {
  const [{ n }] = (await sql`select count(*)::int as n from interactions where tenant = 'bench'`) as unknown as [{ n: number }];
  if (n >= ROWS) return n;
  const started = Date.now();
  await sql`
    insert into interactions (tenant, id, channel, direction, origin, destination, customer_name, status, created_at, closed_at,
      last_queue_id, last_queue_name, last_agent_id, last_agent_name, agents_search, disposition_code, total_ms, queue_ms, handle_ms, last_event_at, event_count)
    select 'bench', 'b-' || g,
      (array['chat','voice','sms','email','whatsapp','facebook','webcallback'])[1 + g % 7], 'inbound',
      '+1555' || lpad((g % 200000)::text, 7, '0'), '+1800555' || lpad((g % 50)::text, 4, '0'),
      case when g % 3 = 0 then 'Customer ' || (g % 90000) end,
      (array['closed','closed','closed','closed','active','queued','new'])[1 + g % 7],
      now() - (g % 31536000) * interval '1 second', now() - (g % 31536000) * interval '1 second' + interval '5 minutes',
      'q-' || (g % 20), 'Queue ' || (g % 20), 'a-' || (g % 300), 'Agent ' || (g % 300) || ' Name',
      'Agent ' || (g % 300) || E' Name\na-' || (g % 300),
      'D' || (g % 10), 300000, 60000, 240000, now(), 4
    from generate_series(1, ${ROWS}) g`;
  await sql`
    insert into segments (tenant, interaction_id, number, type, start_type, end_type, queue_id, queue_name, started_at, ended_at, duration_ms, interaction_created_at)
    select 'bench', 'b-' || g, 0, 'queue', 'queued', 'routed', 'q-' || (g % 20), 'Queue ' || (g % 20), now() - (g % 31536000) * interval '1 second', now(), 60000,
      now() - (g % 31536000) * interval '1 second'
    from generate_series(1, ${ROWS}) g`;
  await sql`
    insert into flow_executions (tenant, id, interaction_id, flow_id, flow_name, version, tag, "from", "to", entry_point, channel, started_at, ended_at, duration_ms, status, last_event_at, event_count)
    select 'bench', 'fx-' || g, 'b-' || g, 'f-' || (g % 12), 'Flow ' || (g % 12), (1 + g % 5)::text, 'Live', '+1555' || lpad((g % 200000)::text, 7, '0'),
      '+1800555' || lpad((g % 50)::text, 4, '0'), 'EP ' || (g % 8), 'Phone', now() - (g % 31536000) * interval '1 second',
      now() - (g % 31536000) * interval '1 second' + interval '30 seconds', 30000, 'completed', now(), 4
    from generate_series(1, ${ROWS}) g`;
  await sql`vacuum analyze interactions`;
  await sql`vacuum analyze segments`;
  await sql`vacuum analyze flow_executions`;
  process.stderr.write(`filled ${ROWS} rows per table in ${((Date.now() - started) / 1000).toFixed(0)} s\n`);
  return ROWS;
}

interface Captured {
  query: string;
  params: unknown[];
}

async function main() {
  await migrate(BENCH_URL);
  const admin = postgres(BENCH_URL, { max: 1, onnotice: () => {} });
  await createTenant(drizzle(admin, { schema }), 'bench', { timeZone: 'America/New_York' }).catch(() => undefined);
  const rows = await fill(admin);

  let captured: Captured[] = [];
  const traced = postgres(BENCH_URL, { max: 2, onnotice: () => {}, debug: (_c, query, params) => captured.push({ query, params: params as unknown[] }) });
  const db = drizzle(traced, { schema });
  const adminKey: ApiPrincipal = { keyId: 'bench', tenant: 'bench', role: 'admin', queues: [], operator: false };
  const supervisor: ApiPrincipal = { keyId: 'bench-s', tenant: 'bench', role: 'supervisor', queues: ['q-3', 'q-7'], operator: false };

  const cases: { name: string; who: ApiPrincipal; list: 'interactions' | 'flows'; query: Record<string, string> }[] = [
    { name: 'interactions: default (today)', who: adminKey, list: 'interactions', query: {} },
    { name: 'interactions: last 7 days', who: adminKey, list: 'interactions', query: { range: 'last7days' } },
    { name: 'interactions: agent substring', who: adminKey, list: 'interactions', query: { range: 'last7days', agent: 'agent 17 ' } },
    { name: 'interactions: queue multi', who: adminKey, list: 'interactions', query: { range: 'last7days', queue: 'q-1,q-2' } },
    { name: 'interactions: channel multi', who: adminKey, list: 'interactions', query: { range: 'last7days', channel: 'chat,sms' } },
    { name: 'interactions: DID', who: adminKey, list: 'interactions', query: { from: '2025-01-01', to: '2027-01-01', did: '+18005550007' } },
    { name: 'interactions: disposition', who: adminKey, list: 'interactions', query: { range: 'last7days', disposition: 'D3' } },
    { name: 'interactions: status', who: adminKey, list: 'interactions', query: { range: 'last7days', status: 'queued' } },
    { name: 'interactions: custom year, sort by client', who: adminKey, list: 'interactions', query: { from: '2025-01-01', to: '2027-01-01', sort: 'client', status: 'new', channel: 'voice', queue: 'q-4' } },
    { name: 'interactions: supervisor scope', who: supervisor, list: 'interactions', query: { range: 'last7days' } },
    { name: 'flows: default (today)', who: adminKey, list: 'flows', query: {} },
    { name: 'flows: phone both', who: adminKey, list: 'flows', query: { range: 'last7days', phone: '+15550001234' } },
    { name: 'flows: interaction id', who: adminKey, list: 'flows', query: { from: '2025-01-01', to: '2027-01-01', interactionId: 'b-4242' } },
    { name: 'flows: flow name multi', who: adminKey, list: 'flows', query: { range: 'last7days', flowName: 'Flow 1,Flow 2' } },
    { name: 'flows: entry point', who: adminKey, list: 'flows', query: { range: 'last7days', entryPoint: 'EP 3' } },
    { name: 'flows: version, tag, duration', who: adminKey, list: 'flows', query: { range: 'last7days', version: '2', tag: 'Live', duration: '10', durationOp: 'gt' } },
    { name: 'flows: supervisor scope', who: supervisor, list: 'flows', query: { range: 'last7days' } },
  ];

  const results: { name: string; ok: boolean; ms: number; scans: string[]; statements: number }[] = [];
  for (const c of cases) {
    captured = [];
    const t0 = performance.now();
    if (c.list === 'interactions') await listInteractions(db, c.who, interactionListQuery.parse(c.query), 'America/New_York');
    else await listFlowExecutions(db, c.who, flowListQuery.parse(c.query), 'America/New_York');
    const ms = performance.now() - t0;
    const scans = new Set<string>();
    let seq = false;
    for (const q of captured) {
      const [plan] = (await admin.unsafe(`explain (format json) ${q.query}`, q.params as never[])) as unknown as [{ 'QUERY PLAN': unknown }];
      walk(plan['QUERY PLAN'], (node) => {
        const type = String(node['Node Type']);
        // postgres.js reads pg_type once per connection: not one of our queries.
        if (type.includes('Scan') && node['Relation Name'] && !String(node['Relation Name']).startsWith('pg_')) {
          scans.add(`${type} ${node['Index Name'] ?? node['Relation Name']}`);
          if (type === 'Seq Scan') seq = true;
        }
      });
    }
    results.push({ name: c.name, ok: !seq, ms: Math.round(ms), scans: [...scans].sort(), statements: captured.length });
  }

  const table = ['| filter | served by an index | list+count ms | scans |', '| --- | --- | --- | --- |', ...results.map((r) => `| ${r.name} | ${r.ok ? 'yes' : '**no**'} | ${r.ms} | ${r.scans.join('<br>')} |`)].join('\n');
  const outDir = path.join(__dirname, 'results');
  mkdirSync(outDir, { recursive: true });
  const stamp = new Date().toISOString().slice(0, 10);
  writeFileSync(path.join(outDir, `explain-${stamp}.md`), `# Query plans on ${rows} interactions (${new Date().toISOString()})\n\n${table}\n`);
  process.stderr.write(`${table}\n`);
  process.stdout.write(`${JSON.stringify({ interactions: rows, filters: results.length, served_by_index: results.filter((r) => r.ok).length, slowest_ms: Math.max(...results.map((r) => r.ms)) })}\n`);
  await traced.end();
  if (!values.keep) {
    await admin.end();
  } else await admin.end();
  if (results.some((r) => !r.ok)) process.exitCode = 1;
}

function walk(plan: unknown, visit: (node: Record<string, unknown>) => void): void {
  if (Array.isArray(plan)) return plan.forEach((p) => walk(p, visit));
  if (plan && typeof plan === 'object') {
    const node = plan as Record<string, unknown>;
    if ('Node Type' in node) visit(node);
    for (const v of Object.values(node)) if (v && typeof v === 'object') walk(v, visit);
  }
}

main().catch((err: unknown) => {
  process.stderr.write(`explain bench failed: ${err instanceof Error ? err.stack : String(err)}\n`);
  process.exit(1);
});
