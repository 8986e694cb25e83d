import type { HistoryItem } from '../api/types';
import { useSession } from '../context';
import { useResource } from '../hooks';
import { formatDateTime, formatDuration, orDash } from '../lib/format';
import { hrefOf } from '../lib/router';
import { Dialog } from '../components/Dialog';
import { PlainHead } from '../components/SortHeader';
import { ErrorNote, Loading, StatusBadge } from '../components/Status';

export type HistoryTarget = { kind: 'client'; address: string } | { kind: 'agent'; id: string; name: string };

/** Seed 001's C and A badges: every interaction of a client or of an agent, active first. */
export function HistoryDialog({ target, onClose }: { target: HistoryTarget | null; onClose: () => void }) {
  const title = !target ? '' : target.kind === 'client' ? `Client history · ${target.address}` : `Agent history · ${target.name}`;
  return (
    <Dialog title={title} open={target !== null} onClose={onClose} wide>
      {target ? <HistoryTable target={target} /> : null}
    </Dialog>
  );
}

function HistoryTable({ target }: { target: HistoryTarget }) {
  const { api, me } = useSession();
  const path = target.kind === 'client' ? `/v1/contacts/${encodeURIComponent(target.address)}/history` : `/v1/agents/${encodeURIComponent(target.id)}/history`;
  const h = useResource((signal) => api.get<{ items: HistoryItem[] }>(path, {}, signal), path);
  if (h.error) return <ErrorNote error={h.error} />;
  if (!h.data) return <Loading what="history" />;
  if (h.data.items.length === 0) return <p className="empty">No interactions.</p>;
  return (
    <div className="table-wrap">
      <table className="grid" data-testid="history">
        <caption className="visually-hidden">{h.data.items.length} interactions</caption>
        <PlainHead columns={['Source', 'Created', 'Closed', 'Channel', 'Queue', 'Agent', 'DID', 'Disposition', 'Duration', 'Status', 'Content']} />
        <tbody>
          {h.data.items.map((i) => (
            <tr key={i.id}>
              <td>{i.source}</td>
              <td className="nowrap">
                <a href={hrefOf({ name: 'interaction', id: i.id, query: {} })}>{formatDateTime(i.created, me.timeZone)}</a>
              </td>
              <td className="nowrap">{formatDateTime(i.closed, me.timeZone)}</td>
              <td>{orDash(i.channel)}</td>
              <td>{orDash(i.queue)}</td>
              <td className="nowrap">{orDash(i.agent)}</td>
              <td className="mono">{orDash(i.did)}</td>
              <td>{orDash(i.disposition)}</td>
              <td className="num">{formatDuration(i.duration)}</td>
              <td>
                <StatusBadge status={i.status} />
              </td>
              <td className="content" title={i.content ?? undefined}>
                {i.channel === 'voice' ? '—' : orDash(i.content)}
              </td>
            </tr>
          ))}
        </tbody>
      </table>
    </div>
  );
}
