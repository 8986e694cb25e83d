import type { ReactNode } from 'react';
import type { AbandonStats, FailingStepsStats, PerHourStats, QueueTimeStats } from '../api/types';
import { useSession } from '../context';
import { navigate, useResource, useDataShownMark } from '../hooks';
import { bucketLabel, hourKeys, stack } from '../lib/charts';
import { formatDuration, formatPercent } from '../lib/format';
import { first, type Query } from '../lib/router';
import { HBars, StackedBars } from '../charts/Bars';
import { ErrorNote, Loading } from '../components/Status';
import { stepLabel } from '../components/StepIcon';

const RANGES = [
  { value: 'today', label: 'Today' },
  { value: 'yesterday', label: 'Yesterday' },
  { value: 'last7days', label: 'Last 7 days' },
] as const;
type Range = (typeof RANGES)[number]['value'];

function Card({ title, children, id }: { title: string; children: ReactNode; id: string }) {
  return (
    <section className="card" aria-labelledby={id}>
      <h2 id={id}>{title}</h2>
      {children}
    </section>
  );
}

/** Charts over the projections, all within the caller's scope (GET /v1/stats/…). */
export function Overview({ query }: { query: Query }) {
  const { api, me } = useSession();
  const range = (RANGES.find((r) => r.value === first(query, 'range'))?.value ?? 'today') as Range;
  const stats = useResource(async (signal) => {
    const get = <T,>(path: string) => api.get<T & { range: { from: string; to: string } }>(`/v1/stats/${path}`, { range }, signal);
    const [perHour, queueTime, abandon, failing] = await Promise.all([get<PerHourStats>('interactions-per-hour'), get<QueueTimeStats>('queue-time'), get<AbandonStats>('abandon-rate'), get<FailingStepsStats>('failing-steps')]);
    return { perHour, queueTime, abandon, failing };
  }, range);
  useDataShownMark(stats.data !== null);
  const s = stats.data;
  const hours = s ? hourKeys(s.perHour.range.from, s.perHour.range.to, me.timeZone) : [];
  const series = s ? stack(s.perHour.items.map((r) => ({ key: r.hour, series: r.channel, count: r.count })), hours) : null;
  const total = s?.perHour.items.reduce((n, r) => n + r.count, 0) ?? 0;
  return (
    <main id="main" className="page" tabIndex={-1}>
      <div className="toolbar">
        <h1>Overview</h1>
        <div className="segmented" role="group" aria-label="Period">
          {RANGES.map((r) => (
            <button key={r.value} type="button" aria-pressed={range === r.value} onClick={() => navigate({ name: 'overview', query: r.value === 'today' ? {} : { range: [r.value] } })}>
              {r.label}
            </button>
          ))}
        </div>
      </div>
      {stats.error ? <ErrorNote error={stats.error} /> : null}
      {!s || !series ? (
        <Loading what="charts" />
      ) : (
        <div className="cards">
          <Card title={`Interactions per hour by channel (${total})`} id="c-hourly">
            <StackedBars
              s={series}
              title={`Interactions per hour by channel, ${total} in all`}
              label={(k) => (range === 'last7days' ? `${k.slice(5, 10)} ${k.slice(11, 13)}h` : k.slice(11, 13))}
              everyNth={range === 'last7days' ? 24 : 2}
            />
          </Card>
          <Card title="Queue time distribution" id="c-queue">
            <p className="muted small">
              {s.queueTime.queued} queued · median {formatDuration(s.queueTime.p50Seconds)} · 90th percentile {formatDuration(s.queueTime.p90Seconds)}
            </p>
            <StackedBars
              s={stack(s.queueTime.items.map((b) => ({ key: bucketLabel(b.fromSeconds, b.toSeconds), series: '', count: b.count })), s.queueTime.items.map((b) => bucketLabel(b.fromSeconds, b.toSeconds)))}
              title={`Queue time distribution of ${s.queueTime.queued} queued interactions`}
              label={(k) => k}
            />
          </Card>
          <Card title="Abandon rate" id="c-abandon">
            <p className="big-number" data-testid="abandon-rate">
              {formatPercent(s.abandon.rate)} <span className="muted small">({s.abandon.abandoned} of {s.abandon.queued} queued)</span>
            </p>
            <HBars
              title="Abandon rate per queue"
              max={Math.max(0.1, ...s.abandon.byQueue.map((q) => q.rate ?? 0))}
              format={formatPercent}
              rows={s.abandon.byQueue.map((q) => ({ label: q.queueName ?? q.queueId ?? 'no queue', value: q.rate ?? 0, note: `${q.abandoned}/${q.queued}` }))}
            />
          </Card>
          <Card title="Top failing flow steps" id="c-failing">
            {s.failing.items.length === 0 ? (
              <p className="muted">No failing steps in this period.</p>
            ) : (
              <HBars
                title="Flow steps with the most failures"
                format={(v) => String(v)}
                rows={s.failing.items.map((f) => ({ label: `${f.flowName ?? '?'} › ${f.stepName ?? stepLabel(f.stepType)}`, value: f.failures, note: `of ${f.runs} runs` }))}
              />
            )}
          </Card>
        </div>
      )}
    </main>
  );
}
