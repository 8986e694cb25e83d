import type { Response } from 'express';
import type { Db } from '@cxfold/db';
import { sendProblem } from '@cxfold/receiver';
import {
  resolveRange,
  countInteractions,
  iterateInteractions,
  countFlowExecutions,
  iterateFlowExecutions,
  type InteractionFilterQuery,
  type FlowFilterQuery,
  type InteractionListRow,
  type FlowListItem,
} from '@cxfold/query';
import { writeCsv, writeXlsx, writePdf, exportFileName, EXPORT_CAPS, CONTENT_TYPES, type ExportColumn } from '@cxfold/exports';
import type { Caller } from './auth';

type Format = 'csv' | 'xlsx' | 'pdf';
const WRITERS = { csv: writeCsv, xlsx: writeXlsx, pdf: writePdf } as const;

const date = (s: string | null) => (s ? new Date(s) : null);

export const INTERACTION_COLUMNS: ExportColumn<InteractionListRow>[] = [
  { key: 'created', header: 'Created', value: (r) => date(r.created), width: 2 },
  { key: 'closed', header: 'Closed', value: (r) => date(r.closed), width: 2 },
  { key: 'channel', header: 'Channel', value: (r) => r.channel, width: 1 },
  { key: 'queue', header: 'Queue', value: (r) => r.queue?.name ?? r.queue?.id ?? null, width: 1.5 },
  { key: 'agent', header: 'Agent', value: (r) => r.agent?.name ?? r.agent?.id ?? null, width: 1.5 },
  { key: 'client', header: 'Client', value: (r) => r.client, width: 2 },
  { key: 'did', header: 'DID', value: (r) => r.did, width: 1.5 },
  { key: 'disposition', header: 'Disposition', value: (r) => r.disposition, width: 1.2 },
  { key: 'duration', header: 'Duration (s)', value: (r) => r.duration, width: 1 },
  { key: 'acw', header: 'ACW (s)', value: (r) => r.acw, width: 0.8 },
  { key: 'status', header: 'Status', value: (r) => r.status, width: 0.8 },
  { key: 'id', header: 'Interaction ID', value: (r) => r.id, width: 2.2 },
];

export const FLOW_COLUMNS: ExportColumn<FlowListItem>[] = [
  // As the list: empty for an execution no interaction is linked to (its own id is the last column).
  { key: 'interactionId', header: 'Interaction ID', value: (r) => r.interactionId, width: 2.2 },
  { key: 'flow', header: 'Flow', value: (r) => r.flow, width: 2 },
  { key: 'version', header: 'Version', value: (r) => r.version, width: 0.7 },
  { key: 'tag', header: 'Tag', value: (r) => r.tag, width: 0.7 },
  { key: 'from', header: 'From', value: (r) => r.from, width: 1.5 },
  { key: 'to', header: 'To', value: (r) => r.to, width: 1.5 },
  { key: 'startedAt', header: 'Started at', value: (r) => date(r.startedAt), width: 2 },
  { key: 'entryPoint', header: 'Entry point', value: (r) => r.entryPoint, width: 1.5 },
  { key: 'duration', header: 'Duration (s)', value: (r) => r.duration, width: 1 },
  { key: 'endedAt', header: 'Ended at', value: (r) => date(r.endedAt), width: 2 },
  { key: 'id', header: 'Execution ID', value: (r) => r.id, width: 2.2 },
];

/** Filters worth printing in a file header: everything the caller set, minus paging and format. */
function describeFilters(q: Record<string, unknown>): Record<string, string> {
  const skip = new Set(['format', 'truncate', 'order', 'sort']);
  return Object.fromEntries(Object.entries(q).filter(([k, v]) => !skip.has(k) && v !== undefined && !(Array.isArray(v) && v.length === 0)).map(([k, v]) => [k, Array.isArray(v) ? v.join(', ') : String(v)]));
}

async function sendExport<Row>(
  res: Response,
  who: Caller,
  kind: 'cc-interactions' | 'flow-interactions',
  title: string,
  q: { format: Format; truncate: boolean } & Record<string, unknown>,
  range: ReturnType<typeof resolveRange>,
  total: number,
  columns: ExportColumn<Row>[],
  rows: (max: number) => AsyncIterable<Row>,
) {
  const cap = EXPORT_CAPS[q.format];
  if (total > cap && !q.truncate) {
    sendProblem(res, { status: 422, title: 'Export over the cap', detail: `${total} rows match; ${q.format} exports hold at most ${cap}. Narrow the filters or add truncate=true.`, count: total, cap });
    return;
  }
  const name = exportFileName(kind, range.startLocalDate, range.endLocalDate, q.format);
  res.status(200);
  res.setHeader('Content-Type', CONTENT_TYPES[q.format]);
  res.setHeader('Content-Disposition', `attachment; filename="${name}"`);
  res.setHeader('X-Total-Count', String(total));
  const meta = { title, filters: { range: `${range.startLocalDate} to ${range.endLocalDate}`, ...describeFilters(q) }, generatedAt: new Date(), timeZone: who.timeZone };
  await WRITERS[q.format](columns, rows(Math.min(cap, total)), res, meta);
  res.end();
}

export async function exportInteractions(db: Db, who: Caller, q: InteractionFilterQuery & { format: Format; truncate: boolean }, res: Response) {
  const range = resolveRange(q, who.timeZone);
  const total = await countInteractions(db, who, q, range);
  await sendExport(res, who, 'cc-interactions', 'CC Interactions', q, range, total, INTERACTION_COLUMNS, (max) => iterateInteractions(db, who, q, range, max));
}

export async function exportFlowExecutions(db: Db, who: Caller, q: FlowFilterQuery & { format: Format; truncate: boolean }, res: Response) {
  const range = resolveRange(q, who.timeZone);
  const total = await countFlowExecutions(db, who, q, range);
  await sendExport(res, who, 'flow-interactions', 'Flow Interactions', q, range, total, FLOW_COLUMNS, (max) => iterateFlowExecutions(db, who, q, range, max));
}
