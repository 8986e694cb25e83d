import type { InteractionDetail } from '../api/types';

/**
 * The interaction page's timeline (seed 001): one lane for self-service, one per queue leg and
 * one per agent leg, in time order, and a marker at every transfer. Pure: the chart only
 * scales what this returns.
 */
export type BarKind = 'self' | 'queue' | 'agent';

export interface TimelineBar {
  kind: BarKind;
  label: string;
  start: number;
  end: number;
  /** still running: drawn up to now */
  open: boolean;
  note: string | null;
}

export interface Timeline {
  start: number;
  end: number;
  bars: TimelineBar[];
  transfers: { at: number; label: string }[];
}

const ms = (iso: string) => Date.parse(iso);

export function timelineOf(d: InteractionDetail, nowMs: number): Timeline {
  const start = ms(d.startTimestamp);
  const end = d.endTimestamp ? ms(d.endTimestamp) : nowMs;
  const bars: TimelineBar[] = [];
  if (d.ivrTime !== null && d.ivrTime > 0) bars.push({ kind: 'self', label: 'Self-service', start, end: start + d.ivrTime * 1000, open: false, note: null });
  for (const q of d.queues) {
    bars.push({
      kind: 'queue',
      label: `Queue ${q.queueName ?? q.queueId ?? '?'}`,
      start: ms(q.startTimestamp),
      end: q.endTimestamp ? ms(q.endTimestamp) : end,
      open: !q.endTimestamp,
      note: q.queueAbandoned ? 'abandoned' : q.queueExitType,
    });
  }
  for (const a of d.agents) {
    bars.push({
      kind: 'agent',
      label: `Agent ${a.agentName ?? a.agentId ?? '?'}`,
      start: ms(a.startTimestamp),
      end: a.endTimestamp ? ms(a.endTimestamp) : end,
      open: !a.endTimestamp,
      note: a.exitType,
    });
  }
  bars.sort((x, y) => x.start - y.start || x.end - y.end);
  const transfers = d.segments.filter((s) => s.segmentStartType === 'transfer').map((s) => ({ at: ms(s.startTimestamp), label: `Transfer (segment ${s.segmentNumber})` }));
  const last = Math.max(end, ...bars.map((b) => b.end));
  return { start, end: Math.max(last, start + 1), bars, transfers };
}

/** Evenly spaced, round time ticks (seconds from the start) for an axis of `spanMs`. */
export function timeTicks(spanMs: number, maxTicks = 6): number[] {
  const steps = [1, 2, 5, 10, 15, 30, 60, 120, 300, 600, 900, 1800, 3600, 7200, 14400, 43200, 86400];
  const spanS = spanMs / 1000;
  const step = steps.find((s) => spanS / s <= maxTicks) ?? Math.ceil(spanS / maxTicks);
  const ticks: number[] = [];
  for (let t = 0; t <= spanS + 1e-9; t += step) ticks.push(t);
  return ticks;
}
