import { readFileSync } from 'node:fs';
import path from 'node:path';
import { createMetrics } from './metrics';

interface Panel {
  type: string;
  title: string;
  targets?: { expr: string }[];
  gridPos: { x: number; y: number; w: number; h: number };
}

const file = path.resolve(__dirname, '../../../deploy/grafana/cxfold-dashboard.json');
const dashboard = JSON.parse(readFileSync(file, 'utf8')) as { title: string; uid: string; schemaVersion: number; panels: Panel[]; templating: { list: { name: string }[] } };

test('deploy/grafana/cxfold-dashboard.json is a dashboard whose queries name only metrics we export', async () => {
  expect(dashboard).toMatchObject({ title: 'cxfold', uid: 'cxfold-overview' });
  expect(dashboard.schemaVersion).toBeGreaterThanOrEqual(36);
  expect(dashboard.templating.list.map((v) => v.name)).toContain('datasource');
  const registry = createMetrics().registry;
  const families = (await registry.getMetricsAsJSON()).map((m) => ({ name: m.name, type: String(m.type) }));
  const known = new Set<string>();
  for (const f of families) {
    known.add(f.name);
    if (f.type === 'histogram') for (const s of ['_bucket', '_sum', '_count']) known.add(f.name + s);
  }
  const exprs = dashboard.panels.flatMap((p) => (p.targets ?? []).map((t) => t.expr));
  expect(exprs.length).toBeGreaterThan(10);
  const used = new Set(exprs.flatMap((e) => e.match(/\b(?:cxfold|process|nodejs)_[a-z0-9_]+/g) ?? []));
  expect([...used].filter((n) => !known.has(n))).toEqual([]);
  // Everything the issue asks a dashboard to show.
  for (const name of ['cxfold_events_received_total', 'cxfold_http_request_duration_seconds_bucket', 'cxfold_queue_jobs', 'cxfold_fold_batch_duration_seconds_bucket', 'cxfold_group_commit_duration_seconds_bucket', 'cxfold_end_to_end_lag_seconds_bucket', 'cxfold_dead_letters_total', 'cxfold_sweeper_reenqueued_total']) {
    expect(used).toContain(name);
  }
  const ids = dashboard.panels.map((p) => (p as unknown as { id: number }).id);
  expect(new Set(ids).size).toBe(ids.length);
});
