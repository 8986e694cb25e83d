import type { ReactNode } from 'react';
import { statusTone } from '../lib/http-status';

/** A small coloured label; the text always says what the colour means. */
export function Pill({ tone, children, title }: { tone: string; children: ReactNode; title?: string }) {
  return (
    <span className={`pill pill-${tone}`} title={title}>
      {children}
    </span>
  );
}

export function HttpPill({ status }: { status: number | null }) {
  if (status === null) return null;
  return (
    <Pill tone={`http-${statusTone(status)}`} title={`HTTP ${status}`}>
      HTTP {status}
    </Pill>
  );
}

const STATUS_TONES: Record<string, string> = { new: 'info', queued: 'warn', active: 'ok', closed: 'muted', completed: 'muted', failed: 'error', abandoned: 'warn' };
export function StatusBadge({ status }: { status: string }) {
  return <Pill tone={STATUS_TONES[status] ?? 'muted'}>{status.toUpperCase()}</Pill>;
}

export function Loading({ what }: { what: string }) {
  return (
    <p className="muted" role="status">
      Loading {what}…
    </p>
  );
}

export function ErrorNote({ error }: { error: Error }) {
  return (
    <p role="alert" className="error-text">
      {error.message}
    </p>
  );
}
