import type { TaskEventBody, TaskEventType } from '@cxfold/contracts';

/** A stored task event as the fold sees it: id, parsed type and time, validated body. */
export interface TaskEventEnvelope {
  eventId: string;
  type: TaskEventType;
  /** Event time, epoch ms. */
  at: number;
  body: TaskEventBody;
}

export type InteractionStatus = 'new' | 'queued' | 'active' | 'closed';
export type SegmentType = 'queue' | 'agent';

/** One leg of an interaction: a queue entry or an agent assignment. Times are epoch ms. */
export interface SegmentRecord {
  number: number;
  type: SegmentType;
  /** queued | routed | transferred:agent | transferred:rona | transferred:logout | requeued */
  startType: string;
  /** routed | abandoned | failed | cancelled | closed | transferred:* | requeued; null while open */
  endType: string | null;
  queueId: string | null;
  queueName: string | null;
  agentId: string | null;
  agentName: string | null;
  startedAt: number;
  endedAt: number | null;
  durationMs: number | null;
  /** The customer left (abandon) or the request was cancelled (media switch) before this leg completed. */
  cancelled: boolean;
}

export interface InteractionRecord {
  id: string;
  channel: string | null;
  direction: 'inbound' | 'outbound';
  origin: string | null;
  destination: string | null;
  customerName: string | null;
  scriptSelector: string | null;
  status: InteractionStatus;
  createdAt: number;
  /** True when no CREATED was seen: the start is the earliest event. */
  createdInferred: boolean;
  firstQueuedAt: number | null;
  firstRoutedAt: number | null;
  closedAt: number | null;
  lastQueueId: string | null;
  lastQueueName: string | null;
  lastAgentId: string | null;
  lastAgentName: string | null;
  dispositionCode: string | null;
  dispositionName: string | null;
  /** agent | customer | system | media_switch | other free text */
  closeReason: string | null;
  abandoned: boolean;
  transferCount: number;
  totalMs: number | null;
  selfServiceMs: number | null;
  queueMs: number;
  handleMs: number;
  ewtFirst: number | null;
  ewtLast: number | null;
  callVariables: Record<string, unknown>;
  eccVariables: Record<string, unknown>;
  extensionVariables: Record<string, unknown>;
  /** user_DR_MediaResourceID: the Webex Engage conversation. */
  conversationId: string | null;
  /** ChatThreadID or LiveChatThreadID: links a web callback to the chat it replaced. */
  chatThreadId: string | null;
  /** First 80 characters of the first text content an event carried. */
  textPreview: string | null;
  lastEventAt: number;
  eventCount: number;
}

export interface FoldedInteraction {
  interaction: InteractionRecord;
  segments: SegmentRecord[];
}
