import type { NewTenantSecrets } from '@cxfold/db';
import { sendSigned } from '@cxfold/testkit';

/**
 * A small contact-center morning with known answers, all "today" in New York (the test
 * tenant's zone): flows with every step type, HTTP 2xx / 3xx / 5xx and errors, queue and agent
 * legs, transfers, abandons, still-running executions.
 */
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
const CHANNELS = ['voice', 'chat', 'sms', 'whatsapp'] as const;

export interface PlannedInteraction {
  id: string;
  flowId: string;
  channel: string;
  start: number;
  queues: (typeof QUEUES)[number][];
  agent: (typeof AGENTS)[number] | null;
  outcome: 'closed' | 'abandoned' | 'active';
  origin: string;
  httpStatus: number;
  flowName: string;
  tag: string;
}

type Event = { path: 'tasks' | 'flows/events'; body: Record<string, unknown> };

/** Local midnight of today in New York, as UTC ms. */
export function startOfTodayNewYork(now: number): number {
  const day = new Date(now).toLocaleDateString('en-CA', { timeZone: 'America/New_York' });
  for (const offset of [4, 5]) {
    const t = Date.parse(`${day}T0${offset}:00:00Z`);
    if (new Date(t).toLocaleTimeString('en-GB', { timeZone: 'America/New_York', hour12: false }) === '00:00:00') return t;
  }
  throw new Error('no New York midnight found');
}

export function planMorning(count: number, now: number): PlannedInteraction[] {
  // Everything falls between local midnight (+1 min) and a few minutes ago, so "today" holds it all.
  const first = Math.max(startOfTodayNewYork(now) + 60_000, now - 6 * 3_600_000);
  const span = Math.max(0, now - first - 6 * 60_000);
  return Array.from({ length: count }, (_, i) => {
    const channel = CHANNELS[i % CHANNELS.length]!;
    const queue = QUEUES[i % QUEUES.length]!;
    const outcome = i % 10 === 9 ? 'abandoned' : i % 10 === 8 ? 'active' : 'closed';
    // Abandoned calls never reach an agent, so they are never transferred.
    const transferred = i % 12 === 5 && outcome !== 'abandoned';
    return {
      id: `task-${String(i).padStart(3, '0')}`,
      flowId: `fx-${String(i).padStart(3, '0')}`,
      channel,
      start: first + Math.round((span * i) / count),
      queues: transferred ? [queue, QUEUES[(i + 1) % QUEUES.length]!] : [queue],
      agent: outcome === 'abandoned' ? null : AGENTS[i % AGENTS.length]!,
      outcome,
      origin: `+1555010${String(i % 15).padStart(4, '0')}`,
      httpStatus: i % 6 === 0 ? 500 : i % 6 === 3 ? 302 : 200,
      flowName: channel === 'voice' ? 'IVR Main Menu' : 'Live Chat Inbound Flow',
      tag: i % 5 === 0 ? 'Beta' : 'Live',
    };
  });
}

const iso = (ms: number) => new Date(ms).toISOString();

/** The flow execution (six steps, one per known type) and the CCE task events of one interaction. */
export function eventsOf(p: PlannedInteraction): Event[] {
  const t = p.start;
  const did = p.channel === 'voice' ? '+18005550100' : '+18005550101';
  const x = p.flowId;
  const step = (seq: number, stepType: string, name: string, extra: Record<string, unknown> = {}): Event => ({
    path: 'flows/events',
    body: { type: 'step.executed', executionId: x, timestamp: iso(t + seq * 1000 + 400), seq, stepType, name, nodeId: `node-${seq}`, startedAt: iso(t + seq * 1000), endedAt: iso(t + seq * 1000 + 400 + seq * 7), result: 'next', ...extra },
  });
  const http = p.httpStatus;
  const flow: Event[] = [
    {
      path: 'flows/events',
      body: { type: 'execution.started', executionId: x, timestamp: iso(t), flowId: p.channel === 'voice' ? 'flow-ivr' : 'flow-chat', flowName: p.flowName, flowVersionId: `${p.flowName === 'IVR Main Menu' ? 'ivr' : 'chat'}-v3`, version: p.flowName === 'IVR Main Menu' ? '3' : '2', tag: p.tag, entryPoint: p.channel === 'voice' ? 'Main Number' : 'Website', from: p.origin, to: did, channel: p.channel === 'voice' ? 'Phone' : 'Messaging', trigger: 'event', taskId: p.id },
    },
    step(1, 'play_message', 'Welcome prompt'),
    step(2, 'collect_digits', 'Account number', { valuesBefore: { accountNumber: null }, valuesAfter: { accountNumber: '4711' } }),
    step(3, 'http_request', 'Customer lookup', {
      httpStatus: http,
      httpMethod: 'GET',
      url: 'https://crm.example.test/customers/4711',
      result: http >= 400 ? 'error' : 'success',
      settings: { method: 'GET', url: 'https://crm.example.test/customers/{{accountNumber}}', timeoutMs: 3000, headers: { accept: 'application/json' } },
      valuesBefore: { customerName: null, tier: null },
      valuesAfter: http >= 400 ? { customerName: null, tier: null } : { customerName: 'Dana Scully', tier: 'gold' },
      ...(http >= 400 ? { error: { code: `HTTP_${http}`, message: 'CRM answered 500 Internal Server Error' } } : {}),
    }),
    step(4, 'menu', 'Main menu', { result: 'agent' }),
    step(5, 'queue_contact', 'Queue to agent', { settings: { queue: p.queues[0]!.name } }),
    step(6, 'end_flow', 'End'),
    { path: 'flows/events', body: { type: 'execution.ended', executionId: x, timestamp: iso(t + 8000), endedAt: iso(t + 8000), endReason: http >= 400 ? 'error' : 'completed', actionData: 'createInteraction' } },
  ];
  const base = { taskId: p.id, mediaType: p.channel, destination: did, origin: p.origin, text: `Hello, this is ${p.origin} asking about my bill` };
  const created = t + 9000;
  const task: Event[] = [{ path: 'tasks', body: { ...base, eventType: 'CREATED', timestamp: iso(created) } }];
  let at = created + 1000;
  task.push({ path: 'tasks', body: { ...base, eventType: 'QUEUED', timestamp: iso(at), queue: p.queues[0], ewt: 30 } });
  const wait = 5_000 + (Number(p.id.slice(-3)) % 9) * 12_000;
  at += wait;
  if (p.outcome === 'abandoned') {
    task.push({ path: 'tasks', body: { ...base, eventType: 'CLOSED', timestamp: iso(at), reason: 'customer' } });
    return [...flow, ...task];
  }
  task.push({ path: 'tasks', body: { ...base, eventType: 'ROUTED', timestamp: iso(at), queue: p.queues[0], agent: p.agent } });
  if (p.queues.length > 1) {
    at += 40_000;
    task.push({ path: 'tasks', body: { ...base, eventType: 'TRANSFERRED', timestamp: iso(at), reason: 'agent_transfer', queue: p.queues[1] } });
    at += 1000;
    task.push({ path: 'tasks', body: { ...base, eventType: 'QUEUED', timestamp: iso(at), queue: p.queues[1] } });
    at += 15_000;
    task.push({ path: 'tasks', body: { ...base, eventType: 'ROUTED', timestamp: iso(at), queue: p.queues[1], agent: AGENTS[(AGENTS.indexOf(p.agent!) + 1) % AGENTS.length] } });
  }
  if (p.outcome === 'closed') {
    at += 60_000;
    task.push({ path: 'tasks', body: { ...base, eventType: 'CLOSED', timestamp: iso(at), reason: 'agent', dispositionCode: Number(p.id.slice(-3)) % 2 ? 'RESOLVED' : 'FOLLOWUP' } });
  }
  return [...flow, ...task];
}

/** Executions still running (Workflow Sessions), not linked to any interaction. */
export function activeExecutions(count: number, now: number): Event[] {
  return Array.from({ length: count }, (_, i) => {
    const x = `live-${i}`;
    // A few minutes ago, but never before local midnight, so "today" holds them too (a run in
    // the first minutes of the New York day found two of them in yesterday).
    const t = Math.max(now - (i + 1) * 95_000, startOfTodayNewYork(now) + 30_000 + i * 1_000);
    return [
      { path: 'flows/events', body: { type: 'execution.started', executionId: x, timestamp: iso(t), flowId: 'flow-callback', flowName: 'Scheduled Callback', flowVersionId: 'cb-v1', version: '1', entryPoint: 'Scheduler', from: `+1555020000${i}`, channel: 'Phone', trigger: 'schedule', variablesCategory: 'Billing' } },
      { path: 'flows/events', body: { type: 'step.executed', executionId: x, timestamp: iso(t + 2000), seq: 1, stepType: 'play_message', name: 'Callback greeting', startedAt: iso(t + 1000), endedAt: iso(t + 2000) } },
    ] as Event[];
  }).flat();
}

/** Sends every event signed through the receiver, a few at a time, as a sender would. */
export async function sendAll(baseUrl: string, tenant: NewTenantSecrets, events: Event[], concurrency = 12): Promise<void> {
  let next = 0;
  const worker = async () => {
    while (next < events.length) {
      const e = events[next++]!;
      const r = await sendSigned(baseUrl, tenant, e.path, e.body, 'token');
      if (r.status !== 202) throw new Error(`event refused (${r.status}): ${JSON.stringify(r.body)}`);
    }
  };
  await Promise.all(Array.from({ length: concurrency }, worker));
}
