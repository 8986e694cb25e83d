import { colourOf, niceMax, ticks, type StackedSeries } from '../lib/charts';

const W = 560;
const H = 220;
const PAD = { l: 40, r: 10, t: 10, b: 40 };

/** Vertical stacked bars (one stack per key); `label` names each key on the axis. */
export function StackedBars({ s, label, title, everyNth = 1 }: { s: StackedSeries; label: (key: string) => string; title: string; everyNth?: number }) {
  const max = niceMax(s.max);
  const pw = W - PAD.l - PAD.r;
  const ph = H - PAD.t - PAD.b;
  const bw = pw / Math.max(1, s.keys.length);
  const y = (v: number) => PAD.t + ph - (v / max) * ph;
  return (
    <figure className="chart-figure">
      <svg className="chart" viewBox={`0 0 ${W} ${H}`} role="img" aria-label={title}>
        {ticks(max, true).map((t) => (
          <g key={t}>
            <line x1={PAD.l} x2={W - PAD.r} y1={y(t)} y2={y(t)} className="grid-line" />
            <text x={PAD.l - 6} y={y(t) + 4} textAnchor="end" className="axis">
              {Number.isInteger(t) ? t : t.toFixed(1)}
            </text>
          </g>
        ))}
        {s.keys.map((k, i) => {
          let acc = 0;
          const values = s.values[i]!;
          const name = label(k);
          // One tooltip per bar, naming each series in it: a title per segment made the
          // 7-day chart about 500 more elements to create and lay out in the first render.
          const tip = values.some(Boolean) ? `${name} · ${values.flatMap((v, j) => (v ? [s.series[j] ? `${s.series[j]}: ${v}` : String(v)] : [])).join(', ')}` : null;
          return (
            <g key={k}>
              {tip ? <title>{tip}</title> : null}
              {values.map((v, j) => {
                if (!v) return null;
                const y0 = y(acc);
                acc += v;
                return <rect key={j} x={PAD.l + i * bw + 1} y={y(acc)} width={Math.max(1, bw - 2)} height={y0 - y(acc)} fill={colourOf(s.series[j]!, s.series)} />;
              })}
              {i % everyNth === 0 ? (
                <text x={PAD.l + i * bw + bw / 2} y={H - PAD.b + 14} textAnchor="middle" className="axis">
                  {name}
                </text>
              ) : null}
            </g>
          );
        })}
      </svg>
      {s.series.length > 1 || s.series[0] !== '' ? (
        <figcaption className="legend">
          {s.series.map((name) => (
            <span key={name}>
              <span className="key" style={{ background: colourOf(name, s.series) }} /> {name}
            </span>
          ))}
        </figcaption>
      ) : null}
    </figure>
  );
}

/** Horizontal bars with a value label: abandon rate per queue, failing steps. */
export function HBars({ rows, max, title, format }: { rows: { label: string; value: number; note?: string }[]; max?: number; title: string; format: (v: number) => string }) {
  const top = max ?? niceMax(Math.max(0, ...rows.map((r) => r.value)));
  const rowH = 26;
  const labelW = 270;
  const w = 640;
  const h = Math.max(rowH, rows.length * rowH) + 4;
  return (
    <svg className="chart" viewBox={`0 0 ${w} ${h}`} role="img" aria-label={title}>
      {rows.map((r, i) => {
        const bw = ((w - labelW - 90) * r.value) / (top || 1);
        const y = i * rowH + 2;
        return (
          <g key={`${r.label}-${i}`}>
            <text x={labelW - 8} y={y + rowH / 2 + 4} textAnchor="end" className="lane-label">
              {r.label.length > 42 ? `${r.label.slice(0, 41)}…` : r.label}
            </text>
            <rect x={labelW} y={y + 4} width={Math.max(1, bw)} height={rowH - 8} rx={2} className="hbar">
              <title>{`${r.label}: ${format(r.value)}${r.note ? ` (${r.note})` : ''}`}</title>
            </rect>
            <text x={labelW + Math.max(1, bw) + 6} y={y + rowH / 2 + 4} className="axis">
              {format(r.value)}
              {r.note ? ` · ${r.note}` : ''}
            </text>
          </g>
        );
      })}
    </svg>
  );
}
