/** Percentiles by nearest rank over a copy of the samples (ms). */
export function percentiles(samples: number[], ps: number[] = [50, 90, 95, 99]): Record<string, number> {
  const out: Record<string, number> = {};
  if (samples.length === 0) {
    for (const p of ps) out[`p${String(p).replace('.', '_')}`] = Number.NaN;
    return out;
  }
  const sorted = Float64Array.from(samples).sort();
  for (const p of ps) {
    const rank = Math.min(sorted.length - 1, Math.max(0, Math.ceil((p / 100) * sorted.length) - 1));
    out[`p${String(p).replace('.', '_')}`] = round(sorted[rank]!);
  }
  return out;
}

export interface LatencySummary {
  count: number;
  mean: number;
  p50: number;
  p90: number;
  p95: number;
  p99: number;
  max: number;
}

export function summarize(samples: number[]): LatencySummary {
  const p = percentiles(samples, [50, 90, 95, 99]);
  let sum = 0;
  let max = 0;
  for (const s of samples) {
    sum += s;
    if (s > max) max = s;
  }
  return { count: samples.length, mean: round(samples.length ? sum / samples.length : Number.NaN), p50: p.p50!, p90: p.p90!, p95: p.p95!, p99: p.p99!, max: round(max) };
}

export const round = (n: number, digits = 2) => (Number.isFinite(n) ? Math.round(n * 10 ** digits) / 10 ** digits : n);
