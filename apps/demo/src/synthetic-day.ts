/**
 * A synthetic contact-center day: Cisco CCE Digital Routing task events and Webex Connect
 * flow events, shaped exactly like the bodies the receiver accepts (packages/contracts).
 *
 * Pure and deterministic: a seeded PRNG, no I/O, no clock. The same options always give
 * the same deliveries, byte for byte. `expected` is counted from what was generated.
 *
 * What a day holds (seeds 000, 002, 003):
 * - per interaction an inbound self-service flow (SMS / Live Chat / Email / WhatsApp /
 *   Facebook inbound flows, 'IVR Main Menu' for voice) that starts before the task's CREATED;
 * - the task lifecycle CREATED → QUEUED (first EWT -1, later EWT updates) → ROUTED → CLOSED,
 *   with RONA, agent logout, agent transfer, abandon in queue, system closes, chat turned
 *   into a web callback, interactions still open at the end of the day;
 * - per task event of a digital channel the webhook-triggered flow ('CREATED Flow', ...);
 * - flows that stand alone: customers abandoning in the menu, flow errors, flows still
 *   running at the end of the day, an hourly scheduled flow;
 * - delivery noise: ~3% verbatim re-sends, batches, steps before their execution.started,
 *   a CLOSED delivered before its ROUTED.
 */

export interface Delivery {
  kind: 'task' | 'flow';
  /** path relative to /v1/hooks/{tenant}: 'tasks/created' | 'tasks/queued' | ... | 'tasks' (type in body eventType) | 'flows/events' */
  path: string;
  /** JSON body: one task event object, or for flows one event object or an array (batch, <= 500) */
  body: unknown;
  /** true when this delivery is a deliberate re-send of an earlier one (same eventId) */
  duplicate: boolean;
  /** ms offset within the day when it is "sent" (for ordering); the driver may shuffle */
  offsetMs: number;
}

export interface SyntheticDay {
  deliveries: Delivery[];
  /** what the generator intended, so the demo can print and tests can check */
  expected: {
    interactions: number;
    byChannel: Record<string, number>;
    byFinalStatus: Record<'new' | 'queued' | 'active' | 'closed', number>;
    flowExecutions: number;
    activeFlowExecutions: number;
    cardNumbersTyped: number;
    uniqueEvents: number; // distinct event ids across all deliveries
  };
}

export interface SyntheticDayOptions {
  seed: number;
  /** number of CCE tasks (distinct taskIds); a chat turned into a web callback counts as two */
  interactions: number;
  /** start of the 24 h window; every timestamp falls in [dayStartMs, dayStartMs + 24h) */
  dayStartMs: number;
  /** tenant's offset from UTC in minutes (e.g. -300 for US Eastern); shapes the intraday peaks */
  tenantTimeZoneOffsetMinutes?: number;
}

// ---------------------------------------------------------------------------------------------
// JSON, time and randomness
// ---------------------------------------------------------------------------------------------

type Json = string | number | boolean | null | Json[] | JsonObject;
interface JsonObject {
  [key: string]: Json;
}

// Built-ins held in module scope: global lookups are slow inside vm contexts (jest), and this runs hot.
const { floor, imul, log, max, min, round, trunc } = Math;
const fromCharCode = String.fromCharCode;
const assign = Object.assign;

const SEC = 1000;
const MIN = 60 * SEC;
const HOUR = 60 * MIN;
const DAY_MS = 24 * HOUR;

/** Small fast PRNG (sfc32) seeded through splitmix32. */
class Rng {
  private a: number;
  private b: number;
  private c: number;
  private d: number;

  constructor(seed: number) {
    let s = (trunc(Number.isFinite(seed) ? seed : 0) ^ 0x2545f491) >>> 0;
    const splitmix = () => {
      s = (s + 0x9e3779b9) >>> 0;
      let z = s;
      z = imul(z ^ (z >>> 16), 0x85ebca6b);
      z = imul(z ^ (z >>> 13), 0xc2b2ae35);
      return (z ^ (z >>> 16)) >>> 0;
    };
    this.a = splitmix();
    this.b = splitmix();
    this.c = splitmix();
    this.d = splitmix();
    for (let i = 0; i < 16; i++) this.u32();
  }

  u32(): number {
    const t = (((this.a + this.b) | 0) + this.d) | 0;
    this.d = (this.d + 1) | 0;
    this.a = this.b ^ (this.b >>> 9);
    this.b = (this.c + (this.c << 3)) | 0;
    this.c = (this.c << 21) | (this.c >>> 11);
    this.c = (this.c + t) | 0;
    return t >>> 0;
  }
  /** [0, 1) */
  next(): number {
    return this.u32() / 4294967296;
  }
  /** integer in [lo, hi] */
  int(lo: number, hi: number): number {
    return lo + floor(this.next() * (hi - lo + 1));
  }
  chance(p: number): boolean {
    return this.next() < p;
  }
  pick<T>(items: readonly T[]): T {
    return items[floor(this.next() * items.length)] as T;
  }
  weighted<T>(items: readonly (readonly [T, number])[]): T {
    let total = 0;
    for (const [, w] of items) total += w;
    let r = this.next() * total;
    for (const [v, w] of items) {
      r -= w;
      if (r < 0) return v;
    }
    return (items[items.length - 1] as readonly [T, number])[0];
  }
  /** exponential with the given mean, rounded to whole ms */
  expo(mean: number): number {
    return round(-log(1 - this.next()) * mean);
  }
}

const HEX_CODES = [48, 49, 50, 51, 52, 53, 54, 55, 56, 57, 97, 98, 99, 100, 101, 102];
const DASH = 45;

/**
 * `prefix` then hex groups joined by dashes. Never more than six decimal digits in a row
 * (dashes included), so no id can look like a payment card number (13+ digits) to the masker.
 * Built from char codes in one go: a flat string, cheap to hash and serialize.
 */
function hexId(rng: Rng, groups: readonly number[], prefix = ''): string {
  let total = prefix.length + groups.length - 1;
  for (const g of groups) total += g;
  let codes = SCRATCH.get(total);
  if (!codes) {
    codes = new Array<number>(total).fill(0);
    SCRATCH.set(total, codes);
  }
  let k = 0;
  for (; k < prefix.length; k++) codes[k] = prefix.charCodeAt(k);
  let run = 0;
  let bits = 0;
  let left = 0;
  for (let g = 0; g < groups.length; g++) {
    if (g > 0) codes[k++] = DASH;
    const len = groups[g] as number;
    for (let i = 0; i < len; i++) {
      if (left === 0) {
        bits = rng.u32();
        left = 8;
      }
      let n = bits & 15;
      bits >>>= 4;
      left--;
      if (n < 10 && run >= 6) n = 10 + (n % 6);
      run = n < 10 ? run + 1 : 0;
      codes[k++] = HEX_CODES[n] as number;
    }
  }
  return fromCharCode.apply(null, codes);
}
/** reusable char-code buffers by id length (the generator is synchronous) */
const SCRATCH = new Map<number, number[]>();

const UUID_GROUPS = [8, 4, 4, 4, 12] as const;
const uuid = (rng: Rng, prefix = '') => hexId(rng, UUID_GROUPS, prefix);

/**
 * ISO-8601 UTC with milliseconds, as one flat string. Caches the date part (a day spans at
 * most two UTC dates); much cheaper than Date#toISOString for hundreds of thousands of stamps.
 */
function isoFormatter(): (ms: number) => string {
  const buf: number[] = new Array<number>(24).fill(48);
  let cachedDay = Number.NaN;
  return (ms: number) => {
    const day = floor(ms / DAY_MS);
    if (day !== cachedDay) {
      cachedDay = day;
      const date = new Date(day * DAY_MS).toISOString();
      for (let i = 0; i < 11; i++) buf[i] = date.charCodeAt(i);
    }
    let r = ms - day * DAY_MS;
    const h = floor(r / HOUR);
    r -= h * HOUR;
    const m = floor(r / MIN);
    r -= m * MIN;
    const s = floor(r / SEC);
    r -= s * SEC;
    buf[11] = 48 + floor(h / 10);
    buf[12] = 48 + (h % 10);
    buf[13] = 58;
    buf[14] = 48 + floor(m / 10);
    buf[15] = 48 + (m % 10);
    buf[16] = 58;
    buf[17] = 48 + floor(s / 10);
    buf[18] = 48 + (s % 10);
    buf[19] = 46;
    buf[20] = 48 + floor(r / 100);
    buf[21] = 48 + (floor(r / 10) % 10);
    buf[22] = 48 + (r % 10);
    buf[23] = 90;
    return fromCharCode.apply(null, buf);
  };
}

/** Contacts per local hour of day: quiet night, peaks 9-11 and 14-16. */
const HOURLY_WEIGHT = [
  0.05, 0.04, 0.03, 0.03, 0.04, 0.08, 0.2, 0.45, 0.95, 1.65, 1.85, 1.6, 1.1, 1.15, 1.65, 1.8, 1.5, 1.0, 0.6, 0.42, 0.3, 0.2, 0.12, 0.08,
];
const BIN_MS = 5 * MIN;
const BINS = DAY_MS / BIN_MS;

/** Samples instants of the day window following HOURLY_WEIGHT in the tenant's local time. */
class IntradaySampler {
  private readonly cdf = new Float64Array(BINS);

  constructor(
    private readonly dayStart: number,
    tzOffsetMin: number,
  ) {
    let total = 0;
    for (let i = 0; i < BINS; i++) {
      const local = dayStart + (i + 0.5) * BIN_MS + tzOffsetMin * MIN;
      const hourFloat = ((((local % DAY_MS) + DAY_MS) % DAY_MS) / HOUR) - 0.5;
      const h0 = floor(hourFloat);
      const frac = hourFloat - h0;
      const w0 = HOURLY_WEIGHT[(h0 + 24) % 24] as number;
      const w1 = HOURLY_WEIGHT[(h0 + 25) % 24] as number;
      total += w0 + (w1 - w0) * frac;
      this.cdf[i] = total;
    }
    for (let i = 0; i < BINS; i++) this.cdf[i] = (this.cdf[i] as number) / total;
  }

  sample(rng: Rng): number {
    const u = rng.next();
    let lo = 0;
    let hi = BINS - 1;
    while (lo < hi) {
      const mid = (lo + hi) >> 1;
      if ((this.cdf[mid] as number) < u) lo = mid + 1;
      else hi = mid;
    }
    return this.dayStart + lo * BIN_MS + rng.int(0, BIN_MS - 1);
  }
}

// ---------------------------------------------------------------------------------------------
// Reference data
// ---------------------------------------------------------------------------------------------

type Channel = 'sms' | 'chat' | 'email' | 'webcallback' | 'voice' | 'facebook' | 'whatsapp';
type TaskType = 'CREATED' | 'QUEUED' | 'ROUTED' | 'TRANSFERRED' | 'CLOSED';
type Intent = 'sales' | 'support' | 'billing' | 'tech' | 'retention';
type QueueKey = Intent | 'spanish' | 'vip' | 'email' | 'callbacks';
type Status = 'new' | 'queued' | 'active' | 'closed';

const CHANNELS: readonly Channel[] = ['chat', 'voice', 'sms', 'email', 'whatsapp', 'facebook', 'webcallback'];
const TEXT_CHANNELS = new Set<Channel>(['sms', 'chat', 'email', 'whatsapp', 'facebook']);
const RANK: Record<TaskType, number> = { CREATED: 0, QUEUED: 1, ROUTED: 2, TRANSFERRED: 3, CLOSED: 4 };

/** Channel mix of new contacts (web callbacks only come from chats, see media switch). */
const CHANNEL_MIX: readonly (readonly [Channel, number])[] = [
  ['chat', 30],
  ['voice', 28],
  ['sms', 12],
  ['email', 11],
  ['whatsapp', 11],
  ['facebook', 8],
];
const OPEN_CHANNEL_MIX: readonly (readonly [Channel, number])[] = [
  ['email', 30],
  ['chat', 20],
  ['sms', 15],
  ['whatsapp', 15],
  ['facebook', 10],
  ['voice', 10],
];

interface Queue {
  id: string;
  name: string;
}
const QUEUES: Record<QueueKey, Queue> = {
  sales: { id: '5001', name: 'Sales' },
  support: { id: '5002', name: 'Support' },
  billing: { id: '5003', name: 'Billing' },
  tech: { id: '5004', name: 'Tech Support' },
  spanish: { id: '5005', name: 'Spanish' },
  vip: { id: '5006', name: 'VIP' },
  retention: { id: '5007', name: 'Retention' },
  email: { id: '5008', name: 'Email Care' },
  callbacks: { id: '5009', name: 'Web Callbacks' },
};
const QUEUE_KEYS = Object.keys(QUEUES) as QueueKey[];

const INTENT_MIX: readonly (readonly [Intent, number])[] = [
  ['support', 30],
  ['billing', 25],
  ['tech', 20],
  ['sales', 18],
  ['retention', 7],
];
const IVR_OPTION: Record<Intent, string> = { sales: '1', support: '2', billing: '3', tech: '4', retention: '5' };
const CATEGORY: Record<Intent, readonly [string, readonly string[]]> = {
  sales: ['Sales', ['New service', 'Upgrade', 'Promotions']],
  support: ['Support', ['Order status', 'Account access', 'Address change']],
  billing: ['Billing', ['Payment', 'Invoice', 'Refund', 'Autopay']],
  tech: ['Technical', ['Connectivity', 'Device', 'App']],
  retention: ['Retention', ['Cancellation', 'Offer']],
};

const AGENT_NAMES = [
  'Alice Carter', 'Ben Okafor', 'Chloe Nguyen', 'Daniel Reyes', 'Emma Schultz', 'Farid Haddad', 'Grace Kim', 'Hector Alvarez',
  'Irene Rossi', 'Jamal Wright', 'Keiko Tanaka', 'Liam Murphy', 'Maya Patel', 'Nora Lindqvist', 'Oscar Diaz', 'Priya Raman',
  'Quinn Foster', 'Rosa Morales', 'Samuel Adeyemi', 'Tara Walsh', 'Umar Siddiqui', 'Valeria Cruz', 'Wen Li', 'Xavier Dubois',
  'Yara Haddad', 'Zoe Bennett', 'Andre Silva', 'Bianca Costa', 'Caleb Young', 'Diana Popescu',
];
interface Agent {
  id: string;
  name: string;
}
const AGENTS: readonly Agent[] = AGENT_NAMES.map((name, i) => ({ id: String(1001 + i), name }));
/** Each agent serves three queues; every queue gets ten agents. */
const QUEUE_AGENTS: Record<QueueKey, Agent[]> = Object.fromEntries(QUEUE_KEYS.map((k) => [k, [] as Agent[]])) as Record<QueueKey, Agent[]>;
AGENTS.forEach((agent, i) => {
  for (const step of [0, 3, 6]) QUEUE_AGENTS[QUEUE_KEYS[(i + step) % QUEUE_KEYS.length] as QueueKey].push(agent);
});

const FIRST_NAMES = [
  'James', 'Mary', 'Robert', 'Patricia', 'John', 'Jennifer', 'Michael', 'Linda', 'David', 'Elizabeth', 'William', 'Barbara',
  'Richard', 'Susan', 'Joseph', 'Jessica', 'Thomas', 'Sarah', 'Wei', 'Mei', 'Raj', 'Priya', 'Ahmed', 'Fatima', 'Kenji', 'Yuki',
  'Olga', 'Ivan', 'Chloe', 'Liam', 'Noah', 'Emma', 'Ava', 'Lucas',
];
const LAST_NAMES = [
  'Smith', 'Johnson', 'Williams', 'Brown', 'Jones', 'Miller', 'Davis', 'Wilson', 'Anderson', 'Thomas', 'Taylor', 'Moore',
  'Jackson', 'Martin', 'Lee', 'Thompson', 'White', 'Harris', 'Clark', 'Lewis', 'Robinson', 'Walker', 'Young', 'Allen', 'King',
  'Wright', 'Scott', 'Nguyen', 'Hill', 'Patel',
];
const SPANISH_FIRST = ['Carlos', 'Maria', 'Luis', 'Ana', 'Jose', 'Sofia', 'Diego', 'Lucia', 'Javier', 'Carmen'];
const SPANISH_LAST = ['Garcia', 'Rodriguez', 'Martinez', 'Hernandez', 'Lopez', 'Gonzalez', 'Perez', 'Sanchez', 'Ramirez', 'Torres', 'Flores'];
const AREA_CODES = ['415', '212', '312', '646', '713', '305', '206', '617', '404', '303', '512', '602'];
const EMAIL_DOMAINS = ['example.com', 'mail.example', 'example.org', 'inbox.example.net'];

const FIRST_MESSAGES: Record<Intent, readonly string[]> = {
  sales: ["Hi, I'd like to know more about your fiber plans", 'Do you have any promotions for new customers?', 'I want to add a second line to my account'],
  support: ["My order hasn't arrived yet", 'I need help resetting my password', 'How do I update my shipping address?'],
  billing: ['I was charged twice this month', 'Why is my bill higher than usual?', 'I want to set up autopay'],
  tech: ['My internet keeps dropping every few minutes', 'The app crashes when I log in', 'My router shows a red light'],
  retention: ['I want to cancel my subscription', 'Thinking about switching providers, any offers?'],
};
const SPANISH_MESSAGES = ['Hola, necesito ayuda con mi factura', 'Mi internet no funciona desde ayer', 'Quiero cambiar mi plan'];
const EMAIL_SUBJECTS: Record<Intent, readonly string[]> = {
  sales: ['Question about plans', 'Upgrade options'],
  support: ['Order not delivered', 'Cannot log in to my account'],
  billing: ['Double charge on my bill', 'Refund request'],
  tech: ['Internet outage', 'Router not working'],
  retention: ['Cancel my service'],
};

/** Luhn-valid test card numbers customers type by mistake, as typed. */
const TYPED_CARDS_TEXT = ['4111 1111 1111 1111', '4111-1111-1111-1111', '5500 0055 5555 5559', '5500005555555559', '3782 822463 10005', '6011-1111-1111-1117', '4012 8888 8888 1881'];
const TYPED_CARDS_DIGITS = ['4111111111111111', '5500005555555559', '4012888888881881', '5555555555554444', '378282246310005'];

interface ChannelInfo {
  label: string;
  commType: 'Messaging' | 'Email' | 'Phone';
  inboundFlow: string;
  entryPoint: string;
  /** asset AppIDs, service numbers or WABA numbers customers contact */
  destinations: readonly string[];
}
const CHANNEL_INFO: Record<Channel, ChannelInfo> = {
  sms: { label: 'SMS', commType: 'Messaging', inboundFlow: 'SMS Inbound Flow', entryPoint: 'SMS Support Number', destinations: ['+18005550101', '+18005550102'] },
  chat: { label: 'Chat', commType: 'Messaging', inboundFlow: 'Live Chat Inbound Flow', entryPoint: 'Website Live Chat', destinations: ['LC7K2QWZAP', 'LCX4MPDRTE'] },
  email: { label: 'Email', commType: 'Email', inboundFlow: 'Email Inbound Flow', entryPoint: 'support@acme.example', destinations: ['EMQZKVAB3D'] },
  webcallback: { label: 'Callback', commType: 'Messaging', inboundFlow: 'Live Chat with WebCallback Flow', entryPoint: 'Website Live Chat', destinations: ['LCX4MPDRTE'] },
  voice: { label: 'Voice', commType: 'Phone', inboundFlow: 'IVR Main Menu', entryPoint: 'Main Support Line', destinations: ['+18885550142', '+18885550143'] },
  facebook: { label: 'FBM', commType: 'Messaging', inboundFlow: 'Facebook Inbound Flow', entryPoint: 'Acme Facebook Page', destinations: ['FBMRTLQWEN'] },
  whatsapp: { label: 'WA', commType: 'Messaging', inboundFlow: 'WhatsApp Inbound Flow', entryPoint: 'WhatsApp Business', destinations: ['18005550199'] },
};
/** The chat asset whose flow offers a web callback while the chat waits in queue. */
const CALLBACK_CHAT_ASSET = 'LCX4MPDRTE';

const ENGAGE = 'https://engage.acme.example/v1';
const DR_API = 'https://dr.cce.acme.example/v1';
const CRM = 'https://crm.acme.example/api';

/** Flows whose version changes at 13:00 local time (a mid-day publish). */
const REPUBLISHED_AT_13: ReadonlySet<string> = new Set(['Live Chat Inbound Flow', 'IVR Main Menu']);
const FLOW_NAMES = [
  'SMS Inbound Flow', 'Live Chat Inbound Flow', 'Live Chat with WebCallback Flow', 'Live Chat Customer Close', 'Email Inbound Flow',
  'WhatsApp Inbound Flow', 'Facebook Inbound Flow', 'IVR Main Menu', 'CREATED Flow', 'QUEUED Flow', 'ROUTED Flow', 'CLOSED Flow',
  'TRANSFERRED Flow', 'WebCallback CLOSED', 'Queue Health Check',
];

const HTTP_ERRORS: Record<number, readonly [string, string]> = {
  400: ['BAD_REQUEST', 'Invalid request payload'],
  401: ['UNAUTHORIZED', 'Access token expired'],
  404: ['NOT_FOUND', 'Resource not found'],
  409: ['CONFLICT', 'Conversation is locked by another request'],
  429: ['RATE_LIMITED', 'Too many requests'],
  500: ['INTERNAL_ERROR', 'Internal server error'],
  502: ['BAD_GATEWAY', 'Bad gateway'],
  503: ['SERVICE_UNAVAILABLE', 'Service temporarily unavailable'],
  504: ['GATEWAY_TIMEOUT', 'Upstream request timed out'],
};
const HTTP_HEADERS: JsonObject = { 'Content-Type': 'application/json', Authorization: '[redacted]' };
/** ids inside a resolved URL (path segments or query values with a digit); the node's settings show the template */
const ID_IN_URL = /(?<=[/=])(?=[^/?&=]*\d)[^/?&=]{4,}/g;
const HTTP_ERROR_STATUSES = [400, 401, 404, 409, 429, 500, 502, 503, 503, 504];

const AGENT_DISPOSITIONS: readonly (readonly [number | string, string])[] = [
  [1, 'Resolved'],
  [1, 'Resolved'],
  [1, 'Resolved'],
  [2, 'Follow-up required'],
  [3, 'Escalated'],
  [4, 'Sale completed'],
  [5, 'Information provided'],
  [6, 'Refund issued'],
  ['WRAP_NO_ANSWER', 'Customer unresponsive'],
];

// ---------------------------------------------------------------------------------------------
// Generator state
// ---------------------------------------------------------------------------------------------

interface Customer {
  name: string;
  phone: string;
  email: string;
  chatUserId: string;
  psid: string;
  account: string;
  tier: 'standard' | 'silver' | 'gold' | 'platinum';
  lang: 'en-US' | 'es-US';
  contacts: number;
}

interface Task {
  id: string;
  channel: Channel;
  customer: Customer;
  intent: Intent;
  queueKey: QueueKey;
  origin: string;
  destination: string;
  customerName: string | null;
  scriptSelector: string;
  conversationId: string;
  variables: JsonObject;
  /** digital channels trigger the CCE webhook flows; voice does not */
  webhooks: boolean;
  closedFlow: string;
}

interface TaskItem {
  taskId: string;
  channel: Channel;
  type: TaskType;
  path: string;
  body: JsonObject;
  at: number;
  sendAt: number;
  /** deliver after this item (a CLOSED overtaking its ROUTED) */
  sendAfter: TaskItem | null;
}

interface FlowEvt {
  body: JsonObject;
  at: number;
  startedAt?: number;
  endedAt?: number;
}

interface FlowExec {
  id: string;
  def: FlowDef;
  events: FlowEvt[];
  ended: boolean;
  /** deliver execution.started only after some of its steps */
  lateStart: boolean;
}

interface Scope {
  tasks: TaskItem[];
  execs: FlowExec[];
}

interface FlowDef {
  name: string;
  flowId: string;
  versions: readonly { versionId: string; version: string | number }[];
  nodes: Map<string, string>;
  /** node configuration: constant per node, so shared by every step that ran the node */
  settings: Map<string, JsonObject>;
}

interface StepOptions {
  result?: string;
  settings?: JsonObject;
  /** flow variables the step changes */
  set?: JsonObject;
  /** values only this step's valuesAfter shows (e.g. raw input that the flow then masks) */
  captured?: JsonObject;
  http?: { method: string; url: string; status: number; error?: JsonObject };
  gap?: number;
}

type Scenario =
  | 'normal'
  | 'ewt_updates'
  | 'abandon_queue'
  | 'system_queue_fail'
  | 'system_routing_fail'
  | 'rona'
  | 'agent_logout'
  | 'agent_transfer'
  | 'media_switch'
  | 'closed_before_routed'
  | 'open_queued'
  | 'open_active'
  | 'created_only';

/** Share of scenario draws; media_switch yields two tasks (chat + web callback). */
const SCENARIO_MIX: readonly (readonly [Scenario, number])[] = [
  ['normal', 64.5],
  ['ewt_updates', 8],
  ['abandon_queue', 5],
  ['system_queue_fail', 1.5],
  ['system_routing_fail', 1],
  ['rona', 3],
  ['agent_logout', 1.5],
  ['agent_transfer', 4],
  ['media_switch', 2.5],
  ['closed_before_routed', 2.5],
  ['open_queued', 2],
  ['open_active', 2.5],
  ['created_only', 2],
];

const DUPLICATE_RATE = 0.03;
const STUCK_WEBHOOK_FLOW_RATE = 0.012;
const CARD_RATE = 0.008;
const HTTP_ERROR_RATE = 0.04;
const MAX_POOLED_BATCH = 100;

class ExecBuilder {
  readonly exec: FlowExec;
  t: number;
  private seq = 0;
  private readonly taskId: string | null;

  constructor(
    private readonly g: Generator,
    private readonly def: FlowDef,
    start: number,
    info: {
      taskId?: string;
      from?: string;
      to?: string;
      entryPoint: string;
      channel?: string;
      trigger: 'event' | 'schedule';
      data: JsonObject;
      category?: readonly [string, string];
    },
    private vars: JsonObject,
  ) {
    this.taskId = info.taskId ?? null;
    this.exec = { id: uuid(g.rng), def, events: [], ended: false, lateStart: false };
    g.scope.execs.push(this.exec);
    const body: JsonObject = { type: 'execution.started', executionId: this.exec.id, eventId: g.eventId('wxc'), timestamp: '' };
    if (this.taskId) body.taskId = this.taskId;
    body.flowId = def.flowId;
    body.flowName = def.name;
    body.flowVersionId = ''; // set at commit, once the execution's final start time is known
    body.version = '';
    body.tag = 'Live';
    body.entryPoint = info.entryPoint;
    if (info.from) body.from = info.from;
    if (info.to) body.to = info.to;
    if (info.channel) body.channel = info.channel;
    body.trigger = info.trigger;
    if (info.category) {
      body.variablesCategory = info.category[0];
      body.variablesSubCategory = info.category[1];
    }
    body.data = info.data;
    body.startedAt = '';
    this.exec.events.push({ body, at: start, startedAt: start });
    this.t = start;
  }

  step(stepType: string, name: string, durMs: number, o: StepOptions = {}): number {
    const g = this.g;
    const start = this.t + (o.gap ?? g.rng.int(2, 40));
    const end = start + max(1, round(durMs));
    // Snapshots are never mutated, so consecutive steps share them (valuesAfter of one is valuesBefore of the next).
    const before = this.vars;
    if (o.set) this.vars = { ...this.vars, ...o.set };
    const body: JsonObject = { type: 'step.executed', executionId: this.exec.id, eventId: g.eventId('wxc'), timestamp: '' };
    if (this.taskId) body.taskId = this.taskId;
    body.seq = ++this.seq;
    body.nodeId = this.nodeId(name);
    body.stepType = stepType;
    body.name = name;
    body.startedAt = '';
    body.endedAt = '';
    if (o.result !== undefined) body.result = o.result;
    if (o.http) {
      body.httpMethod = o.http.method;
      body.url = o.http.url;
      body.httpStatus = o.http.status;
      if (o.http.error) body.error = o.http.error;
    }
    if (o.settings) {
      let settings = this.def.settings.get(name);
      if (!settings) {
        settings = o.settings;
        this.def.settings.set(name, settings);
      }
      body.settings = settings;
    }
    body.valuesBefore = before;
    body.valuesAfter = o.captured ? { ...this.vars, ...o.captured } : this.vars;
    this.exec.events.push({ body, at: end, startedAt: start, endedAt: end });
    this.t = end;
    return end;
  }

  /** An HTTP Request node; a failed call (4xx/5xx) is retried once and then succeeds, unless `fail`. */
  http(name: string, method: string, url: string, o: { ok?: number; result?: string; set?: JsonObject; errorRate?: number; fail?: number } = {}): number {
    const g = this.g;
    const settings = (): JsonObject => this.def.settings.get(name) ?? { method, url: url.replace(ID_IN_URL, '{id}'), headers: HTTP_HEADERS, timeoutMs: 10_000, retries: 1 };
    const failWith = (status: number) => {
      const [code, message] = HTTP_ERRORS[status] ?? ['HTTP_ERROR', 'Request failed'];
      const error: JsonObject = { code: g.rng.chance(0.3) ? status : code, message };
      const dur = status === 504 ? g.rng.int(9_000, 10_000) : g.rng.int(60, 1_500);
      this.step('http_request', name, dur, { result: 'error', http: { method, url, status, error }, settings: settings() });
    };
    if (o.fail !== undefined) {
      failWith(o.fail);
      return this.t;
    }
    if (g.rng.chance(o.errorRate ?? HTTP_ERROR_RATE)) {
      failWith(g.rng.pick(HTTP_ERROR_STATUSES));
      this.t += g.rng.int(200, 2_000); // back-off before the retry
    }
    const step: StepOptions = { result: o.result ?? 'success', http: { method, url, status: o.ok ?? 200 }, settings: settings() };
    if (o.set) step.set = o.set;
    return this.step('http_request', name, g.rng.int(70, 900), step);
  }

  end(endReason: 'completed' | 'abandoned' | 'error' | 'timeout', actionData: Json): number {
    const g = this.g;
    const at = this.t + g.rng.int(1, 60);
    const body: JsonObject = { type: 'execution.ended', executionId: this.exec.id, eventId: g.eventId('wxc'), timestamp: '' };
    if (this.taskId) body.taskId = this.taskId;
    body.endedAt = '';
    body.endReason = endReason;
    body.actionData = actionData;
    this.exec.events.push({ body, at, endedAt: at });
    this.exec.ended = true;
    this.t = at;
    return at;
  }

  private nodeId(name: string): string {
    let id = this.def.nodes.get(name);
    if (!id) {
      id = `node-${hexId(this.g.rng, [6])}`;
      this.def.nodes.set(name, id);
    }
    return id;
  }
}

class Generator {
  readonly rng: Rng;
  readonly dayStart: number;
  readonly dayEnd: number;
  readonly tzMin: number;
  private readonly sampler: IntradaySampler;
  private readonly iso = isoFormatter();
  private readonly flows = new Map<string, FlowDef>();
  /** instant of the window at which local time is 13:00 (mid-day flow publish) */
  private readonly republishAt: number;
  private readonly customers: Customer[] = [];
  private readonly phones = new Set<string>();

  scope: Scope = { tasks: [], execs: [] };
  readonly taskItems: TaskItem[] = [];
  readonly execs: FlowExec[] = [];
  readonly statusByTask = new Map<string, { channel: Channel; status: Status }>();
  cardNumbersTyped = 0;
  /** force each seed case at least once (days of 40+ interactions) */
  guaranteeCases = false;
  private readonly cardKinds = new Set<'text' | 'voice'>();

  constructor(opts: SyntheticDayOptions) {
    this.rng = new Rng(opts.seed);
    this.dayStart = round(opts.dayStartMs);
    this.dayEnd = this.dayStart + DAY_MS;
    this.tzMin = opts.tenantTimeZoneOffsetMinutes ?? 0;
    this.sampler = new IntradaySampler(this.dayStart, this.tzMin);
    this.republishAt = this.atLocalTime(13 * HOUR);
    for (const name of FLOW_NAMES) {
      const major = this.rng.int(2, 24);
      const versions = [{ versionId: uuid(this.rng), version: this.rng.chance(0.5) ? major : `v${major}` }];
      if (REPUBLISHED_AT_13.has(name)) versions.push({ versionId: uuid(this.rng), version: typeof versions[0]?.version === 'number' ? major + 1 : `v${major + 1}` });
      this.flows.set(name, { name, flowId: uuid(this.rng), versions, nodes: new Map(), settings: new Map() });
    }
  }

  /** First instant in the window whose local time of day is `localMsOfDay`. */
  atLocalTime(localMsOfDay: number): number {
    const localStart = (((this.dayStart + this.tzMin * MIN) % DAY_MS) + DAY_MS) % DAY_MS;
    return this.dayStart + ((((localMsOfDay - localStart) % DAY_MS) + DAY_MS) % DAY_MS);
  }

  eventId(prefix: string): string {
    return uuid(this.rng, `${prefix}-`);
  }

  flow(name: string): FlowDef {
    const def = this.flows.get(name);
    if (!def) throw new Error(`unknown flow ${name}`);
    return def;
  }

  flowVersion(def: FlowDef, at: number) {
    const [first, second] = def.versions;
    return (second && at >= this.republishAt ? second : first) as { versionId: string; version: string | number };
  }

  // ----- customers and tasks ------------------------------------------------------------------

  pickCustomer(): Customer {
    const rng = this.rng;
    // Returning customers are drawn with a skew, so a few contact many times a day.
    if (this.customers.length > 10 && rng.chance(0.32)) {
      const c = this.customers[floor(this.customers.length * rng.next() * rng.next())] as Customer;
      c.contacts++;
      return c;
    }
    const lang = rng.chance(0.1) ? 'es-US' : 'en-US';
    const first = rng.pick(lang === 'es-US' ? SPANISH_FIRST : FIRST_NAMES);
    const last = rng.pick(lang === 'es-US' ? SPANISH_LAST : LAST_NAMES);
    let phone: string;
    do phone = `+1${rng.pick(AREA_CODES)}555${String(rng.int(0, 9999)).padStart(4, '0')}`;
    while (this.phones.has(phone));
    this.phones.add(phone);
    const c: Customer = {
      name: `${first} ${last}`,
      phone,
      email: `${first}.${last}${rng.int(1, 99)}@${rng.pick(EMAIL_DOMAINS)}`.toLowerCase(),
      chatUserId: `lcu-${hexId(rng, [12])}`,
      // Real Messenger PSIDs are 16-17 digit numbers and would look like card numbers; keep them alphanumeric here.
      psid: `psid-${hexId(rng, [16])}`,
      account: `ACC-${String(rng.int(10_000_000, 99_999_999))}`,
      tier: rng.weighted([['standard', 60], ['silver', 22], ['gold', 14], ['platinum', 4]] as const),
      lang,
      contacts: 1,
    };
    this.customers.push(c);
    return c;
  }

  pickChannel(scenario: Scenario): Channel {
    // Open at the end of the day: mostly asynchronous channels, where a task can wait or stay with an agent for hours.
    if (scenario === 'open_queued' || scenario === 'open_active') return this.rng.weighted(OPEN_CHANNEL_MIX);
    for (;;) {
      const ch = this.rng.weighted(CHANNEL_MIX);
      if (scenario === 'abandon_queue' && ch === 'email') continue; // nobody abandons an email
      return ch;
    }
  }

  /** How long before the end of the day the last event of a still-open task happened. */
  openGap(channel: Channel): number {
    const rng = this.rng;
    if (channel === 'voice' || channel === 'chat') return rng.int(5 * SEC, 30 * MIN);
    return min(10 * HOUR, MIN + rng.expo(150 * MIN));
  }

  newTask(channel: Channel, customer: Customer, opts: { destination?: string; intent?: Intent; conversationId?: string } = {}): Task {
    const rng = this.rng;
    const info = CHANNEL_INFO[channel];
    const intent = opts.intent ?? rng.weighted(INTENT_MIX);
    const queueKey: QueueKey =
      channel === 'webcallback'
        ? 'callbacks'
        : customer.lang === 'es-US' && channel !== 'email'
          ? 'spanish'
          : customer.tier === 'platinum'
            ? 'vip'
            : channel === 'email' && rng.chance(0.5)
              ? 'email'
              : intent;
    const origin =
      channel === 'email'
        ? customer.email
        : channel === 'chat'
          ? customer.chatUserId
          : channel === 'facebook'
            ? customer.psid
            : channel === 'whatsapp'
              ? customer.phone.slice(1)
              : customer.phone;
    const destination = opts.destination ?? rng.pick(info.destinations);
    const nameKnown = rng.chance(channel === 'voice' ? 0.6 : 0.88);
    const task: Task = {
      id: uuid(rng),
      channel,
      customer,
      intent,
      queueKey,
      origin,
      destination,
      customerName: nameKnown ? customer.name : null,
      scriptSelector: this.selector(channel, queueKey),
      conversationId: opts.conversationId ?? hexId(rng, [24]),
      variables: {},
      webhooks: channel !== 'voice',
      closedFlow: 'CLOSED Flow',
    };
    const v: JsonObject = {
      cv_1: intent,
      cv_2: customer.account,
      cv_3: customer.lang,
      cv_4: customer.tier,
      user_DR_MediaResourceID: task.conversationId,
    };
    if (task.customerName) v.user_DR_CustomerName = task.customerName;
    if (channel === 'chat') {
      v.ChatThreadID = uuid(rng);
      v.ChatUserID = customer.chatUserId;
    } else if (channel === 'email') {
      v.EmailMessageID = `<${hexId(rng, [16])}@${customer.email.split('@')[1] ?? 'example.com'}>`;
      v.EmailSubject = rng.pick(EMAIL_SUBJECTS[intent]);
      if (rng.chance(0.15)) v.EmailCCRecipients = `billing-team@${rng.pick(EMAIL_DOMAINS)}`;
    }
    task.variables = v;
    return task;
  }

  selector(channel: Channel, queueKey: QueueKey): string {
    const q = QUEUES[queueKey].name.replace(/\s+/g, '');
    return channel === 'voice' ? `CVP_Voice_${q}` : `DR_${CHANNEL_INFO[channel].label}_${q}`;
  }

  pickAgent(queueKey: QueueKey, exclude: readonly Agent[] = []): Agent {
    const pool = QUEUE_AGENTS[queueKey];
    for (let i = 0; i < 20; i++) {
      const a = this.rng.pick(pool);
      if (!exclude.includes(a)) return a;
    }
    return pool.find((a) => !exclude.includes(a)) ?? this.rng.pick(pool);
  }

  maybeCard(channel: Channel): string | null {
    if (channel === 'webcallback') return null;
    // A big enough day always has a card typed on a text channel and one keyed on the phone.
    const kind = channel === 'voice' ? 'voice' : 'text';
    const forced = this.guaranteeCases && !this.cardKinds.has(kind);
    this.cardKinds.add(kind);
    if (!forced && !this.rng.chance(CARD_RATE)) return null;
    return channel === 'voice' ? this.rng.pick(TYPED_CARDS_DIGITS) : this.rng.pick(TYPED_CARDS_TEXT);
  }

  firstText(task: Task, card: string | null): string {
    const rng = this.rng;
    if (card) {
      return rng.pick([
        `I was charged twice on my card ${card}, can you refund one?`,
        `Here is my card number ${card} to pay the balance`,
        `Please update my payment card to ${card} thanks`,
      ]);
    }
    if (task.customer.lang === 'es-US') return rng.pick(SPANISH_MESSAGES);
    const msg = rng.pick(FIRST_MESSAGES[task.intent]);
    return task.channel === 'email' ? `Hello,\n\n${msg}.\n\nRegards,\n${task.customer.name}` : msg;
  }

  // ----- task events ----------------------------------------------------------------------------

  /** Emits one task event (and, for digital channels, the webhook flow it triggers). */
  emit(task: Task, type: TaskType, at: number, extra: JsonObject = {}): { item: TaskItem; flowMark: number | null } {
    const rng = this.rng;
    const body: JsonObject = {};
    let path: string;
    if (rng.chance(0.15)) {
      const r = rng.next();
      body.eventType = r < 0.4 ? type : r < 0.75 ? type.toLowerCase() : type.charAt(0) + type.slice(1).toLowerCase();
      path = 'tasks';
    } else {
      path = `tasks/${type.toLowerCase()}`;
      if (rng.chance(0.1)) body.eventType = type;
    }
    body.eventId = this.eventId('dr');
    body.taskId = task.id;
    body.timestamp = '';
    body.mediaType = task.channel;
    if (type === 'CREATED' && rng.chance(0.5)) body.direction = 'inbound';
    body.destination = task.destination;
    body.origin = task.origin;
    if (task.customerName) body.customerName = task.customerName;
    body.scriptSelector = task.scriptSelector;
    assign(body, extra);
    body.variables = { ...task.variables };
    const item: TaskItem = { taskId: task.id, channel: task.channel, type, path, body, at, sendAt: at, sendAfter: null };
    this.scope.tasks.push(item);
    const flowMark = task.webhooks ? this.webhookFlow(task, type, at, extra) : null;
    return { item, flowMark };
  }

  queueRef(task: Task): JsonObject {
    const q = QUEUES[task.queueKey];
    return { id: q.id, name: q.name };
  }

  agentRef(agent: Agent): JsonObject {
    return { id: agent.id, name: agent.name };
  }

  queueWait(channel: Channel): number {
    const rng = this.rng;
    switch (channel) {
      case 'voice':
        return min(15 * MIN, 5 * SEC + rng.expo(70 * SEC));
      case 'chat':
        return min(20 * MIN, 5 * SEC + rng.expo(90 * SEC));
      case 'email':
        return min(3 * HOUR, 30 * SEC + rng.expo(20 * MIN));
      case 'webcallback':
        return min(20 * MIN, 10 * SEC + rng.expo(2 * MIN));
      default:
        return min(40 * MIN, 10 * SEC + rng.expo(150 * SEC));
    }
  }

  handleTime(channel: Channel): number {
    const rng = this.rng;
    switch (channel) {
      case 'voice':
        return min(60 * MIN, MIN + rng.expo(5 * MIN));
      case 'chat':
        return min(90 * MIN, 2 * MIN + rng.expo(8 * MIN));
      case 'email':
        return min(90 * MIN, 2 * MIN + rng.expo(10 * MIN));
      case 'webcallback':
        return rng.int(3 * SEC, 12 * SEC); // the task closes once the callback is placed
      default:
        return min(2 * HOUR, 3 * MIN + rng.expo(12 * MIN));
    }
  }

  /**
   * QUEUED with EWT -1, then `updates` QUEUED events with positive EWT (seconds) while waiting.
   * Returns when the wait of `waitMs` is over.
   */
  queued(task: Task, at: number, waitMs: number, updates: number): number {
    const rng = this.rng;
    this.emit(task, 'QUEUED', at, { queue: this.queueRef(task), ewt: -1 });
    let estimate = max(15, round((waitMs / SEC) * (0.6 + rng.next() * 0.9)));
    for (let i = 1; i <= updates; i++) {
      const t = at + round((waitMs * i) / (updates + 1)) + rng.int(0, 400);
      const elapsed = round((t - at) / SEC);
      estimate = max(5, round((estimate - elapsed / updates) * (0.8 + rng.next() * 0.4)));
      this.emit(task, 'QUEUED', t, { queue: this.queueRef(task), ewt: estimate });
    }
    return at + waitMs;
  }

  routed(task: Task, at: number, agent: Agent): TaskItem {
    return this.emit(task, 'ROUTED', at, { queue: this.queueRef(task), agent: this.agentRef(agent) }).item;
  }

  /** TRANSFERRED, then the task re-created with the same taskId (by the TRANSFERRED Flow). Returns the re-CREATED time. */
  transferred(task: Task, at: number, reason: 'rona' | 'agent_logout' | 'agent_transfer', agent: Agent): number {
    const { flowMark } = this.emit(task, 'TRANSFERRED', at, { queue: this.queueRef(task), agent: this.agentRef(agent), reason });
    const createdAt = (flowMark ?? at + this.rng.int(600, 3_000)) + this.rng.int(20, 300);
    this.emit(task, 'CREATED', createdAt);
    return createdAt;
  }

  closed(task: Task, at: number, reason: string, opts: { agent?: Agent; queued?: boolean; disposition?: readonly [number | string, string] } = {}): TaskItem {
    const extra: JsonObject = {};
    if (opts.queued !== false) extra.queue = this.queueRef(task);
    if (opts.agent) extra.agent = this.agentRef(opts.agent);
    if (opts.disposition) {
      extra.dispositionCode = opts.disposition[0];
      extra.dispositionName = opts.disposition[1];
    }
    extra.reason = reason;
    return this.emit(task, 'CLOSED', at, extra).item;
  }

  /** The chat window closed by the customer: 'Live Chat Customer Close' ends the task. Returns the CLOSED time. */
  customerCloseChat(task: Task, at: number, inQueue: boolean): number {
    const rng = this.rng;
    const x = new ExecBuilder(
      this,
      this.flow('Live Chat Customer Close'),
      at,
      { taskId: task.id, from: task.origin, to: task.destination, entryPoint: CHANNEL_INFO.chat.entryPoint, channel: 'Messaging', trigger: 'event', data: { event: 'chatWindowClosed', userId: task.customer.chatUserId } },
      { status: inQueue ? 'conversationInQueue' : 'conversationActive', userId: task.customer.chatUserId },
    );
    x.http('Search Conversation', 'GET', `${ENGAGE}/conversations/${task.conversationId}`, { result: inQueue ? 'conversationInQueue' : 'conversationActive' });
    let closeAt: number;
    if (inQueue) {
      closeAt = x.http('CCE End Task', 'POST', `${DR_API}/tasks/${task.id}/end`, { result: 'taskEnded' }) + rng.int(30, 400);
    } else {
      x.http('Append Conversation', 'POST', `${ENGAGE}/conversations/${task.conversationId}/messages`, { ok: 201, result: 'appended' });
      closeAt = x.http('CCE End Task', 'POST', `${DR_API}/tasks/${task.id}/end`, { result: 'taskEnded' }) + rng.int(30, 400);
    }
    x.step('end_flow', 'End', rng.int(1, 5), { result: 'end' });
    x.end('completed', 'end');
    return closeAt;
  }

  // ----- flows ----------------------------------------------------------------------------------

  inboundData(task: Task): JsonObject {
    const c = task.customer;
    const source: JsonObject = {};
    if (task.channel === 'email') source.email = c.email;
    else if (task.channel === 'chat') source.userId = c.chatUserId;
    else if (task.channel === 'facebook') source.psid = c.psid;
    else source.phoneNumber = c.phone;
    if (task.customerName) source.name = task.customerName;
    return {
      sourceDetails: source,
      customer: { name: task.customerName, language: c.lang, tier: c.tier },
      linkedIds: { conversationId: task.conversationId },
      variables: { ScriptSelector: task.scriptSelector, returningCustomer: c.contacts > 1 },
    };
  }

  category(intent: Intent): readonly [string, string] | undefined {
    if (!this.rng.chance(0.4)) return undefined;
    const [cat, subs] = CATEGORY[intent];
    return [cat, this.rng.pick(subs)];
  }

  /**
   * The inbound self-service flow of a task; emits its CREATED when the flow's create-task
   * node completes and returns the CREATED time.
   */
  inbound(task: Task, t0: number, card: string | null): number {
    const rng = this.rng;
    const ch = task.channel;
    const info = CHANNEL_INFO[ch];
    const flowName = ch === 'chat' && task.destination === CALLBACK_CHAT_ASSET ? 'Live Chat with WebCallback Flow' : info.inboundFlow;
    const category = this.category(task.intent);
    const x = new ExecBuilder(
      this,
      this.flow(flowName),
      t0,
      { taskId: task.id, from: task.origin, to: task.destination, entryPoint: info.entryPoint, channel: info.commType, trigger: 'event', data: this.inboundData(task), ...(category ? { category } : {}) },
      ch === 'voice' ? { ani: task.customer.phone, dnis: task.destination, menuChoice: '' } : { conversationId: '', ScriptSelector: '', isPCIValidationDone: false },
    );
    let createdAt: number;
    let text: string | null = null;
    if (ch === 'voice') {
      x.step('play_message', 'Welcome Prompt', rng.int(3_000, 9_000), { result: 'completed', settings: { prompt: 'welcome_$(language).wav', bargeIn: true } });
      x.step('menu', 'Main Menu', rng.int(4_000, 20_000), {
        result: IVR_OPTION[task.intent],
        set: { menuChoice: IVR_OPTION[task.intent] },
        settings: { options: { '1': 'Sales', '2': 'Support', '3': 'Billing', '4': 'Technical', '5': 'Cancel service' }, noInputTimeoutSec: 5, retries: 2 },
      });
      const digitsSettings: JsonObject = { minDigits: 8, maxDigits: 19, terminator: '#', timeoutSec: 10 };
      if (card) {
        // The caller keys a card number at the account prompt: the raw input is in this step only.
        this.cardNumbersTyped++;
        x.step('collect_digits', 'Enter Account Number', rng.int(9_000, 20_000), { result: 'invalidInput', settings: digitsSettings, set: { accountNumber: 'invalid' }, captured: { input: card } });
        x.step('play_message', 'Invalid Account Prompt', rng.int(2_000, 4_000), { result: 'completed', settings: { prompt: 'invalid_account.wav' } });
      }
      x.step('collect_digits', 'Enter Account Number', rng.int(6_000, 16_000), { result: 'success', settings: digitsSettings, set: { accountNumber: task.customer.account.slice(4) } });
      const lookup404 = rng.chance(0.06);
      if (lookup404) x.http('CRM Lookup', 'GET', `${CRM}/customers?account=${task.customer.account}`, { fail: 404 });
      else x.http('CRM Lookup', 'GET', `${CRM}/customers?account=${task.customer.account}`, { result: 'found', set: { customerFound: true } });
      x.step('evaluate', 'Set Call Variables', rng.int(3, 25), { result: 'success', set: { ScriptSelector: task.scriptSelector }, settings: { script: 'cv_1 = intent; cv_2 = account; cv_3 = language; cv_4 = tier' } });
      createdAt = x.step('queue_contact', 'Queue to CCE', rng.int(150, 900), { result: 'queued', set: { TaskID: task.id }, settings: { node: 'CCE Create Task', scriptSelector: '$(ScriptSelector)' } });
    } else {
      if (TEXT_CHANNELS.has(ch)) text = this.firstText(task, card);
      if (card) this.cardNumbersTyped++;
      if (ch === 'email') {
        x.step('evaluate', 'Parse Email', rng.int(5, 60), { result: 'success', set: { EmailSubject: task.variables.EmailSubject ?? '', EmailMessageID: task.variables.EmailMessageID ?? '' } });
      } else {
        x.http('Search Conversation', 'GET', `${ENGAGE}/conversations/search?channel=${ch}`, { result: task.customer.contacts > 1 ? 'conversationClosed' : 'noConversationFound' });
      }
      x.http('Create Conversation', 'POST', `${ENGAGE}/conversations`, { ok: 201, result: 'created', set: { conversationId: task.conversationId } });
      if (ch === 'chat') {
        x.step('menu', 'Pre-Chat Form', rng.int(12_000, 90_000), { result: 'submitted', set: { CustomerName: task.customerName ?? '', service: task.intent }, settings: { form: 'prechat-v3', fields: ['name', 'email', 'service'] } });
      } else if (ch !== 'email') {
        x.step('play_message', 'Welcome Message', rng.int(100, 500), { result: 'sent', settings: { message: 'Hi! Thanks for contacting Acme. Reply 1 Sales, 2 Support, 3 Billing, 4 Tech, 5 Cancel.' } });
        if (ch === 'facebook' || ch === 'whatsapp') x.step('play_message', ch === 'facebook' ? 'Carousel Message' : 'Quick Reply Message', rng.int(100, 500), { result: 'sent' });
        x.step('menu', 'Service Menu', rng.int(5_000, 80_000), { result: task.intent, set: { customer_response: IVR_OPTION[task.intent] }, settings: { options: ['sales', 'support', 'billing', 'tech', 'retention'], timeoutSec: 300 } });
      }
      x.step('evaluate', 'PCI Check', rng.int(3, 30), { result: card ? 'nonCompliant' : 'compliant', set: { isPCICompliance: !card, isPCIValidationDone: true } });
      if (card) x.step('play_message', 'PCI Warning', rng.int(100, 500), { result: 'sent', settings: { message: 'For your security, please do not share card numbers here.' } });
      createdAt = x.step('queue_contact', 'CCE Create Task', rng.int(200, 1_200), { result: 'success', set: { ScriptSelector: task.scriptSelector, TaskID: task.id }, settings: { node: 'CCE Create Task', scriptSelector: '$(ScriptSelector)' } });
    }
    createdAt += rng.int(20, 300);
    if (ch !== 'voice') x.http('Update Conversation', 'PUT', `${ENGAGE}/conversations/${task.conversationId}`, { result: 'updated' });
    x.step('end_flow', 'End', rng.int(1, 5), { result: 'end' });
    x.end('completed', 'createInteraction');
    this.emit(task, 'CREATED', createdAt, text ? { text } : {});
    return createdAt;
  }

  /** The CCE webhook flow one task event triggers. For TRANSFERRED returns when it re-created the task. */
  webhookFlow(task: Task, type: TaskType, at: number, extra: JsonObject): number | null {
    const rng = this.rng;
    const name = type === 'CLOSED' ? task.closedFlow : `${type} Flow`;
    const vars: JsonObject = { TaskContextVariables: 'parsed', mediaResourceID: task.conversationId };
    if (task.variables.ChatThreadID) vars.chatThreadID = task.variables.ChatThreadID;
    if (task.variables.LiveChatThreadID) vars.LiveChatThreadID = task.variables.LiveChatThreadID;
    const x = new ExecBuilder(
      this,
      this.flow(name),
      at + rng.int(120, 900),
      { taskId: task.id, from: task.origin, to: task.destination, entryPoint: 'CCE Webhook', channel: 'Task', trigger: 'event', data: { event: type, mediaType: task.channel, taskId: task.id } },
      vars,
    );
    const stuck = rng.chance(STUCK_WEBHOOK_FLOW_RATE);
    let mark: number | null = null;
    const conv = `${ENGAGE}/conversations/${task.conversationId}`;
    const notify = (stepName: string) => x.step('play_message', stepName, rng.int(80, 600), { result: 'sent', settings: { channel: '$(mediaType)', template: stepName } });
    switch (type) {
      case 'CREATED':
        x.step('evaluate', 'Extract Task Context', rng.int(3, 40), { result: 'success', set: { CreatedMessage: 'queued' } });
        notify(task.channel === 'email' ? 'Send Acknowledgement Email' : 'Send Created Message');
        break;
      case 'QUEUED': {
        const ewt = typeof extra.ewt === 'number' ? extra.ewt : -1;
        x.step('evaluate', 'Check EWT', rng.int(3, 30), { result: ewt < 0 ? 'noEWT' : 'ewtReceived', set: { EstimatedWaitTime: ewt } });
        if (ewt >= 0 && task.channel !== 'email') notify('Send EWT Message');
        break;
      }
      case 'ROUTED':
        x.step('evaluate', 'Extract ConversationId', rng.int(3, 30), { result: 'success' });
        x.http('Add Participant', 'POST', `${conv}/participants`, { ok: 201, result: 'participantAdded', set: { AssignedAgentID: (extra.agent as JsonObject | undefined)?.id ?? null } });
        notify('Agent Joining Message');
        break;
      case 'TRANSFERRED':
        x.step('evaluate', 'Extract ConversationId', rng.int(3, 30), { result: 'success' });
        x.http('Remove Participant', 'DELETE', `${conv}/participants/${String((extra.agent as JsonObject | undefined)?.id ?? '')}`, { ok: 204, result: 'participantRemoved' });
        mark = x.step('queue_contact', 'CCE Create Task', rng.int(200, 1_200), { result: 'success', settings: { node: 'CCE Create Task', reuseTaskId: true } });
        notify('Transfer Message');
        break;
      case 'CLOSED':
        if (name === 'WebCallback CLOSED') {
          const requested = typeof extra.reason === 'string' && /call ?back/i.test(extra.reason);
          x.step('evaluate', 'Check Callback State', rng.int(3, 30), { result: requested ? 'callbackRequested' : 'agentFound', set: { IsWebCallbackRequested: requested, WebCallbackAgentFound: !requested } });
          notify('WebCallback Message');
        } else {
          x.step('evaluate', 'Extract Task Context', rng.int(3, 30), { result: 'success', set: { ClosedMessage: 'closed' } });
          x.http('Close Conversation', 'PUT', `${conv}/status`, { result: 'closed' });
          notify('Closed Message');
        }
        break;
    }
    if (stuck) return mark; // execution.ended never arrives: the execution stays active
    x.step('end_flow', 'End', rng.int(1, 5), { result: 'end' });
    x.end('completed', 'end');
    return mark;
  }

  // ----- scenarios ----------------------------------------------------------------------------

  /** Start instant for a contact: intraday shape, or late in the day for contacts left open. */
  startAt(late: boolean): number {
    return late ? this.dayEnd - 12 * HOUR : this.sampler.sample(this.rng);
  }

  scenario(kind: Scenario): void {
    if (kind === 'media_switch') {
      this.mediaSwitch();
      return;
    }
    const rng = this.rng;
    const channel = this.pickChannel(kind);
    const task = this.newTask(channel, this.pickCustomer());
    const late = kind === 'open_queued' || kind === 'open_active';
    let t = this.inbound(task, this.startAt(late), this.maybeCard(channel));

    if (kind === 'created_only') return this.commit(null);
    if (kind === 'system_routing_fail') {
      this.closed(task, t + rng.int(800, 8_000), 'system', { queued: false, disposition: ['ROUTING_FAILED', 'Router could not queue the task (script error)'] });
      return this.commit(null);
    }

    let wait = this.queueWait(channel);
    let updates = wait > 60 * SEC && rng.chance(0.2) ? 1 : 0;
    if (kind === 'ewt_updates') {
      wait = max(wait, 90 * SEC + rng.int(0, 240 * SEC));
      updates = rng.int(2, 4);
    } else if (kind === 'system_queue_fail') {
      wait = rng.int(10 * MIN, 30 * MIN); // maximum time in queue
      updates = rng.int(1, 3);
    }
    t = this.queued(task, t + rng.int(150, 2_500), wait, updates);

    if (kind === 'open_queued') return this.commit(this.dayEnd - this.openGap(channel));
    if (kind === 'abandon_queue') {
      const closeAt = channel === 'chat' ? this.customerCloseChat(task, t, true) : t;
      this.closed(task, closeAt, 'customer');
      return this.commit(null);
    }
    if (kind === 'system_queue_fail') {
      this.closed(task, t, 'system', { disposition: ['MAX_QUEUE_TIME', 'Maximum time in queue exceeded'] });
      return this.commit(null);
    }

    let agent = this.pickAgent(task.queueKey);
    const routedItem = this.routed(task, t, agent);
    if (kind === 'open_active') return this.commit(this.dayEnd - this.openGap(channel));

    if (kind === 'rona' || kind === 'agent_logout' || kind === 'agent_transfer') {
      const tried: Agent[] = [agent];
      const hops = kind === 'rona' && rng.chance(0.15) ? 2 : 1;
      for (let hop = 0; hop < hops; hop++) {
        const before = kind === 'rona' ? rng.int(15 * SEC, 60 * SEC) : round(this.handleTime(channel) * (0.2 + rng.next() * 0.5));
        const reason = kind === 'agent_transfer' ? 'agent_transfer' : kind;
        t = this.transferred(task, t + before, reason, agent);
        if (kind === 'agent_transfer') {
          const next = rng.pick(QUEUE_KEYS.filter((k) => k !== task.queueKey && k !== 'callbacks' && k !== 'email'));
          task.queueKey = next;
          task.scriptSelector = this.selector(channel, next);
          task.variables = { ...task.variables, cv_1: next === 'spanish' || next === 'vip' ? task.intent : next };
        }
        t = this.queued(task, t + rng.int(150, 2_000), this.queueWait(channel), rng.chance(0.3) ? 1 : 0);
        agent = this.pickAgent(task.queueKey, tried);
        tried.push(agent);
        this.routed(task, t, agent);
      }
    }

    t += this.handleTime(channel);
    let closedItem: TaskItem;
    if (channel !== 'email' && rng.chance(0.1)) {
      const closeAt = channel === 'chat' ? this.customerCloseChat(task, t, false) : t;
      closedItem = this.closed(task, closeAt, 'customer', { agent });
    } else {
      closedItem = this.closed(task, t, 'agent', { agent, disposition: rng.pick(AGENT_DISPOSITIONS) });
    }
    if (kind === 'closed_before_routed') routedItem.sendAfter = closedItem;
    this.commit(null);
  }

  /** Chat waits too long, the customer asks for a web callback: chat CLOSED, new webcallback task. */
  mediaSwitch(): void {
    const rng = this.rng;
    const customer = this.pickCustomer();
    const chat = this.newTask('chat', customer, { destination: CALLBACK_CHAT_ASSET });
    chat.closedFlow = 'WebCallback CLOSED';
    const created = this.inbound(chat, this.startAt(false), this.maybeCard('chat'));
    const tq = created + rng.int(150, 2_000);
    this.emit(chat, 'QUEUED', tq, { queue: this.queueRef(chat), ewt: -1 });
    this.emit(chat, 'QUEUED', tq + rng.int(15 * SEC, 45 * SEC), { queue: this.queueRef(chat), ewt: rng.int(120, 900) });

    const cb = this.newTask('webcallback', customer, { destination: chat.destination, intent: chat.intent, conversationId: chat.conversationId });
    cb.closedFlow = 'WebCallback CLOSED';
    cb.customerName = chat.customerName ?? customer.name;
    cb.variables = {
      ...cb.variables,
      user_DR_CustomerName: cb.customerName,
      LiveChatThreadID: chat.variables.ChatThreadID ?? null,
      LiveChatAppID: chat.destination,
      LiveChatUserID: customer.chatUserId,
    };
    const x = new ExecBuilder(
      this,
      this.flow('Live Chat with WebCallback Flow'),
      tq + 60 * SEC + rng.int(0, 30 * SEC),
      {
        taskId: cb.id,
        from: chat.origin,
        to: chat.destination,
        entryPoint: CHANNEL_INFO.chat.entryPoint,
        channel: 'Messaging',
        trigger: 'event',
        data: { linkedIds: { conversationId: chat.conversationId, chatTaskId: chat.id, chatThreadId: chat.variables.ChatThreadID ?? null }, sourceDetails: { userId: customer.chatUserId, phoneNumber: customer.phone } },
        category: ['Callback', 'Queue threshold'],
      },
      { CallbackRequested: false, ChatThreadID: chat.variables.ChatThreadID ?? null, CustomerPhoneNumber: customer.phone },
    );
    x.step('evaluate', 'Check Queue Time', rng.int(3, 30), { result: 'thresholdExceeded', settings: { thresholdSec: 60 } });
    x.step('play_message', 'Offer Web Callback', rng.int(100, 500), { result: 'sent', settings: { message: 'All agents are busy. Would you like us to call you back?' } });
    x.step('menu', 'Callback Choice', rng.int(5_000, 40_000), { result: 'callback', set: { CallbackRequested: true } });
    const cancelled = x.http('CCE End Task', 'POST', `${DR_API}/tasks/${chat.id}/end`, { result: 'chatCancelled' });
    this.closed(chat, cancelled + rng.int(20, 150), 'customer requested web callback');
    const cbCreated = x.step('queue_contact', 'CCE Create Task (Web Callback)', rng.int(200, 1_200), { result: 'success', set: { TaskID: cb.id }, settings: { node: 'CCE Create Task', mediaType: 'webcallback', scriptSelector: '$(ScriptSelector)' } }) + rng.int(20, 300);
    x.step('play_message', 'Callback Confirmation', rng.int(100, 500), { result: 'sent' });
    x.step('end_flow', 'End', rng.int(1, 5), { result: 'end' });
    x.end('completed', 'createInteraction');

    this.emit(cb, 'CREATED', cbCreated);
    const t = this.queued(cb, cbCreated + rng.int(150, 2_000), this.queueWait('webcallback'), 0);
    const agent = this.pickAgent('callbacks');
    this.routed(cb, t, agent);
    this.closed(cb, t + this.handleTime('webcallback'), 'agent', { agent, disposition: ['CALLBACK_PLACED', 'Callback call placed to customer'] });
    this.commit(null);
  }

  /** A customer leaves the menu (or the flow fails) before any task exists: the flow stands alone. */
  flowOnly(kind: 'abandoned' | 'error' | 'running'): void {
    const rng = this.rng;
    const channel = rng.weighted([['voice', 45], ['sms', 15], ['whatsapp', 15], ['chat', 15], ['facebook', 10]] as const);
    const customer = this.pickCustomer();
    const task = this.newTask(channel, customer); // never emitted: only supplies addresses
    const info = CHANNEL_INFO[channel];
    const t0 = kind === 'running' ? this.dayEnd - 3 * HOUR : this.startAt(false);
    const x = new ExecBuilder(
      this,
      this.flow(info.inboundFlow),
      t0,
      { from: task.origin, to: task.destination, entryPoint: info.entryPoint, channel: info.commType, trigger: 'event', data: { sourceDetails: channel === 'voice' ? { phoneNumber: customer.phone } : { id: task.origin } } },
      channel === 'voice' ? { ani: customer.phone, dnis: task.destination, menuChoice: '' } : { conversationId: '', isPCIValidationDone: false },
    );
    if (kind === 'error') {
      const status = rng.pick([500, 502, 503, 503, 504]);
      x.http('Search Conversation', 'GET', `${ENGAGE}/conversations/search?channel=${channel}`, { fail: status });
      x.http('Search Conversation', 'GET', `${ENGAGE}/conversations/search?channel=${channel}`, { fail: status });
      x.step('play_message', 'Technical Issue Message', rng.int(100, 3_000), { result: 'sent', settings: { message: 'We are experiencing technical issues, please try again later.' } });
      x.step('end_flow', 'End', rng.int(1, 5), { result: 'end' });
      x.end('error', 'end');
      return this.commit(null);
    }
    if (channel === 'voice') {
      x.step('play_message', 'Welcome Prompt', rng.int(3_000, 9_000), { result: 'completed' });
      if (kind === 'running') return this.commit(this.dayEnd - rng.int(5 * SEC, 10 * MIN));
      if (rng.chance(0.5)) {
        x.step('menu', 'Main Menu', rng.int(4_000, 15_000), { result: IVR_OPTION[task.intent], set: { menuChoice: IVR_OPTION[task.intent] } });
        const card = rng.chance(0.05) ? rng.pick(TYPED_CARDS_DIGITS) : null;
        if (card) this.cardNumbersTyped++;
        x.step('collect_digits', 'Enter Account Number', rng.int(3_000, 20_000), card ? { result: 'invalidInput', captured: { input: card } } : { result: 'noInput' });
      } else {
        x.step('menu', 'Main Menu', rng.int(5_000, 15_000), { result: 'hangup' });
      }
    } else {
      x.http('Search Conversation', 'GET', `${ENGAGE}/conversations/search?channel=${channel}`, { result: 'noConversationFound' });
      x.step('play_message', channel === 'chat' ? 'Pre-Chat Greeting' : 'Welcome Message', rng.int(100, 500), { result: 'sent' });
      if (kind === 'running') return this.commit(this.dayEnd - rng.int(5 * SEC, 10 * MIN));
      x.step('menu', channel === 'chat' ? 'Pre-Chat Form' : 'Service Menu', rng.int(120_000, 300_000), { result: 'timeout', settings: { timeoutSec: 300 } });
    }
    x.end('abandoned', 'end');
    this.commit(null);
  }

  /** Hourly scheduled flow (trigger 'schedule'), no task. */
  scheduled(at: number): void {
    const rng = this.rng;
    const x = new ExecBuilder(this, this.flow('Queue Health Check'), at, { entryPoint: 'Scheduler', trigger: 'schedule', data: { schedule: 'hourly' } }, { breached: false });
    x.http('Fetch Queue Stats', 'GET', `${DR_API}/queues/statistics`, { result: 'success' });
    const breached = rng.chance(0.3);
    x.step('evaluate', 'Check Thresholds', rng.int(3, 40), { result: breached ? 'breached' : 'ok', set: { breached } });
    if (breached) x.http('Notify Supervisors', 'POST', 'https://hooks.acme.example/supervisors', { result: 'notified' });
    x.step('end_flow', 'End', rng.int(1, 5), { result: 'end' });
    x.end('completed', 'end');
    this.commit(null);
  }

  // ----- commit: place in the day, stamp times -------------------------------------------------

  /**
   * Moves what the scope generated so it fits the day (or ends at `endAt`), writes the ISO
   * timestamps and records each task's final status.
   */
  commit(endAt: number | null): void {
    const { tasks, execs } = this.scope;
    this.scope = { tasks: [], execs: [] };
    let min = Number.POSITIVE_INFINITY;
    let max = Number.NEGATIVE_INFINITY;
    for (const it of tasks) {
      if (it.at < min) min = it.at;
      if (it.at > max) max = it.at;
    }
    for (const x of execs) {
      for (const e of x.events) {
        const lo = e.startedAt ?? e.at;
        if (lo < min) min = lo;
        if (e.at > max) max = e.at;
      }
    }
    let shift = endAt === null ? 0 : endAt - max;
    if (max + shift > this.dayEnd - SEC) shift = this.dayEnd - SEC - max;
    if (min + shift < this.dayStart + SEC) shift = this.dayStart + SEC - min;

    const iso = this.iso;
    for (const it of tasks) {
      it.at += shift;
      it.body.timestamp = iso(it.at);
      this.taskItems.push(it);
    }
    for (const x of execs) {
      for (const e of x.events) {
        // timestamp equals startedAt (execution.started) or endedAt (steps, execution.ended): one string serves both
        e.at += shift;
        const stamp = iso(e.at);
        e.body.timestamp = stamp;
        if (e.body.type === 'execution.started') {
          const v = this.flowVersion(x.def, e.at);
          e.body.flowVersionId = v.versionId;
          e.body.version = v.version;
        }
        if (e.startedAt !== undefined) {
          e.startedAt += shift;
          e.body.startedAt = e.startedAt === e.at ? stamp : iso(e.startedAt);
        }
        if (e.endedAt !== undefined) {
          e.endedAt += shift;
          e.body.endedAt = e.endedAt === e.at ? stamp : iso(e.endedAt);
        }
      }
      this.execs.push(x);
    }

    // Final status as a fold sees it: event time, then lifecycle rank; CLOSED is terminal.
    const byTask = new Map<string, TaskItem[]>();
    for (const it of tasks) {
      const list = byTask.get(it.taskId);
      if (list) list.push(it);
      else byTask.set(it.taskId, [it]);
    }
    for (const [taskId, list] of byTask) {
      list.sort((a, b) => a.at - b.at || RANK[a.type] - RANK[b.type]);
      let status: Status = 'new';
      for (const it of list) {
        if (status === 'closed') break;
        if (it.type === 'QUEUED' || it.type === 'TRANSFERRED') status = 'queued';
        else if (it.type === 'ROUTED') status = 'active';
        else if (it.type === 'CLOSED') status = 'closed';
      }
      this.statusByTask.set(taskId, { channel: (list[0] as TaskItem).channel, status });
    }
  }

  // ----- deliveries ------------------------------------------------------------------------------

  latency(): number {
    const rng = this.rng;
    if (rng.chance(0.005)) return rng.int(5 * SEC, 60 * SEC); // a retried webhook
    return min(5 * SEC, 40 + rng.expo(250));
  }

  deliveries(): Delivery[] {
    const rng = this.rng;
    const out: Delivery[] = [];
    const offset = (sendAt: number) => min(DAY_MS - 1, max(0, sendAt - this.dayStart));

    for (const it of this.taskItems) it.sendAt = it.at + this.latency();
    for (const it of this.taskItems) {
      if (it.sendAfter) it.sendAt = max(it.sendAt, it.sendAfter.sendAt + rng.int(SEC, 45 * SEC));
      out.push({ kind: 'task', path: it.path, body: it.body, duplicate: false, offsetMs: offset(it.sendAt) });
    }

    const pool: { body: JsonObject; sendAt: number }[] = [];
    const flowDelivery = (body: JsonObject | JsonObject[], sendAt: number) => out.push({ kind: 'flow', path: 'flows/events', body, duplicate: false, offsetMs: offset(sendAt) });
    for (const x of this.execs) {
      const [started, ...rest] = x.events;
      if (!started) continue;
      x.lateStart = rest.length > 0 && rng.chance(0.03);
      const mode = x.lateStart ? rng.pick(['single', 'chunks'] as const) : rng.weighted([['single', 40], ['batch', 20], ['chunks', 25], ['pooled', 15]] as const);
      if (mode === 'batch') {
        const last = x.events[x.events.length - 1] as FlowEvt;
        flowDelivery(x.events.map((e) => e.body), last.at + this.latency());
        continue;
      }
      // One execution's events leave in order, except an execution.started held back on purpose.
      const startSend = started.at + this.latency();
      let prev = x.lateStart ? started.at : startSend;
      const inOrder = (at: number) => (prev = max(prev + 1, at + this.latency()));
      if (mode === 'pooled') {
        pool.push({ body: started.body, sendAt: startSend });
        for (const e of rest) pool.push({ body: e.body, sendAt: inOrder(e.at) });
        continue;
      }
      let firstRestSend = Number.POSITIVE_INFINITY;
      if (mode === 'single') {
        for (const e of rest) {
          const sendAt = inOrder(e.at);
          firstRestSend = min(firstRestSend, sendAt);
          flowDelivery(e.body, sendAt);
        }
      } else {
        for (let i = 0; i < rest.length; ) {
          const size = rng.int(2, 5);
          const chunk = rest.slice(i, i + size);
          i += size;
          const sendAt = inOrder((chunk[chunk.length - 1] as FlowEvt).at);
          firstRestSend = min(firstRestSend, sendAt);
          flowDelivery(chunk.length === 1 ? (chunk[0] as FlowEvt).body : chunk.map((e) => e.body), sendAt);
        }
      }
      flowDelivery(started.body, x.lateStart ? max(startSend, firstRestSend + rng.int(200, 20 * SEC)) : startSend);
    }

    // A relay that batches events of many executions: consecutive events, at most 100 or 15 s apart.
    pool.sort((a, b) => a.sendAt - b.sendAt);
    for (let i = 0; i < pool.length; ) {
      const first = pool[i] as { sendAt: number };
      let j = i;
      while (j < pool.length && j - i < MAX_POOLED_BATCH && (pool[j] as { sendAt: number }).sendAt - first.sendAt <= 15 * SEC) j++;
      const batch = pool.slice(i, j);
      flowDelivery(
        batch.map((p) => p.body),
        (batch[batch.length - 1] as { sendAt: number }).sendAt + rng.int(50, 300),
      );
      i = j;
    }

    // Verbatim re-sends (same body, same event ids), a little later.
    const originals = out.length;
    for (let i = 0; i < originals; i++) {
      if (!rng.chance(DUPLICATE_RATE)) continue;
      const d = out[i] as Delivery;
      out.push({ ...d, body: JSON.parse(JSON.stringify(d.body)) as unknown, duplicate: true, offsetMs: min(DAY_MS - 1, d.offsetMs + SEC + rng.expo(90 * SEC)) });
    }
    // Stable sort by send time: (offset, position) packed in one double (offset < 2^27, position < 2^24).
    const keys = new Float64Array(out.length);
    for (let i = 0; i < out.length; i++) keys[i] = (out[i] as Delivery).offsetMs * 16_777_216 + i;
    keys.sort();
    const sorted = new Array<Delivery>(out.length);
    for (let i = 0; i < keys.length; i++) sorted[i] = out[(keys[i] as number) % 16_777_216] as Delivery;
    return sorted;
  }
}

// ---------------------------------------------------------------------------------------------
// Public API
// ---------------------------------------------------------------------------------------------

export function generateSyntheticDay(opts: SyntheticDayOptions): SyntheticDay {
  if (!Number.isFinite(opts.dayStartMs)) throw new RangeError('dayStartMs must be a finite epoch ms');
  const target = max(0, floor(opts.interactions));
  const g = new Generator(opts);
  const rng = g.rng;

  // Every case at least once when the day is big enough, then the mix.
  g.guaranteeCases = target >= 40;
  const plan: Scenario[] = g.guaranteeCases ? SCENARIO_MIX.map(([s]) => s) : [];
  let slots = plan.reduce((n, s) => n + (s === 'media_switch' ? 2 : 1), 0);
  while (slots < target) {
    let s = rng.weighted(SCENARIO_MIX);
    if (s === 'media_switch' && target - slots < 2) s = 'normal';
    plan.push(s);
    slots += s === 'media_switch' ? 2 : 1;
  }
  for (const s of plan) g.scenario(s);

  if (target > 0) {
    const abandoned = round(target * 0.05);
    const errors = max(1, round(target * 0.005));
    const running = max(1, round(target * 0.015));
    for (let i = 0; i < abandoned; i++) g.flowOnly('abandoned');
    for (let i = 0; i < errors; i++) g.flowOnly('error');
    for (let i = 0; i < running; i++) g.flowOnly('running');
    const firstHour = g.dayStart + ((g.atLocalTime(0) - g.dayStart) % HOUR);
    for (let at = firstHour; at < g.dayEnd - 10 * MIN; at += HOUR) g.scheduled(at + rng.int(1_000, 4_000));
  }

  const deliveries = g.deliveries();

  const byChannel: Record<string, number> = Object.fromEntries(CHANNELS.map((c) => [c, 0]));
  const byFinalStatus: Record<Status, number> = { new: 0, queued: 0, active: 0, closed: 0 };
  for (const { channel, status } of g.statusByTask.values()) {
    byChannel[channel] = (byChannel[channel] ?? 0) + 1;
    byFinalStatus[status]++;
  }
  // Every generated event has its own random id (122 bits), so distinct ids = events generated.
  let uniqueEvents = g.taskItems.length;
  for (const x of g.execs) uniqueEvents += x.events.length;

  return {
    deliveries,
    expected: {
      interactions: g.statusByTask.size,
      byChannel,
      byFinalStatus,
      flowExecutions: g.execs.length,
      activeFlowExecutions: g.execs.filter((x) => !x.ended).length,
      cardNumbersTyped: g.cardNumbersTyped,
      uniqueEvents,
    },
  };
}

/**
 * Local shuffle: each delivery moves at most `windowSize - 1` places, so events of one task
 * can arrive out of order while the day still moves forward. Deterministic per seed; the
 * input array is not changed.
 */
export function shuffleDeliveries(d: Delivery[], seed: number, windowSize: number): Delivery[] {
  if (windowSize <= 1 || d.length < 2) return [...d];
  const rng = new Rng(seed ^ 0x5bd1e995);
  const keys = new Float64Array(d.length);
  for (let i = 0; i < d.length; i++) keys[i] = i + rng.next() * (windowSize - 1);
  const order = Array.from({ length: d.length }, (_, i) => i);
  order.sort((a, b) => (keys[a] as number) - (keys[b] as number) || a - b);
  return order.map((i) => d[i] as Delivery);
}
