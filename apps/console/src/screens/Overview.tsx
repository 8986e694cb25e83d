import type { ReactNode } from 'react';
import type { AbandonStats, FailingStepsStats, PerHourStats, QueueTimeStats } from '../api/types';
import { useSession } from '../context';
import { navigate, useResource, useDataShownMark, type Resource } from '../hooks';
import { bucketLabel, hourKey, hourKeys, stack } from '../lib/charts';
import { formatDuration, formatPercent } from '../lib/format';
import { type Query } from '../lib/router';
import { overviewRange, statPath, type OverviewRange, type Stat } from '../lib/requests';
import { HBars, StackedBars } from '../charts/Bars';
import { ErrorNote, Loading } from '../components/Status';
import { stepLabel } from '../components/StepIcon';

const RANGES: { value: OverviewRange; label: string }[] = [
  { value: 'today', label: 'Today' },
  { value: 'yesterday', label: 'Yesterday' },
  { value: 'last7days', label: 'Last 7 days' },
];

function Card({ title, children, id, busy }: { title: string; children: ReactNode; id: string; busy: boolean }) {
  return (
    <section className="card" aria-labelledby={id} aria-busy={busy}>
      <h2 id={id}>{title}</h2>
      {children}
    </section>
  );
}

/** One card's data: its own request, drawn as soon as it answers, whatever the other cards do. */
function CardBody<T>({ r, what, children }: { r: Resource<T>; what: string; children: (data: T) => ReactNode }) {
  if (r.error) return <ErrorNote error={r.error} />;
  if (r.data === null) return <Loading what={what} />;
  return <>{children(r.data)}</>;
}

/**
 * Charts over the projections, all within the caller's scope (GET /v1/stats/…). One request per
 * card, each card drawn when its own answer arrives; the screen counts as loaded (the
 * `cxfold:data` mark) once all four show their data.
 */
export function Overview({ query }: { query: Query }) {
  const { api, me } = useSession();
  const range = overviewRange(query);
  const useStat = <T,>(stat: Stat) => useResource((signal) => api.get<T>(statPath(stat, range), {}, signal), `${stat}|${range}`, () => api.arrived<T>(statPath(stat, range)));
  const perHour = useStat<PerHourStats>('interactions-per-hour');
  const queueTime = useStat<QueueTimeStats>('queue-time');
  const abandon = useStat<AbandonStats>('abandon-rate');
  const failing = useStat<FailingStepsStats>('failing-steps');
  useDataShownMark(perHour.data !== null && queueTime.data !== null && abandon.data !== null && failing.data !== null);
  const total = perHour.data?.items.reduce((n, r) => n + r.count, 0) ?? null;
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
      <div className="cards">
        <Card title={total === null ? 'Interactions per hour by channel' : `Interactions per hour by channel (${total})`} id="c-hourly" busy={perHour.data === null}>
          <CardBody r={perHour} what="interactions per hour">
            {(d) => (
              <StackedBars
                s={stack(
                  d.items.map((r) => ({ key: hourKey(r.hour, r.utcOffsetMinutes), series: r.channel, count: r.count })),
                  hourKeys(d.range.from, d.range.to, me.timeZone),
                )}
                title={`Interactions per hour by channel, ${total} in all`}
                label={(k) => (range === 'last7days' ? `${k.slice(5, 10)} ${k.slice(11, 13)}h` : k.slice(11, 13))}
                everyNth={range === 'last7days' ? 24 : 2}
              />
            )}
          </CardBody>
        </Card>
        <Card title="Queue time distribution" id="c-queue" busy={queueTime.data === null}>
          <CardBody r={queueTime} what="queue times">
            {(q) => (
              <>
                <p className="muted small">
                  {q.queued} queued{q.waiting > 0 ? ` (${q.waiting} still waiting, not counted below)` : ''} · median {formatDuration(q.p50Seconds)} · 90th percentile {formatDuration(q.p90Seconds)}
                </p>
                <StackedBars
                  s={stack(q.items.map((b) => ({ key: bucketLabel(b.fromSeconds, b.toSeconds), series: '', count: b.count })), q.items.map((b) => bucketLabel(b.fromSeconds, b.toSeconds)))}
                  title={`Queue time distribution of ${q.queued - q.waiting} interactions that left the queue`}
                  label={(k) => k}
                />
              </>
            )}
          </CardBody>
        </Card>
        <Card title="Abandon rate" id="c-abandon" busy={abandon.data === null}>
          <CardBody r={abandon} what="abandon rate">
            {(a) => (
              <>
                <p className="big-number" data-testid="abandon-rate">
                  {formatPercent(a.rate)} <span className="muted small">({a.abandoned} of {a.queued} queued)</span>
                </p>
                <HBars
                  title="Abandon rate per queue"
                  max={Math.max(0.1, ...a.byQueue.map((q) => q.rate ?? 0))}
                  format={formatPercent}
                  rows={a.byQueue.map((q) => ({ label: q.queueName ?? q.queueId ?? 'no queue', value: q.rate ?? 0, note: `${q.abandoned}/${q.queued}` }))}
                />
              </>
            )}
          </CardBody>
        </Card>
        <Card title="Top failing flow steps" id="c-failing" busy={failing.data === null}>
          <CardBody r={failing} what="failing steps">
            {(f) =>
              f.items.length === 0 ? (
                <p className="muted">No failing steps in this period.</p>
              ) : (
                <HBars
                  title="Flow steps with the most failures"
                  format={(v) => String(v)}
                  rows={f.items.map((x) => ({ label: `${x.flowName ?? '?'} › ${x.stepName ?? stepLabel(x.stepType)}`, value: x.failures, note: `of ${x.runs} runs` }))}
                />
              )
            }
          </CardBody>
        </Card>
      </div>
    </main>
  );
}
