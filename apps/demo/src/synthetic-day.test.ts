import {
  KNOWN_STEP_TYPES,
  MAX_FLOW_BATCH,
  TASK_LIFECYCLE_RANK,
  maskCardNumbers,
  parseTaskEventType,
  toEpochMs,
  validateFlowEvents,
  validateTaskEvent,
  type TaskEventType,
} from '@cxfold/contracts';
import { generateSyntheticDay, shuffleDeliveries, type Delivery, type SyntheticDay } from './synthetic-day';

type Body = Record<string, any>;

const DAY = 24 * 60 * 60 * 1000;
const TZ = -300; // tenant 5 hours behind UTC
const DAY_START = Date.UTC(2025, 2, 11, 5, 0, 0); // local midnight of the tenant
const DAY_END = DAY_START + DAY;
const OPTS = { seed: 42, interactions: 600, dayStartMs: DAY_START, tenantTimeZoneOffsetMinutes: TZ };
const ISO_MS = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\.\d{3}Z$/;
const INBOUND_FLOWS = new Set([
  'SMS Inbound Flow',
  'Live Chat Inbound Flow',
  'Live Chat with WebCallback Flow',
  'Email Inbound Flow',
  'WhatsApp Inbound Flow',
  'Facebook Inbound Flow',
  'IVR Main Menu',
]);

interface TaskEvt {
  body: Body;
  type: TaskEventType;
  at: number;
  /** position of the delivery in the day's delivery order */
  index: number;
  duplicate: boolean;
}
interface FlowEvt {
  body: Body;
  index: number;
  duplicate: boolean;
}

let day: SyntheticDay;
let taskEvents: TaskEvt[]; // unique by eventId (first delivery)
let flowEvents: FlowEvt[]; // unique by eventId (first delivery)
let tasks: Map<string, TaskEvt[]>; // by taskId, in event order
let executions: Map<string, FlowEvt[]>;

function taskType(d: Delivery): TaskEventType {
  const fromPath = d.path === 'tasks' ? null : parseTaskEventType(d.path.slice('tasks/'.length));
  const t = fromPath ?? parseTaskEventType((d.body as Body).eventType);
  if (!t) throw new Error(`no event type for ${d.path}`);
  return t;
}

function byTime(a: TaskEvt, b: TaskEvt): number {
  return a.at - b.at || TASK_LIFECYCLE_RANK[a.type] - TASK_LIFECYCLE_RANK[b.type];
}

/** The final status as a fold sees it; CLOSED is terminal. */
function finalStatus(events: readonly TaskEvt[]): 'new' | 'queued' | 'active' | 'closed' {
  let status: 'new' | 'queued' | 'active' | 'closed' = 'new';
  for (const e of events) {
    if (status === 'closed') break;
    if (e.type === 'QUEUED' || e.type === 'TRANSFERRED') status = 'queued';
    else if (e.type === 'ROUTED') status = 'active';
    else if (e.type === 'CLOSED') status = 'closed';
  }
  return status;
}

const typesOf = (events: readonly TaskEvt[]) => events.map((e) => e.type);

beforeAll(() => {
  day = generateSyntheticDay(OPTS);
  taskEvents = [];
  flowEvents = [];
  const seen = new Set<string>();
  day.deliveries.forEach((d, index) => {
    if (d.kind === 'task') {
      const body = d.body as Body;
      if (seen.has(body.eventId)) return;
      seen.add(body.eventId);
      taskEvents.push({ body, type: taskType(d), at: toEpochMs(body.timestamp) as number, index, duplicate: d.duplicate });
    } else {
      for (const body of (Array.isArray(d.body) ? d.body : [d.body]) as Body[]) {
        if (seen.has(body.eventId)) continue;
        seen.add(body.eventId);
        flowEvents.push({ body, index, duplicate: d.duplicate });
      }
    }
  });
  tasks = new Map();
  for (const e of taskEvents) {
    const list = tasks.get(e.body.taskId) ?? [];
    list.push(e);
    tasks.set(e.body.taskId, list);
  }
  for (const list of tasks.values()) list.sort(byTime);
  executions = new Map();
  for (const e of flowEvents) {
    const list = executions.get(e.body.executionId) ?? [];
    list.push(e);
    executions.set(e.body.executionId, list);
  }
});

describe('generateSyntheticDay', () => {
  it('is deterministic for a seed and differs between seeds', () => {
    const again = generateSyntheticDay(OPTS);
    expect(JSON.stringify(again)).toBe(JSON.stringify(day));
    const other = generateSyntheticDay({ ...OPTS, seed: 43 });
    expect(JSON.stringify(other.deliveries.slice(0, 50))).not.toBe(JSON.stringify(day.deliveries.slice(0, 50)));
  });

  it('produces bodies that validate against the contracts, with the expected paths', () => {
    const failures: string[] = [];
    for (const d of day.deliveries) {
      if (d.kind === 'task') {
        expect(d.path).toMatch(/^tasks(\/(created|queued|routed|transferred|closed))?$/);
        const pathType = d.path === 'tasks' ? null : parseTaskEventType(d.path.slice('tasks/'.length));
        const v = validateTaskEvent(d.body, pathType, DAY_END);
        if (!v.ok) failures.push(`${d.path}: ${JSON.stringify(v.errors)}`);
      } else {
        expect(d.path).toBe('flows/events');
        if (Array.isArray(d.body)) {
          expect(d.body.length).toBeGreaterThan(0);
          expect(d.body.length).toBeLessThanOrEqual(MAX_FLOW_BATCH);
        }
        const v = validateFlowEvents(d.body, DAY_END);
        if (!v.ok) failures.push(`flows: ${JSON.stringify(v.errors)}`);
      }
    }
    expect(failures.slice(0, 5)).toEqual([]);
  });

  it('uses both task path forms, with body event types in any case', () => {
    const paths = new Set(day.deliveries.filter((d) => d.kind === 'task').map((d) => d.path));
    expect([...paths].sort()).toEqual(['tasks', 'tasks/closed', 'tasks/created', 'tasks/queued', 'tasks/routed', 'tasks/transferred']);
    const bodyTypes = new Set(day.deliveries.filter((d) => d.path === 'tasks').map((d) => (d.body as Body).eventType as string));
    expect([...bodyTypes].some((t) => t === t.toLowerCase())).toBe(true);
    expect([...bodyTypes].some((t) => t === t.toUpperCase())).toBe(true);
    expect([...bodyTypes].some((t) => t !== t.toLowerCase() && t !== t.toUpperCase())).toBe(true);
  });

  it('produces plain JSON bodies small enough for the receiver', () => {
    const plain = (v: unknown): boolean => {
      if (v === null || typeof v === 'string' || typeof v === 'boolean') return true;
      if (typeof v === 'number') return Number.isFinite(v);
      if (Array.isArray(v)) return v.every(plain);
      if (typeof v === 'object' && Object.getPrototypeOf(v) === Object.prototype) return Object.values(v as object).every(plain);
      return false;
    };
    let largest = 0;
    for (const d of day.deliveries) {
      expect(plain(d.body)).toBe(true);
      largest = Math.max(largest, Buffer.byteLength(JSON.stringify(d.body)));
    }
    expect(largest).toBeLessThan(256 * 1024);
  });

  it('keeps every timestamp inside the day, ISO-8601 UTC with milliseconds, deliveries in send order', () => {
    const bad: unknown[] = [];
    const check = (v: unknown) => {
      const ms = toEpochMs(v);
      if (typeof v !== 'string' || !ISO_MS.test(v) || ms === null || ms < DAY_START || ms >= DAY_END) bad.push(v);
    };
    for (const e of taskEvents) check(e.body.timestamp);
    for (const e of flowEvents) {
      check(e.body.timestamp);
      if (e.body.startedAt !== undefined) check(e.body.startedAt);
      if (e.body.endedAt !== undefined) check(e.body.endedAt);
      if (e.body.type === 'step.executed' && (toEpochMs(e.body.startedAt) as number) > (toEpochMs(e.body.endedAt) as number)) bad.push(e.body);
    }
    expect(bad.slice(0, 5)).toEqual([]);
    const offsets = day.deliveries.map((d) => d.offsetMs);
    expect(offsets.every((o, i) => o >= 0 && o < DAY && (i === 0 || o >= (offsets[i - 1] as number)))).toBe(true);
  });

  it('re-sends about 3% of deliveries verbatim, sharing event ids with the original', () => {
    const ids = (d: Delivery) => (Array.isArray(d.body) ? d.body : [d.body]).map((b: Body) => b.eventId as string).join(',');
    const originals = new Map<string, { d: Delivery; index: number }>();
    day.deliveries.forEach((d, index) => {
      if (!d.duplicate) {
        expect(originals.has(ids(d))).toBe(false);
        originals.set(ids(d), { d, index });
      }
    });
    const dups = day.deliveries.filter((d) => d.duplicate);
    const rate = dups.length / day.deliveries.length;
    expect(rate).toBeGreaterThan(0.02);
    expect(rate).toBeLessThan(0.045);
    for (const d of dups) {
      const original = originals.get(ids(d));
      expect(original).toBeDefined();
      expect(JSON.stringify(d.body)).toBe(JSON.stringify(original?.d.body));
      expect(d.path).toBe(original?.d.path);
      expect(d.offsetMs).toBeGreaterThanOrEqual(original?.d.offsetMs ?? Infinity);
    }
    // every event id of a non-duplicate delivery is unique across the day
    const all = [...originals.keys()].flatMap((k) => k.split(','));
    expect(new Set(all).size).toBe(all.length);
  });

  it('reports expected counts consistent with the deliveries', () => {
    const { expected } = day;
    expect(expected.interactions).toBe(OPTS.interactions);
    expect(tasks.size).toBe(expected.interactions);

    const byChannel: Record<string, number> = {};
    const byStatus = { new: 0, queued: 0, active: 0, closed: 0 };
    for (const events of tasks.values()) {
      const channel = events[0]?.body.mediaType as string;
      byChannel[channel] = (byChannel[channel] ?? 0) + 1;
      byStatus[finalStatus(events)]++;
    }
    expect(Object.fromEntries(Object.entries(expected.byChannel).filter(([, n]) => n > 0))).toEqual(byChannel);
    expect(expected.byFinalStatus).toEqual(byStatus);

    expect(executions.size).toBe(expected.flowExecutions);
    const active = [...executions.values()].filter((events) => !events.some((e) => e.body.type === 'execution.ended')).length;
    expect(active).toBe(expected.activeFlowExecutions);
    expect(expected.uniqueEvents).toBe(taskEvents.length + flowEvents.length);

    // Card numbers: exactly the ones customers typed, nothing else looks like one (ids, phones...).
    let cards = 0;
    for (const e of [...taskEvents, ...flowEvents]) cards += maskCardNumbers(e.body).count;
    expect(expected.cardNumbersTyped).toBeGreaterThan(0);
    expect(cards).toBe(expected.cardNumbersTyped);
  });

  it('covers every channel, 6-10 queues, about 30 agents, and reuses customers', () => {
    expect(new Set(taskEvents.map((e) => e.body.mediaType))).toEqual(new Set(['sms', 'chat', 'email', 'webcallback', 'voice', 'facebook', 'whatsapp']));
    const c = day.expected.byChannel;
    expect(c.chat).toBeGreaterThan(c.sms ?? 0);
    expect(c.voice).toBeGreaterThan(c.email ?? 0);
    const queues = new Set(taskEvents.filter((e) => e.body.queue).map((e) => e.body.queue.id));
    expect(queues.size).toBeGreaterThanOrEqual(6);
    expect(queues.size).toBeLessThanOrEqual(10);
    const agents = new Set(taskEvents.filter((e) => e.body.agent).map((e) => e.body.agent.id));
    expect(agents.size).toBeGreaterThanOrEqual(25);
    expect(agents.size).toBeLessThanOrEqual(35);

    const contactsByOrigin = new Map<string, Set<string>>();
    for (const e of taskEvents) {
      const set = contactsByOrigin.get(e.body.origin) ?? new Set<string>();
      set.add(e.body.taskId);
      contactsByOrigin.set(e.body.origin, set);
    }
    expect([...contactsByOrigin.values()].filter((s) => s.size >= 2).length).toBeGreaterThan(10);
    expect(Math.max(...[...contactsByOrigin.values()].map((s) => s.size))).toBeGreaterThanOrEqual(3);
  });

  it('fills the task fields the seeds describe', () => {
    const textChannels = new Set(['sms', 'chat', 'email', 'whatsapp', 'facebook']);
    const problems: string[] = [];
    const need = (ok: boolean, what: string, b: Body) => {
      if (!ok) problems.push(`${what}: ${JSON.stringify(b)}`);
    };
    const ref = (r: unknown) => typeof r === 'object' && r !== null && typeof (r as Body).id === 'string' && typeof (r as Body).name === 'string';
    for (const [taskId, events] of tasks) {
      const created = events.find((e) => e.type === 'CREATED');
      need(/^[0-9a-f-]{36}$/.test(taskId) && created !== undefined, 'task id / CREATED', events[0]?.body ?? {});
      const channel = events[0]?.body.mediaType as string;
      if (textChannels.has(channel)) need(typeof created?.body.text === 'string', 'text on CREATED', created?.body ?? {});
      for (const e of events) {
        const b = e.body;
        const v = b.variables as Body;
        need(/^[A-Za-z0-9._~-]+$/.test(b.eventId), 'URL-safe eventId', b);
        need(typeof b.destination === 'string' && typeof b.origin === 'string' && typeof b.scriptSelector === 'string', 'destination/origin/scriptSelector', b);
        for (const cv of ['cv_1', 'cv_2', 'cv_3', 'cv_4']) need(typeof v[cv] === 'string' && Buffer.byteLength(v[cv]) <= 40, cv, b);
        need(typeof v.user_DR_MediaResourceID === 'string', 'user_DR_MediaResourceID', b);
        if (channel === 'chat') need(typeof v.ChatThreadID === 'string', 'ChatThreadID', b);
        if (channel === 'email') need(typeof v.EmailMessageID === 'string' && typeof v.EmailSubject === 'string', 'email variables', b);
        if (channel === 'webcallback') need(['LiveChatThreadID', 'LiveChatAppID', 'LiveChatUserID'].every((k) => typeof v[k] === 'string'), 'web callback variables', b);
        if (e.type === 'QUEUED') need(typeof b.ewt === 'number' && ref(b.queue), 'QUEUED ewt + queue', b);
        if (e.type === 'ROUTED' || e.type === 'TRANSFERRED') need(ref(b.agent), 'agent', b);
        else if (e.type !== 'CLOSED') need(b.agent === undefined, 'no agent before routing', b);
        if (e.type === 'TRANSFERRED') need(['agent_transfer', 'rona', 'agent_logout'].includes(b.reason), 'transfer reason', b);
        if (e.type === 'CLOSED') {
          need(['agent', 'customer', 'system', 'customer requested web callback'].includes(b.reason), 'close reason', b);
          if (b.reason === 'agent') need(b.dispositionCode !== undefined, 'disposition on agent close', b);
        }
      }
    }
    expect(problems.slice(0, 5)).toEqual([]);
    const withName = taskEvents.filter((e) => typeof e.body.customerName === 'string').length;
    expect(withName / taskEvents.length).toBeGreaterThan(0.6);
  });

  describe('seed cases', () => {
    const find = (pred: (events: TaskEvt[]) => boolean) => [...tasks.values()].filter(pred);

    it('first QUEUED has EWT -1, later QUEUED carry EWT updates', () => {
      for (const events of tasks.values()) {
        const queued = events.filter((e) => e.type === 'QUEUED');
        if (queued.length) expect(queued[0]?.body.ewt).toBe(-1);
      }
      const updated = find((ev) => ev.filter((e) => e.type === 'QUEUED' && e.body.ewt > 0).length >= 2);
      expect(updated.length).toBeGreaterThan(5);
    });

    it('chat abandoned in queue: CLOSED reason customer without ROUTED', () => {
      const abandoned = find((ev) => ev[0]?.body.mediaType === 'chat' && !typesOf(ev).includes('ROUTED') && ev.some((e) => e.type === 'CLOSED' && e.body.reason === 'customer'));
      expect(abandoned.length).toBeGreaterThan(0);
    });

    it('system close on queue failure and on routing failure', () => {
      const system = find((ev) => !typesOf(ev).includes('ROUTED') && ev.some((e) => e.type === 'CLOSED' && e.body.reason === 'system'));
      expect(system.some((ev) => typesOf(ev).includes('QUEUED'))).toBe(true);
      expect(system.some((ev) => !typesOf(ev).includes('QUEUED'))).toBe(true);
    });

    it('RONA: TRANSFERRED rona, CREATED again with the same taskId, QUEUED, ROUTED to another agent', () => {
      const rona = find((ev) => {
        const i = ev.findIndex((e) => e.type === 'TRANSFERRED' && e.body.reason === 'rona');
        if (i < 0) return false;
        const after = ev.slice(i + 1);
        const routed = after.find((e) => e.type === 'ROUTED');
        return after[0]?.type === 'CREATED' && after.some((e) => e.type === 'QUEUED') && routed !== undefined && routed.body.agent.id !== ev[i]?.body.agent.id;
      });
      expect(rona.length).toBeGreaterThan(3);
    });

    it('agent logout and agent transfer to another queue', () => {
      expect(find((ev) => ev.some((e) => e.type === 'TRANSFERRED' && e.body.reason === 'agent_logout')).length).toBeGreaterThan(0);
      const transfers = find((ev) => {
        const i = ev.findIndex((e) => e.type === 'TRANSFERRED' && e.body.reason === 'agent_transfer');
        const next = ev.slice(i + 1).find((e) => e.type === 'QUEUED');
        return i >= 0 && next !== undefined && next.body.queue.id !== ev[i]?.body.queue.id;
      });
      expect(transfers.length).toBeGreaterThan(3);
    });

    it('chat cancelled for a web callback, then a webcallback task linked by the chat thread', () => {
      const chats = find((ev) => ev[0]?.body.mediaType === 'chat' && ev.some((e) => e.type === 'CLOSED' && e.body.reason === 'customer requested web callback'));
      expect(chats.length).toBeGreaterThan(0);
      for (const chat of chats) {
        const thread = chat[0]?.body.variables.ChatThreadID;
        const closedAt = chat.find((e) => e.type === 'CLOSED')?.at as number;
        const callbacks = find((ev) => ev[0]?.body.mediaType === 'webcallback' && ev[0]?.body.variables.LiveChatThreadID === thread);
        expect(callbacks).toHaveLength(1);
        const cb = callbacks[0] as TaskEvt[];
        expect(cb[0]?.body.taskId).not.toBe(chat[0]?.body.taskId);
        expect(cb[0]?.type).toBe('CREATED');
        expect(cb[0]?.at).toBeGreaterThan(closedAt);
      }
    });

    it('CLOSED delivered before ROUTED while the timestamps keep their order', () => {
      const overtaken = find((ev) => {
        const routed = ev.find((e) => e.type === 'ROUTED');
        const closed = ev.find((e) => e.type === 'CLOSED');
        return routed !== undefined && closed !== undefined && routed.at < closed.at && closed.index < routed.index;
      });
      expect(overtaken.length).toBeGreaterThan(3);
    });

    it('some interactions stay new, queued or active at the end of the day', () => {
      const { byFinalStatus } = day.expected;
      expect(byFinalStatus.new).toBeGreaterThan(0);
      expect(byFinalStatus.queued).toBeGreaterThan(0);
      expect(byFinalStatus.active).toBeGreaterThan(0);
      const onlyCreated = find((ev) => ev.every((e) => e.type === 'CREATED'));
      expect(onlyCreated.length).toBe(byFinalStatus.new);
    });

    it('peaks 9-11 and 14-16 in the tenant local time', () => {
      const perHour = new Array<number>(24).fill(0);
      for (const events of tasks.values()) {
        const local = (events[0] as TaskEvt).at + TZ * 60_000;
        const h = new Date(local).getUTCHours();
        perHour[h] = (perHour[h] ?? 0) + 1;
      }
      const avg = (hours: number[]) => hours.reduce((s, h) => s + (perHour[h] ?? 0), 0) / hours.length;
      expect(avg([9, 10, 14, 15])).toBeGreaterThan(8 * avg([1, 2, 3, 4]));
      expect(avg([9, 10, 14, 15])).toBeGreaterThan(1.5 * avg([12, 19, 20]));
    });
  });

  describe('flows', () => {
    const started = (events: FlowEvt[]) => events.find((e) => e.body.type === 'execution.started')?.body;
    const ended = (events: FlowEvt[]) => events.find((e) => e.body.type === 'execution.ended')?.body;
    const steps = (events: FlowEvt[]) => events.filter((e) => e.body.type === 'step.executed').map((e) => e.body);

    it('every task has an inbound self-service flow that starts before its CREATED', () => {
      const inboundByTask = new Map<string, Body[]>();
      for (const events of executions.values()) {
        const s = started(events);
        if (s?.taskId && INBOUND_FLOWS.has(s.flowName)) inboundByTask.set(s.taskId, [...(inboundByTask.get(s.taskId) ?? []), s]);
      }
      for (const [taskId, events] of tasks) {
        const created = Math.min(...events.filter((e) => e.type === 'CREATED').map((e) => e.at));
        const flows = inboundByTask.get(taskId) ?? [];
        expect(flows.some((s) => (toEpochMs(s.startedAt) as number) < created)).toBe(true);
      }
    });

    it('inbound flows carry the execution details and end by creating the interaction', () => {
      const inbound = [...executions.values()].filter((ev) => started(ev)?.taskId && INBOUND_FLOWS.has(started(ev)?.flowName));
      const channels = new Set(inbound.map((ev) => started(ev)?.channel));
      expect(channels).toEqual(new Set(['Messaging', 'Email', 'Phone']));
      for (const ev of inbound) {
        const s = started(ev) as Body;
        for (const k of ['flowId', 'flowVersionId', 'entryPoint', 'from', 'to']) expect(typeof s[k]).toBe('string');
        expect(s.tag).toBe('Live');
        expect(s.trigger).toBe('event');
        expect(s.data).toEqual(expect.any(Object));
        const e = ended(ev);
        if (e) {
          expect(e.endReason).toBe('completed');
          expect(e.actionData).toBe('createInteraction');
        }
      }
      expect(inbound.some((ev) => typeof started(ev)?.variablesCategory === 'string' && typeof started(ev)?.variablesSubCategory === 'string')).toBe(true);
      expect(new Set(inbound.map((ev) => started(ev)?.flowName))).toEqual(INBOUND_FLOWS);
    });

    it('steps are numbered 1..n with ms timestamps, results, settings and values', () => {
      const types = new Set<string>();
      const problems: string[] = [];
      const isObject = (v: unknown): v is Body => typeof v === 'object' && v !== null;
      for (const ev of executions.values()) {
        const list = steps(ev).sort((a, b) => a.seq - b.seq);
        list.forEach((s, i) => {
          types.add(s.stepType);
          let ok = s.seq === i + 1 && typeof s.nodeId === 'string' && typeof s.result === 'string' && isObject(s.valuesBefore) && isObject(s.valuesAfter);
          if (s.stepType === 'http_request') {
            ok &&= typeof s.httpMethod === 'string' && /^https:\/\//.test(s.url) && typeof s.httpStatus === 'number';
            if (s.httpStatus >= 400) ok &&= isObject(s.error) && s.error.code !== undefined && typeof s.error.message === 'string';
          }
          if (!ok) problems.push(JSON.stringify(s));
        });
      }
      expect(problems.slice(0, 3)).toEqual([]);
      for (const t of KNOWN_STEP_TYPES) expect(types.has(t)).toBe(true);
      expect(types.has('evaluate')).toBe(true);
      const httpStatuses = flowEvents.filter((e) => e.body.stepType === 'http_request').map((e) => e.body.httpStatus as number);
      expect(httpStatuses.some((s) => s >= 400 && s < 500)).toBe(true);
      expect(httpStatuses.some((s) => s >= 500)).toBe(true);
    });

    it('webhook flows run per task event, with the task id', () => {
      const names = new Map<string, number>();
      for (const ev of executions.values()) {
        const s = started(ev);
        if (!s || INBOUND_FLOWS.has(s.flowName)) continue;
        names.set(s.flowName, (names.get(s.flowName) ?? 0) + 1);
      }
      for (const n of ['CREATED Flow', 'QUEUED Flow', 'ROUTED Flow', 'TRANSFERRED Flow', 'CLOSED Flow', 'WebCallback CLOSED', 'Live Chat Customer Close']) {
        expect(names.get(n)).toBeGreaterThan(0);
      }
      for (const ev of executions.values()) {
        const s = started(ev);
        if (s && /^(CREATED|QUEUED|ROUTED|TRANSFERRED|CLOSED) Flow$/.test(s.flowName)) {
          expect(s.trigger).toBe('event');
          expect(tasks.has(s.taskId)).toBe(true);
        }
      }
    });

    it('menu abandons stand alone, some flows are still running, one is scheduled', () => {
      const abandoned = [...executions.values()].filter((ev) => ended(ev)?.endReason === 'abandoned');
      expect(abandoned.length).toBeGreaterThan(10);
      for (const ev of abandoned) expect(ev.every((e) => e.body.taskId === undefined)).toBe(true);
      expect([...executions.values()].some((ev) => ended(ev)?.endReason === 'error')).toBe(true);
      const running = day.expected.activeFlowExecutions / day.expected.flowExecutions;
      expect(running).toBeGreaterThan(0.005);
      expect(running).toBeLessThan(0.03);
      expect([...executions.values()].some((ev) => started(ev)?.trigger === 'schedule')).toBe(true);
    });

    it('delivers steps singly and in batches, some before their execution.started', () => {
      const flowDeliveries = day.deliveries.filter((d) => d.kind === 'flow');
      expect(flowDeliveries.some((d) => Array.isArray(d.body) && d.body.length > 1)).toBe(true);
      expect(flowDeliveries.some((d) => !Array.isArray(d.body) && (d.body as Body).type === 'step.executed')).toBe(true);
      let early = 0;
      for (const ev of executions.values()) {
        const s = ev.find((e) => e.body.type === 'execution.started');
        if (s && ev.some((e) => e.body.type === 'step.executed' && e.index < s.index)) early++;
      }
      expect(early).toBeGreaterThan(3);
    });

    it('some customers type a card number, with separators or keyed on the phone', () => {
      const texts = taskEvents.filter((e) => typeof e.body.text === 'string' && maskCardNumbers(e.body.text).count > 0);
      const keyed = flowEvents.filter((e) => e.body.stepType === 'collect_digits' && maskCardNumbers(e.body.valuesAfter).count > 0);
      expect(texts.length + keyed.length).toBe(day.expected.cardNumbersTyped);
      expect(texts.length).toBeGreaterThan(0);
      expect(keyed.length).toBeGreaterThan(0);
    });
  });

  // Speed is measured by the demo and benchmarks, never asserted in a unit test.
  it('scales to the demo size: 6,000 interactions, each exactly once', () => {
    const big = generateSyntheticDay({ seed: 7, interactions: 6_000, dayStartMs: DAY_START });
    expect(big.expected.interactions).toBe(6_000);
    const tasks = new Set(big.deliveries.filter((d) => d.kind === 'task').map((d) => (d.body as { taskId: string }).taskId));
    expect(tasks.size).toBe(6_000);
  });
});

describe('shuffleDeliveries', () => {
  it('is a deterministic local permutation that leaves the input alone', () => {
    const input = day.deliveries.slice(0, 2_000);
    const copy = [...input];
    const a = shuffleDeliveries(input, 9, 20);
    const b = shuffleDeliveries(input, 9, 20);
    expect(input).toEqual(copy);
    expect(a).toEqual(b);
    expect(a).not.toEqual(input);
    expect(new Set(a)).toEqual(new Set(input));
    expect(a).toHaveLength(input.length);
    const position = new Map(input.map((d, i) => [d, i]));
    let moved = 0;
    a.forEach((d, i) => {
      const from = position.get(d) as number;
      expect(Math.abs(from - i)).toBeLessThan(20);
      if (from !== i) moved++;
    });
    expect(moved).toBeGreaterThan(input.length / 2);
    expect(shuffleDeliveries(input, 10, 20)).not.toEqual(a);
    expect(shuffleDeliveries(input, 9, 1)).toEqual(input);
  });
});
