import type { Sql } from '@cxfold/db';
import type { SyntheticDay } from './synthetic-day';
import type { SendResult } from './sender';

export async function waitUntilFolded(sql: Sql, tenant: string, startedAt: number, timeoutMs = 600_000) {
  const deadline = Date.now() + timeoutMs;
  const lastAck = Date.now();
  for (;;) {
    const [row] = await sql<{ total: number; pending: number }[]>`
      select count(*)::int as total, count(*) filter (where folded_at is null and dead_lettered_at is null)::int as pending
      from raw_events where tenant = ${tenant}`;
    if (row && row.pending === 0) return { rawEvents: row.total, msAfterLastAck: Date.now() - lastAck, msSinceStart: Date.now() - startedAt };
    if (Date.now() > deadline) throw new Error(`${row?.pending} events still unfolded after ${timeoutMs / 1000} s`);
    await new Promise((r) => setTimeout(r, 250));
  }
}

export async function summarise(sql: Sql, tenant: string) {
  const [raw] = await sql<{ total: number; folded: number; dead: number; masked: number }[]>`
    select count(*)::int as total, count(folded_at)::int as folded, count(dead_lettered_at)::int as dead, coalesce(sum(mask_count), 0)::int as masked
    from raw_events where tenant = ${tenant}`;
  const byStatus = await sql<{ key: string; n: number }[]>`select status as key, count(*)::int as n from interactions where tenant = ${tenant} group by 1 order by 2 desc`;
  const byChannel = await sql<{ key: string; n: number }[]>`select coalesce(channel, '?') as key, count(*)::int as n from interactions where tenant = ${tenant} group by 1 order by 2 desc`;
  const legs = await sql<{ key: string; n: number }[]>`select type || ' → ' || coalesce(end_type, 'open') as key, count(*)::int as n from segments where tenant = ${tenant} group by 1 order by 2 desc`;
  const flows = await sql<{ key: string; n: number }[]>`select status as key, count(*)::int as n from flow_executions where tenant = ${tenant} group by 1 order by 2 desc`;
  const [steps] = await sql<{ n: number; http_errors: number; inferred: number }[]>`
    select (select count(*)::int from flow_steps where tenant = ${tenant}) as n,
           (select coalesce(sum(http_error_count), 0)::int from flow_executions where tenant = ${tenant}) as http_errors,
           (select count(*)::int from flow_executions where tenant = ${tenant} and start_inferred) as inferred`;
  return { raw: raw!, byStatus, byChannel, legs, flows, steps: steps! };
}

const table = (rows: { key: string; n: number }[]) => rows.map((r) => `${r.key} ${r.n}`).join(', ');

export function printSummary(
  say: (line: string) => void,
  s: Awaited<ReturnType<typeof summarise>>,
  expected: SyntheticDay['expected'],
  sent: SendResult,
  tenant: string,
  baseUrl: string,
) {
  say('');
  say('cxfold demo summary');
  say(`  accepted ${sent.accepted}   duplicates ${sent.duplicates}   rejected ${sent.rejected}   (generator: ${expected.uniqueEvents} distinct events)`);
  if (sent.errors.length) say(`  first rejections: ${sent.errors.join(' | ')}`);
  say(`  raw events ${s.raw.total}   folded ${s.raw.folded}   dead-lettered ${s.raw.dead}   card numbers masked ${s.raw.masked} (generator typed ${expected.cardNumbersTyped})`);
  say(`  interactions by status: ${table(s.byStatus)}   (generator: ${JSON.stringify(expected.byFinalStatus)})`);
  say(`  interactions by channel: ${table(s.byChannel)}`);
  say(`  segments: ${table(s.legs)}`);
  say(`  flow executions: ${table(s.flows)}   steps ${s.steps.n}, HTTP errors ${s.steps.http_errors}, start inferred ${s.steps.inferred}`);
  say('');
  say('where to look next:');
  say(`  psql "$DATABASE_URL" -c "select id, channel, status, last_queue_name, last_agent_name, total_ms from interactions where tenant = '${tenant}' order by created_at limit 20"`);
  say(`  psql "$DATABASE_URL" -c "select * from segments where tenant = '${tenant}' and start_type like 'transferred%' limit 20"`);
  say(`  psql "$DATABASE_URL" -c "select id, flow_name, status, current_step_name from flow_executions where tenant = '${tenant}' and status = 'active'"`);
  say(`  npm start, then POST events to ${baseUrl.replace(/:\d+$/, ':3000')}/v1/hooks/<tenant>/tasks/<event>; docs/ explains the records`);
}
