import { killSchedule } from './chaos';
import { diffRecord } from './verify';

describe('killSchedule', () => {
  test('plans each kill once, Redis once or twice, spread over the run, same for the same seed', () => {
    const s = killSchedule(3, 1);
    expect(s.filter((x) => x.action === 'receiver')).toHaveLength(3);
    expect(s.filter((x) => x.action === 'worker')).toHaveLength(3);
    expect(s.filter((x) => x.action === 'redis')).toHaveLength(2);
    expect(killSchedule(1, 1).filter((x) => x.action === 'redis')).toHaveLength(1);
    const at = s.map((x) => x.at);
    expect([...at].sort((a, b) => a - b)).toEqual(at);
    expect(Math.min(...at)).toBeGreaterThan(0.05);
    expect(Math.max(...at)).toBeLessThan(0.9);
    expect(killSchedule(3, 1)).toEqual(s);
    expect(killSchedule(0, 1)).toEqual([]);
  });

  test('redisLast puts the Redis restarts after every process kill', () => {
    const actions = killSchedule(3, 7, true).map((x) => x.action);
    expect(actions.slice(-2)).toEqual(['redis', 'redis']);
    expect(actions.slice(0, -2)).not.toContain('redis');
  });
});

describe('diffRecord', () => {
  const uncompared = new Set<string>();
  test('reads stored rows in the fold’s terms: Date and int8 text as numbers, jsonb key order ignored, null = undefined', () => {
    const stored = { id: 'a', created_at: new Date(1_700_000_000_123), total_ms: '4500', call_variables: { b: 1, a: [1, { y: 2, x: 1 }] }, text_preview: null, updated_at: new Date() };
    const rebuilt = { id: 'a', createdAt: 1_700_000_000_123, totalMs: 4500, callVariables: { a: [1, { x: 1, y: 2 }], b: 1 }, textPreview: undefined };
    expect(diffRecord('i', stored, rebuilt, ['updated_at'], uncompared)).toEqual([]);
  });

  test('names the field and the values that differ', () => {
    const stored = { status: 'queued', closed_at: new Date(1_700_000_000_000), call_variables: { a: { b: 1 } } };
    const rebuilt = { status: 'closed', closedAt: 1_700_000_001_000, callVariables: { a: { b: 2 } } };
    expect(diffRecord('interaction x', stored, rebuilt, [], uncompared)).toEqual([
      'interaction x status: stored queued, rebuilt closed',
      'interaction x closed_at: stored 2023-11-14T22:13:20.000Z, rebuilt 2023-11-14T22:13:21.000Z',
      'interaction x call_variables differs at /a/b (stored 1, rebuilt 2)',
    ]);
  });

  test('a field of the fold without a column is reported, not compared', () => {
    const seen = new Set<string>();
    expect(diffRecord('x', { id: 'a' }, { id: 'a', brandNew: 1 }, [], seen)).toEqual([]);
    expect([...seen]).toEqual(['brand_new']);
  });
});
