/** Generated analyst data for the API tests: plausible lifecycles with known answers. */
export const QUEUES = [
  { id: 'q-sales', name: 'Sales' },
  { id: 'q-support', name: 'Support' },
  { id: 'q-billing', name: 'Billing' },
];
export const AGENTS = [
  { id: 'a-ann', name: 'Ann Smith' },
  { id: 'a-bob', name: 'Bob Jones' },
  { id: 'a-cy', name: 'Cy Twombly' },
];
export const CHANNELS = ['chat', 'voice', 'sms', 'email'];
export const DIDS = ['+18005550100', '+18005550101'];

export interface Planned {
  id: string;
  createdAt: number;
  channel: string;
  queue: (typeof QUEUES)[number];
  agent: (typeof AGENTS)[number] | null;
  status: 'new' | 'queued' | 'active' | 'closed';
  did: string;
  origin: string;
  disposition: string | null;
  closedAt: number | null;
}

type Ev = { kind: 'task' | 'flow'; eventId: string; body: Record<string, unknown> };

/** Events for one planned interaction, plus a linked self-service flow execution. */
export function eventsFor(p: Planned): Ev[] {
  const iso = (ms: number) => new Date(ms).toISOString();
  const base = { taskId: p.id, mediaType: p.channel, destination: p.did, origin: p.origin, text: `hello from ${p.origin}` };
  const ev: Ev[] = [{ kind: 'task', eventId: `${p.id}-c`, body: { ...base, eventType: 'CREATED', timestamp: iso(p.createdAt) } }];
  if (p.status !== 'new') ev.push({ kind: 'task', eventId: `${p.id}-q`, body: { ...base, eventType: 'QUEUED', timestamp: iso(p.createdAt + 2_000), queue: p.queue, ewt: -1 } });
  if ((p.status === 'active' || p.status === 'closed') && p.agent) ev.push({ kind: 'task', eventId: `${p.id}-r`, body: { ...base, eventType: 'ROUTED', timestamp: iso(p.createdAt + 30_000), queue: p.queue, agent: p.agent } });
  if (p.status === 'closed') {
    ev.push({ kind: 'task', eventId: `${p.id}-x`, body: { ...base, eventType: 'CLOSED', timestamp: iso(p.closedAt!), reason: p.agent ? 'agent' : 'customer', ...(p.disposition ? { dispositionCode: p.disposition } : {}) } });
  }
  const x = `fx-${p.id}`;
  ev.push(
    { kind: 'flow', eventId: `${x}-s`, body: { type: 'execution.started', executionId: x, timestamp: iso(p.createdAt - 20_000), flowId: 'f-ivr', flowName: p.channel === 'voice' ? 'IVR Main Menu' : 'Live Chat Inbound Flow', version: '3', tag: 'Live', entryPoint: p.channel === 'voice' ? 'Main Number' : 'Website', from: p.origin, to: p.did, channel: p.channel === 'voice' ? 'Phone' : 'Messaging', taskId: p.id } },
    { kind: 'flow', eventId: `${x}-1`, body: { type: 'step.executed', executionId: x, timestamp: iso(p.createdAt - 15_000), seq: 1, stepType: 'menu', name: 'Main menu', startedAt: iso(p.createdAt - 16_000), endedAt: iso(p.createdAt - 15_000), result: 'agent' } },
    { kind: 'flow', eventId: `${x}-e`, body: { type: 'execution.ended', executionId: x, timestamp: iso(p.createdAt - 1_000), endedAt: iso(p.createdAt - 1_000), endReason: 'completed', actionData: 'createInteraction' } },
  );
  return ev;
}

/** A deterministic plan: spread over the last `days` days before `nowMs`. */
export function plan(prefix: string, count: number, nowMs: number, spanMs: number): Planned[] {
  const out: Planned[] = [];
  for (let i = 0; i < count; i++) {
    const status = (['closed', 'closed', 'closed', 'active', 'queued', 'new'] as const)[i % 6]!;
    const createdAt = nowMs - Math.round(((i + 1) * spanMs) / (count + 1));
    out.push({
      id: `${prefix}-${String(i).padStart(4, '0')}`,
      createdAt,
      channel: CHANNELS[i % CHANNELS.length]!,
      queue: QUEUES[i % QUEUES.length]!,
      agent: status === 'closed' || status === 'active' ? (i % 7 === 0 ? null : AGENTS[i % AGENTS.length]!) : null,
      status: status === 'active' && i % 7 === 0 ? 'queued' : status,
      did: DIDS[i % 2]!,
      origin: `+1555000${String(i % 17).padStart(4, '0')}`,
      disposition: status === 'closed' ? (i % 2 ? 'RESOLVED' : 'FOLLOWUP') : null,
      closedAt: status === 'closed' ? createdAt + 120_000 + i * 1000 : null,
    });
  }
  return out;
}

/** Stored events of one task within one hour, for the single-interaction cases: `ev(eventId, type, 'mm:ss', extra)`. */
export function taskEventsIn(taskId: string, hour: string, mediaType: string) {
  return (eventId: string, eventType: string, t: string, extra: Record<string, unknown> = {}): Ev => ({
    kind: 'task',
    eventId,
    body: { eventType, taskId, timestamp: `${hour}:${t}Z`, mediaType, ...extra },
  });
}
