import { useState, type FormEvent } from 'react';
import type { SavedSearch } from '../api/types';
import { useSession } from '../context';
import { useResource } from '../hooks';
import type { Query } from '../lib/router';
import { Dialog } from './Dialog';

/** A saved query is the list's hash query, so applying one is navigating to it. */
function asQuery(q: Record<string, unknown>): Query {
  const out: Query = {};
  for (const [k, v] of Object.entries(q)) out[k] = Array.isArray(v) ? v.map(String) : [String(v)];
  return out;
}

/** `enabled`: false until the list's rows are painted; the saved searches are asked for after them. */
export function SavedSearches(props: { list: SavedSearch['list']; current: Query; onApply: (q: Query) => void; enabled?: boolean }) {
  const { api } = useSession();
  const saved = useResource((signal) => api.get<{ items: SavedSearch[] }>('/v1/saved-searches', { list: props.list }, signal), props.list, undefined, props.enabled ?? true);
  const [selected, setSelected] = useState('');
  const [naming, setNaming] = useState(false);
  const [name, setName] = useState('');
  const [error, setError] = useState<string | null>(null);

  async function save(e: FormEvent) {
    e.preventDefault();
    try {
      const s = await api.post<SavedSearch>('/v1/saved-searches', { list: props.list, name: name.trim(), query: props.current });
      setNaming(false);
      setName('');
      setSelected(String(s.id));
      saved.reload();
    } catch (err) {
      setError(err instanceof Error ? err.message : String(err));
    }
  }

  async function remove() {
    if (!selected) return;
    await api.delete(`/v1/saved-searches/${selected}`);
    setSelected('');
    saved.reload();
  }

  const apply = (id: string) => {
    setSelected(id);
    const s = saved.data?.items.find((x) => String(x.id) === id);
    if (s) props.onApply(asQuery(s.query));
  };

  return (
    <div className="saved">
      <label>
        Saved searches{' '}
        <select value={selected} onChange={(e) => apply(e.target.value)}>
          <option value="">{saved.data?.items.length ? 'Choose…' : 'None yet'}</option>
          {saved.data?.items.map((s) => (
            <option key={s.id} value={s.id}>
              {s.name}
            </option>
          ))}
        </select>
      </label>
      <button type="button" onClick={() => setNaming(true)}>
        Save search
      </button>
      {selected ? (
        <button type="button" onClick={() => void remove()}>
          Delete saved
        </button>
      ) : null}
      <Dialog title="Save search" open={naming} onClose={() => setNaming(false)}>
        <form onSubmit={(e) => void save(e)} className="stack">
          <label>
            Name <input name="saved-name" value={name} required maxLength={200} autoFocus onChange={(e) => setName(e.target.value)} />
          </label>
          {error ? <p role="alert" className="error-text">{error}</p> : null}
          <div className="row">
            <button type="submit" className="primary">
              Save
            </button>
            <button type="button" onClick={() => setNaming(false)}>
              Cancel
            </button>
          </div>
        </form>
      </Dialog>
    </div>
  );
}
