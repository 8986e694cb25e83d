import { adviseOnSettings } from './postgres-settings';

test('the stock server: advice on wal_init_zero and wal_compression, neither unsafe', () => {
  const advice = adviseOnSettings({ synchronous_commit: 'on', fsync: 'on', wal_init_zero: 'on', wal_compression: 'off' });
  expect(advice.map((a) => [a.setting, a.unsafe])).toEqual([
    ['wal_init_zero', false],
    ['wal_compression', false],
  ]);
});

test('durability switched off is unsafe, whatever the case of the value', () => {
  const advice = adviseOnSettings({ synchronous_commit: 'OFF', fsync: 'off', wal_init_zero: 'off', wal_compression: 'lz4' });
  expect(advice.map((a) => [a.setting, a.unsafe])).toEqual([
    ['synchronous_commit', true],
    ['fsync', true],
  ]);
});

test('as recommended, or settings the server does not report: no advice', () => {
  expect(adviseOnSettings({ synchronous_commit: 'local', fsync: 'on', wal_init_zero: 'off', wal_compression: 'pglz' })).toEqual([]);
  expect(adviseOnSettings({ synchronous_commit: 'remote_apply' })).toEqual([]);
  expect(adviseOnSettings({})).toEqual([]);
});
