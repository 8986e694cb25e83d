import { runChaos, type ChaosReport } from './chaos';

/**
 * The shortened chaos run: a small synthetic day through a receiver and a worker running as
 * child processes, each SIGKILLed once mid-run, Redis SIGKILLed and restarted empty once.
 * `npm run chaos` is the full-size version. Redis goes last: jobs a killed worker held stay
 * 'active' until BullMQ's stalled-job check (30–90 s), which the full run waits out; here the
 * Redis restart drops them and the sweeper re-enqueues their events within seconds.
 */
describe('chaos', () => {
  test('kills and a Redis restart lose no acknowledged event and leave projections equal to a rebuild', async () => {
    const adminUrl = process.env.CXFOLD_TEST_ADMIN_URL;
    if (!adminUrl) throw new Error('run through jest: the global setup sets CXFOLD_TEST_ADMIN_URL');
    const lines: string[] = [];
    let report: ChaosReport;
    try {
      report = await runChaos({ databaseUrl: adminUrl, interactions: 120, kills: 1, seed: 3, redisLast: true, log: (line) => lines.push(line), settleTimeoutMs: 60_000 });
    } catch (err) {
      throw new Error(`${String(err)}\n${lines.join('\n')}`);
    }
    // The whole story on failure: what was struck when, and the first problems found.
    const story = `${lines.join('\n')}\n${JSON.stringify(report, null, 1)}`;
    expect({ lost: report.lost, duplicated: report.duplicated, unfolded: report.unfolded, projectionMismatches: report.projectionMismatches, story }).toEqual({
      lost: 0,
      duplicated: 0,
      unfolded: 0,
      projectionMismatches: 0,
      story,
    });
    expect(report.acknowledged).toBeGreaterThan(0);
    expect(report.receiverKills).toBeGreaterThanOrEqual(1);
    expect(report.workerKills).toBeGreaterThanOrEqual(1);
    expect(report.redisRestarts).toBeGreaterThanOrEqual(1);
  }, 90_000);
});
