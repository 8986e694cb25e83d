import { useRef, useState } from 'react';
import { ApiError } from '../api/client';
import type { Params } from '../api/query-string';
import { useSession } from '../context';
import { Dialog } from './Dialog';

const FORMATS = [
  { format: 'csv', label: 'CSV' },
  { format: 'xlsx', label: 'Excel' },
  { format: 'pdf', label: 'PDF' },
] as const;
type Format = (typeof FORMATS)[number]['format'];

/** Saves a blob under its server-given name (the fetch carried the key; a plain link could not). */
function save(blob: Blob, fileName: string) {
  const url = URL.createObjectURL(blob);
  const a = document.createElement('a');
  a.href = url;
  a.download = fileName;
  document.body.append(a);
  a.click();
  a.remove();
  setTimeout(() => URL.revokeObjectURL(url), 10_000);
}

/**
 * CSV / Excel / PDF of the current filters. Over the cap the API answers 422 with the count;
 * the console then offers the first `cap` rows (truncate=true) or narrowing the filters.
 */
export function ExportMenu(props: { path: string; params: Params; fallbackName: string }) {
  const { api } = useSession();
  const menu = useRef<HTMLDetailsElement>(null);
  const [busy, setBusy] = useState<Format | null>(null);
  const [over, setOver] = useState<{ format: Format; count: number; cap: number } | null>(null);
  const [error, setError] = useState<string | null>(null);

  async function run(format: Format, truncate = false) {
    if (menu.current) menu.current.open = false;
    setBusy(format);
    setError(null);
    try {
      const file = await api.download(props.path, { ...props.params, format, truncate: truncate ? 'true' : undefined });
      save(file.blob, file.fileName ?? `${props.fallbackName}.${format}`);
    } catch (err) {
      if (err instanceof ApiError && err.status === 422 && err.problem.count !== undefined) setOver({ format, count: err.problem.count, cap: err.problem.cap ?? 0 });
      else setError(err instanceof Error ? err.message : String(err));
    } finally {
      setBusy(null);
    }
  }

  return (
    <div className="export">
      <details className="menu" ref={menu} onKeyDown={(e) => e.key === 'Escape' && menu.current && (menu.current.open = false)}>
        <summary className="button">{busy ? `Exporting ${busy.toUpperCase()}…` : 'Export ▾'}</summary>
        <div className="menu-items" role="group" aria-label="Export formats">
          {FORMATS.map((f) => (
            <button key={f.format} type="button" onClick={() => void run(f.format)} disabled={busy !== null}>
              {f.label}
            </button>
          ))}
        </div>
      </details>
      {error ? (
        <span role="alert" className="error-text">
          Export failed: {error}
        </span>
      ) : null}
      <Dialog
        title="Export over the limit"
        open={over !== null}
        onClose={() => setOver(null)}
        actions={
          <>
            <button type="button" className="primary" onClick={() => over && (setOver(null), void run(over.format, true))}>
              Download the first {over?.cap.toLocaleString('en-US')} rows
            </button>
            <button type="button" onClick={() => setOver(null)}>
              Cancel
            </button>
          </>
        }
      >
        <p>
          {over?.count.toLocaleString('en-US')} rows match, and {over?.format.toUpperCase()} exports hold at most {over?.cap.toLocaleString('en-US')}. Tighten the date range or add filters
          to stay within the limit, or download the first {over?.cap.toLocaleString('en-US')} rows.
        </p>
      </Dialog>
    </div>
  );
}
