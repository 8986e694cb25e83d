/** The colour family of an HTTP status pill: green 2xx, blue 3xx, red 4xx and 5xx (seed 000). */
export type StatusTone = 'ok' | 'redirect' | 'error' | 'other';

export function statusTone(status: number | null | undefined): StatusTone {
  if (status === null || status === undefined) return 'other';
  if (status >= 200 && status < 300) return 'ok';
  if (status >= 300 && status < 400) return 'redirect';
  if (status >= 400 && status < 600) return 'error';
  return 'other';
}
