/** Small helpers for the hand-drawn SVG charts: scales, ticks, series shaping. Pure. */
import { zonedParts } from './format';

/** A round axis maximum ≥ `max` (1, 2, 2.5, 5 × 10ⁿ), and at least 1. */
export function niceMax(max: number): number {
  if (!(max > 0)) return 1;
  const exp = Math.floor(Math.log10(max));
  for (const m of [1, 2, 2.5, 5, 10]) {
    const v = m * 10 ** exp;
    if (v >= max) return v;
  }
  return 10 ** (exp + 1);
}

/**
 * Evenly spaced ticks from 0 to `max`: 4 or 5 intervals (or 2), whichever gives round steps,
 * so a 0–25 axis reads 0, 5, 10… rather than 0, 6.25, 12.5…
 */
export function ticks(max: number, counts = false): number[] {
  // Counts below 5 are best read one by one.
  if (counts && max <= 5) return Array.from({ length: Math.ceil(max) + 1 }, (_, i) => i);
  const round = (step: number) => Math.abs(step * 1000 - Math.round(step * 1000)) < 1e-6 && (max < 4 || Number.isInteger(step));
  const count = [4, 5, 2].find((n) => round(max / n)) ?? 4;
  return Array.from({ length: count + 1 }, (_, i) => (max * i) / count);
}

/**
 * Local hour keys (`YYYY-MM-DDTHH:00|<UTC offset in minutes>`, `hourKey` of the API's hour and
 * offset) of every hour in [from, to), with the same formatter as every time on screen
 * (lib/format.ts), made before React starts. The hour where the clocks go back is there twice,
 * once per offset, as the API counts it; a label is the key's first 16 characters.
 */
export function hourKeys(fromIso: string, toIso: string, timeZone: string): string[] {
  const keys: string[] = [];
  for (let t = Date.parse(fromIso); t < Date.parse(toIso); t += 3_600_000) {
    const p = zonedParts(t, timeZone);
    const wall = Date.UTC(+p.year!, +p.month! - 1, +p.day!, +p.hour!, +p.minute!);
    const key = hourKey(`${p.year}-${p.month}-${p.day}T${p.hour}:00`, Math.round((wall - Math.floor(t / 60_000) * 60_000) / 60_000));
    if (keys[keys.length - 1] !== key) keys.push(key);
  }
  return keys;
}

export const hourKey = (hour: string, utcOffsetMinutes: number) => `${hour}|${utcOffsetMinutes}`;

export interface StackedSeries {
  keys: string[];
  series: string[];
  /** values[k][s]: the count of series s at key k */
  values: number[][];
  max: number;
}

/** Rows of (key, series, count) as a dense matrix over `keys`, series sorted by total. */
export function stack(rows: { key: string; series: string; count: number }[], keys: string[]): StackedSeries {
  const totals = new Map<string, number>();
  for (const r of rows) totals.set(r.series, (totals.get(r.series) ?? 0) + r.count);
  const series = [...totals.keys()].sort((a, b) => totals.get(b)! - totals.get(a)! || a.localeCompare(b));
  const allKeys = [...keys, ...rows.map((r) => r.key).filter((k) => !keys.includes(k))];
  const index = new Map(allKeys.map((k, i) => [k, i]));
  const values = allKeys.map(() => series.map(() => 0));
  for (const r of rows) values[index.get(r.key)!]![series.indexOf(r.series)]! += r.count;
  const max = Math.max(0, ...values.map((v) => v.reduce((s, x) => s + x, 0)));
  return { keys: allKeys, series, values, max };
}

/** Bucket label: `0–10s`, `5–10m`, `10m+`. */
export function bucketLabel(fromS: number, toS: number | null): string {
  const u = (s: number) => (s >= 60 && s % 60 === 0 ? `${s / 60}m` : `${s}s`);
  return toS === null ? `${u(fromS)}+` : `${u(fromS)}–${u(toS)}`;
}

/** A fixed palette: channels keep their colours between charts and reloads. */
export const PALETTE = ['#2563eb', '#0d9488', '#d97706', '#9333ea', '#dc2626', '#4b5563', '#65a30d', '#db2777'];
export function colourOf(name: string, all: string[]): string {
  const i = all.indexOf(name);
  return PALETTE[(i < 0 ? 0 : i) % PALETTE.length]!;
}
