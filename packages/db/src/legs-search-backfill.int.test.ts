import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { createTestEnv, type TestEnv } from '@cxfold/testkit';
import { legSearchColumns } from './projections';

/**
 * Migrations 0011 and 0012 fill agents_search of records folded before them from their legs
 * (0012: without the legs that rang out), and 0011 copies
 * each record's created_at onto its legs; the worker writes both from the fold. Both must give
 * the same values, or the Queue and Agent filters would find an old record differently from a
 * refolded one.
 */
let env: TestEnv;
beforeAll(async () => {
  env = await createTestEnv();
});
afterAll(async () => {
  await env.teardown();
});

const backfill = ['0011_interaction_legs_search.sql', '0012_agents_search_answered.sql']
  .map((file) => readFileSync(join(__dirname, '../../../drizzle', file), 'utf8'))
  .flatMap((migration) => migration.split('--> statement-breakpoint'))
  .filter((statement) => statement.includes('UPDATE'))
  .join(';\n');

test('the migration fills the search columns from the legs exactly as the worker writes them', async () => {
  const legs = [
    { type: 'queue', queueId: 'q-sales', agentId: null, agentName: null, endType: 'routed' },
    { type: 'agent', queueId: 'q-sales', agentId: 'a-2', agentName: 'Zoë Ärger', endType: 'transferred:agent' },
    { type: 'queue', queueId: 'Q-upper', agentId: null, agentName: null, endType: 'routed' },
    // Offered to Rita, who let it ring out: not an agent of this interaction.
    { type: 'agent', queueId: 'Q-upper', agentId: 'a-3', agentName: 'Rita Ringout', endType: 'transferred:rona' },
    { type: 'agent', queueId: 'q-billing', agentId: 'a-1', agentName: 'ann smith', endType: 'requeued' },
    { type: 'agent', queueId: null, agentId: 'a-2', agentName: 'Zoë Ärger', endType: null },
  ];
  const sql = env.db.sql;
  await sql`insert into interactions (tenant, id, direction, status, created_at, last_event_at, event_count)
            values ('acme', 'i-1', 'inbound', 'closed', now(), now(), 1), ('acme', 'i-none', 'inbound', 'new', now(), now(), 1)`;
  for (const [n, l] of legs.entries()) {
    await sql`insert into segments (tenant, interaction_id, number, type, start_type, end_type, queue_id, agent_id, agent_name, started_at)
              values ('acme', 'i-1', ${n}, ${l.type}, 'queued', ${l.endType}, ${l.queueId}, ${l.agentId}, ${l.agentName}, now())`;
  }
  await sql.unsafe(backfill);
  const rows = await sql<{ id: string; agents_search: string }[]>`select id, agents_search from interactions where tenant = 'acme' order by id`;
  expect(rows).toEqual([
    { id: 'i-1', ...legSearchColumns(legs) },
    { id: 'i-none', agents_search: '' },
  ]);
  expect(legSearchColumns(legs)).toEqual({ agents_search: 'Zoë Ärger\na-1\na-2\nann smith' });
  const [copied] = await sql<{ n: number }[]>`
    select count(*)::int as n from segments s join interactions i on i.tenant = s.tenant and i.id = s.interaction_id
    where s.interaction_created_at = i.created_at`;
  expect(copied?.n).toBe(legs.length);
});
