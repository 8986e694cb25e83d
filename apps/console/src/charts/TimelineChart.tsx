import { timeTicks, type Timeline } from '../lib/timeline';
import { formatDuration, formatTime } from '../lib/format';

const KIND_CLASS = { self: 'tl-self', queue: 'tl-queue', agent: 'tl-agent' } as const;

/** The segments of one interaction on a time axis: lanes of bars, transfers as dashed rules. */
export function TimelineChart({ t, timeZone }: { t: Timeline; timeZone: string }) {
  const lane = 28;
  const left = 170;
  // About the width it is drawn at on a laptop, so its text stays at the page's size.
  const width = 1240;
  const plot = width - left - 20;
  const top = 10;
  const height = top + t.bars.length * lane + 36;
  const span = t.end - t.start;
  const x = (ms: number) => left + ((ms - t.start) / span) * plot;
  const summary = t.bars.map((b) => `${b.label} ${formatDuration((b.end - b.start) / 1000)}`).join('; ');
  return (
    <svg className="chart timeline" viewBox={`0 0 ${width} ${height}`} role="img" aria-label={`Timeline: ${summary}${t.transfers.length ? `; ${t.transfers.length} transfer(s)` : ''}`}>
      {timeTicks(span).map((s) => (
        <g key={s}>
          <line x1={x(t.start + s * 1000)} x2={x(t.start + s * 1000)} y1={top} y2={height - 26} className="grid-line" />
          <text x={x(t.start + s * 1000)} y={height - 10} textAnchor="middle" className="axis">
            {s === 0 ? formatTime(new Date(t.start).toISOString(), timeZone) : `+${formatDuration(s)}`}
          </text>
        </g>
      ))}
      {t.bars.map((b, i) => {
        const y = top + i * lane;
        const w = Math.max(2, x(b.end) - x(b.start));
        return (
          <g key={`${b.kind}-${i}`}>
            <text x={left - 8} y={y + lane / 2 + 4} textAnchor="end" className="lane-label">
              {b.label.length > 24 ? `${b.label.slice(0, 23)}…` : b.label}
            </text>
            <rect x={x(b.start)} y={y + 5} width={w} height={lane - 10} rx={3} className={`${KIND_CLASS[b.kind]}${b.open ? ' tl-open' : ''}`}>
              <title>
                {b.label}: {formatDuration((b.end - b.start) / 1000)}
                {b.note ? ` (${b.note})` : ''}
                {b.open ? ' — still open' : ''}
              </title>
            </rect>
            {w > 60 ? (
              <text x={x(b.start) + 6} y={y + lane / 2 + 4} className="bar-label">
                {formatDuration((b.end - b.start) / 1000)}
                {b.note ? ` · ${b.note}` : ''}
              </text>
            ) : null}
          </g>
        );
      })}
      {t.transfers.map((tr, i) => (
        <g key={i}>
          <line x1={x(tr.at)} x2={x(tr.at)} y1={top} y2={height - 26} className="tl-transfer" />
          <text x={x(tr.at) + 3} y={top + 8} className="axis">
            transfer
          </text>
        </g>
      ))}
    </svg>
  );
}
