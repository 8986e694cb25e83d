import type { Queue } from 'bullmq';
import { createMetrics, UNKNOWN_TENANT_LABEL } from './metrics';

async function value(m: ReturnType<typeof createMetrics>, name: string, labels: Record<string, string> = {}): Promise<number> {
  const metric = m.registry.getSingleMetric(name);
  if (!metric) throw new Error(`no metric ${name}`);
  const { values } = await metric.get();
  return values.filter((v) => Object.entries(labels).every(([k, x]) => v.labels[k] === x)).reduce((n, v) => n + v.value, 0);
}

describe('events received', () => {
  test('an accepted batch counts each event by type, duplicates apart', async () => {
    const m = createMetrics({ defaultMetrics: false });
    m.recordIngest({
      tenant: 'acme',
      outcome: { kind: 'accepted', results: [{ duplicate: false }, { duplicate: true }, { duplicate: false }, { duplicate: false }] },
      types: ['execution.started', 'step.executed', 'step.executed', 'execution.ended'],
    });
    expect(await value(m, 'cxfold_events_received_total', { tenant: 'acme', outcome: 'accepted' })).toBe(3);
    expect(await value(m, 'cxfold_events_received_total', { tenant: 'acme', outcome: 'accepted', type: 'step.executed' })).toBe(1);
    expect(await value(m, 'cxfold_events_received_total', { tenant: 'acme', outcome: 'duplicate', type: 'step.executed' })).toBe(1);
  });

  test('a refusal counts once, with the path type or unknown; a tenant never found is one label value', async () => {
    const m = createMetrics({ defaultMetrics: false });
    m.recordIngest({ tenant: 'acme', outcome: { kind: 'unauthorized' }, types: ['QUEUED'] });
    m.recordIngest({ tenant: 'acme', outcome: { kind: 'invalid' }, types: [null] });
    for (let i = 0; i < 3; i++) m.recordIngest({ tenant: null, outcome: { kind: 'unknown_tenant' }, types: [null] });
    expect(await value(m, 'cxfold_events_received_total', { outcome: 'unauthorized', type: 'QUEUED' })).toBe(1);
    expect(await value(m, 'cxfold_events_received_total', { outcome: 'invalid', type: 'unknown' })).toBe(1);
    expect(await value(m, 'cxfold_events_received_total', { tenant: UNKNOWN_TENANT_LABEL, outcome: 'unknown_tenant' })).toBe(3);
  });
});

test('fold, lag, dead letters and re-enqueues', async () => {
  const m = createMetrics({ defaultMetrics: false });
  expect(await value(m, 'cxfold_dead_letters_total', { source: 'fold' })).toBe(0);
  m.recordBatch(25, 12);
  m.recordFolded(1_000, 3_500);
  m.recordFolded(undefined);
  m.recordDeadLetters();
  m.recordDeadLetters(2);
  m.recordReenqueued(7);
  m.recordReenqueued(0);
  expect(await value(m, 'cxfold_fold_batch_size', {})).toBeGreaterThan(0);
  const text = await m.registry.metrics();
  expect(text).toMatch(/^cxfold_fold_batch_size_sum 25$/m);
  expect(text).toMatch(/^cxfold_fold_batch_duration_seconds_sum 0\.012$/m);
  expect(text).toMatch(/^cxfold_end_to_end_lag_seconds_count 1$/m);
  expect(text).toMatch(/^cxfold_end_to_end_lag_seconds_sum 2\.5$/m);
  expect(text).toMatch(/^cxfold_dead_letters_total\{source="fold"\} 3$/m);
  expect(text).not.toMatch(/source="sweeper"/);
  expect(text).toMatch(/^cxfold_sweeper_reenqueued_total 7$/m);
});

describe('queue gauges', () => {
  // Stand-ins for BullMQ's Queue: only the two members the gauge reads.
  const queue = (name: string, getJobCounts: () => Promise<Record<string, number>>) => ({ name, getJobCounts }) as unknown as Queue;

  test('read at scrape time; a queue watched twice (shared registry) is counted once', async () => {
    const m = createMetrics({ defaultMetrics: false });
    let calls = 0;
    const q = queue('fold', async () => {
      calls++;
      return { waiting: 4, active: 1, delayed: 2, failed: 3 };
    });
    m.watchQueue(q);
    const undo = m.watchQueue(queue('fold', async () => ({ waiting: 99 })));
    const text = await m.registry.metrics();
    expect(text).toMatch(/^cxfold_queue_jobs\{queue="fold",state="waiting"\} 4$/m);
    expect(text).toMatch(/^cxfold_queue_jobs\{queue="fold",state="failed"\} 3$/m);
    expect(text).toMatch(/^cxfold_queue_up\{queue="fold"\} 1$/m);
    expect(calls).toBe(1);
    undo();
  });

  test('a hung Redis does not hang the scrape: the gauge is dropped and cxfold_queue_up is 0', async () => {
    const m = createMetrics({ defaultMetrics: false, queueCountTimeoutMs: 100 });
    m.watchQueue(queue('fold', () => new Promise(() => undefined)));
    const started = Date.now();
    const text = await m.registry.metrics();
    expect(Date.now() - started).toBeLessThan(1_000);
    expect(text).not.toMatch(/^cxfold_queue_jobs\{/m);
    expect(text).toMatch(/^cxfold_queue_up\{queue="fold"\} 0$/m);
  });

  test('after its owner closes, a queue is no longer read', async () => {
    const m = createMetrics({ defaultMetrics: false });
    const undo = m.watchQueue(queue('fold', async () => ({ waiting: 1 })));
    undo();
    expect(await m.registry.metrics()).not.toMatch(/^cxfold_queue_jobs\{/m);
  });
});

test('every process has its own registry: nothing lands in a global one', async () => {
  const a = createMetrics({ defaultMetrics: false });
  const b = createMetrics({ defaultMetrics: false });
  a.recordReenqueued(1);
  expect(await value(b, 'cxfold_sweeper_reenqueued_total')).toBe(0);
  const { register } = await import('prom-client');
  expect(register.getSingleMetric('cxfold_sweeper_reenqueued_total')).toBeUndefined();
});
