import { workerEnv, loadEnv, type BaseEnv } from '@cxfold/config';
import { getDeadLetter, listDeadLetters, markReplayed, purgeDeadLetters, purgeDeadLettersById, type Db, type DeadLetterFilter, type DeadLetterRow } from '@cxfold/db';
import { createRedis, FoldQueue, type FoldEvent } from '@cxfold/queue';
import { parse, checkSlug, UsageError } from './args';
import { formatTable } from './table';

const HELP = `usage:
  dead-letters list [filters] [--limit N] [--json]         newest first; --limit defaults to 50
  dead-letters show <id> [--json]                          the dead letter and its raw event payload
  dead-letters replay <id> | (filters | --all) [--limit N] [--dry-run] [--json]
  dead-letters purge <id> | (filters | --all) [--limit N] --yes [--json]

filters:
  --tenant <slug>
  --type <event type>          QUEUED, CLOSED, step.executed… (any case)
  --kind task|flow
  --since <time>               created at or after; ISO-8601, or YYYY-MM-DD (00:00 UTC)
  --until <time>               created before; ISO-8601, or YYYY-MM-DD (the whole day, UTC)
  --error <text>               case-insensitive substring of the error

replay: dead letters not replayed yet are flagged replayed and their raw events folded
again (the fold worker must be running). An event that fails again is dead-lettered again.
Needs REDIS_URL and QUEUE_PREFIX; --dry-run lists what would be replayed.

purge: forgets dead-letter records only. The raw events stay (they are the truth) and stay
flagged dead-lettered, so they are never folded; replay first if they should be. Without
--yes, purge prints what it would delete and exits 2.`;

const FILTER_OPTIONS = {
  tenant: { type: 'string' },
  type: { type: 'string' },
  kind: { type: 'string' },
  since: { type: 'string' },
  until: { type: 'string' },
  error: { type: 'string' },
  limit: { type: 'string' },
  json: { type: 'boolean' },
  help: { type: 'boolean' },
} as const;

/** Dead letters handled per transaction and per enqueue round trip during a replay. */
const REPLAY_CHUNK = 500;

export async function deadLettersCommand(db: Db, argv: string[], env: Pick<BaseEnv, 'REDIS_URL' | 'QUEUE_PREFIX'>): Promise<number> {
  const [sub, ...rest] = argv;
  if (!sub || sub === '--help' || sub === 'help') {
    process.stdout.write(`${HELP}\n`);
    return sub ? 0 : 2;
  }
  switch (sub) {
    case 'list': {
      const { values, positionals } = parse(rest, FILTER_OPTIONS);
      if (values.help) return help();
      if (positionals.length) throw new UsageError(`list takes no arguments (got "${positionals[0]}"); use show <id>`);
      const filter = readFilter(values);
      const rows = await listDeadLetters(db, { ...filter, limit: filter.limit ?? 50 });
      if (values.json) process.stdout.write(`${JSON.stringify(rows.map(toJson))}\n`);
      else printTable(rows);
      return 0;
    }
    case 'show': {
      const { values, positionals } = parse(rest, { json: { type: 'boolean' }, help: { type: 'boolean' } });
      if (values.help) return help();
      const id = readId(positionals);
      if (id === undefined) throw new UsageError('give the id of the dead letter to show');
      const dl = await getDeadLetter(db, id);
      if (!dl) throw new Error(`no dead letter with id ${id}`);
      const { rawEvent, ...row } = dl;
      if (values.json) {
        process.stdout.write(`${JSON.stringify({ ...toJson(row), rawEvent })}\n`);
        return 0;
      }
      const lines = [
        `dead letter ${row.id}`,
        `  tenant:       ${row.tenant}`,
        `  kind / type:  ${row.kind} ${row.eventType}`,
        `  event id:     ${row.eventId}`,
        `  raw event:    ${row.rawEventId}`,
        `  attempts:     ${row.attempts}`,
        `  created:      ${row.createdAt.toISOString()}`,
        `  replayed:     ${row.replayedAt ? row.replayedAt.toISOString() : 'no'}`,
        `  error code:   ${row.errorCode ?? '-'}`,
        `  error:        ${row.error}`,
      ];
      if (rawEvent) {
        lines.push(
          `raw event ${rawEvent.id}`,
          `  subject:      ${rawEvent.subjectId}`,
          `  occurred:     ${rawEvent.occurredAt.toISOString()}`,
          `  received:     ${rawEvent.receivedAt.toISOString()}`,
          `  request id:   ${rawEvent.requestId ?? '-'}`,
          `  folded:       ${rawEvent.foldedAt ? rawEvent.foldedAt.toISOString() : 'no'}`,
          `  dead-lettered: ${rawEvent.deadLetteredAt ? rawEvent.deadLetteredAt.toISOString() : 'no'}`,
          `  payload${rawEvent.masked ? ' (card numbers masked)' : ''}:`,
          JSON.stringify(rawEvent.payload, null, 2),
        );
      } else lines.push(`raw event ${row.rawEventId} no longer exists`);
      process.stdout.write(`${lines.join('\n')}\n`);
      return 0;
    }
    case 'replay':
      return replay(db, rest, env);
    case 'purge':
      return purge(db, rest);
    default:
      throw new UsageError(`unknown dead-letters command "${sub}"`);
  }
}

async function replay(db: Db, argv: string[], env: Pick<BaseEnv, 'REDIS_URL' | 'QUEUE_PREFIX'>): Promise<number> {
  const { values, positionals } = parse(argv, { ...FILTER_OPTIONS, all: { type: 'boolean' }, 'dry-run': { type: 'boolean' } });
  if (values.help) return help();
  const selected = await select(db, positionals, values, false);
  const [only] = selected;
  if (readId(positionals) !== undefined && only?.replayedAt) {
    // A replayed dead letter that failed again is re-recorded with replayed_at cleared, so this
    // one is still on its way (or folded): replaying it twice would only fold it twice.
    if (values.json) process.stdout.write(`${JSON.stringify({ replayed: 0, deadLetterIds: [] })}\n`);
    else process.stdout.write(`dead letter ${only.id} was already replayed at ${only.replayedAt.toISOString()}; nothing to do\n`);
    return 0;
  }
  const candidates = selected;

  if (values['dry-run']) {
    if (values.json) process.stdout.write(`${JSON.stringify({ wouldReplay: candidates.length, deadLetters: candidates.map(toJson) })}\n`);
    else {
      printTable(candidates);
      process.stdout.write(`would replay ${candidates.length} dead letter(s)\n`);
    }
    return 0;
  }
  if (candidates.length === 0) {
    if (values.json) process.stdout.write(`${JSON.stringify({ replayed: 0, deadLetterIds: [] })}\n`);
    else process.stdout.write('no dead letters to replay\n');
    return 0;
  }

  const policy = loadEnv(workerEnv.pick({ JOB_ATTEMPTS: true, JOB_BACKOFF_MS: true }));
  // Reach Redis before touching Postgres: with Redis down nothing is changed.
  const redis = await connectRedis(env.REDIS_URL);
  const queue = new FoldQueue(redis, env.QUEUE_PREFIX, { attempts: policy.JOB_ATTEMPTS, backoffMs: policy.JOB_BACKOFF_MS });
  // One named job per chunk: a replay's jobs never collide with another replay's.
  const replayId = `replay~${Date.now()}`;
  const replayed: number[] = [];
  try {
    for (let i = 0; i < candidates.length; i += REPLAY_CHUNK) {
      const chunk = candidates.slice(i, i + REPLAY_CHUNK);
      const targets = await markReplayed(db, chunk.map((c) => c.id));
      const events = targets.map(
        (t): FoldEvent => ({ rawEventId: t.rawEventId, tenant: t.tenant, kind: t.kind, subjectId: t.subjectId, eventId: t.eventId, requestId: t.requestId, receivedAtMs: t.receivedAt.getTime() }),
      );
      try {
        if (events.length > 0) await queue.addEvents(events, `${replayId}~${i}`);
      } catch (err) {
        // The transaction above has committed: these raw events are no longer dead-lettered
        // and still unfolded, so the worker's sweeper enqueues them once SWEEP_GRACE_MS has
        // passed since they were received (long ago, for a dead letter). Nothing is lost.
        process.stderr.write(
          `cxfold: enqueueing failed (${err instanceof Error ? err.message : String(err)}) after ${replayed.length} replayed; ` +
            `${events.length} more are flagged replayed and will be folded by the worker's sweeper\n`,
        );
        return 1;
      }
      replayed.push(...targets.map((t) => t.deadLetterId));
    }
  } finally {
    await queue.close().catch(() => undefined);
    redis.disconnect();
  }
  const skipped = candidates.length - replayed.length;
  if (values.json) process.stdout.write(`${JSON.stringify({ replayed: replayed.length, deadLetterIds: replayed })}\n`);
  else
    process.stdout.write(
      `replayed ${replayed.length} dead letter(s)${skipped ? `; skipped ${skipped} (replayed meanwhile, or raw event gone or folded)` : ''}\n`,
    );
  return 0;
}

async function purge(db: Db, argv: string[]): Promise<number> {
  const { values, positionals } = parse(argv, { ...FILTER_OPTIONS, all: { type: 'boolean' }, yes: { type: 'boolean' } });
  if (values.help) return help();
  const byId = readId(positionals) !== undefined;
  const filter = byId ? {} : readFilter(values);
  const candidates = await select(db, positionals, values, undefined);

  if (!values.yes) {
    if (values.json) process.stdout.write(`${JSON.stringify({ wouldPurge: candidates.length, deadLetters: candidates.map(toJson) })}\n`);
    else printTable(candidates);
    process.stderr.write(`cxfold: purge would forget ${candidates.length} dead letter(s); run again with --yes to delete them (raw events are kept)\n`);
    return 2;
  }
  // The raw events are not touched: they stay flagged dead_lettered_at, so they are not folded.
  const deleted = byId ? await purgeDeadLettersById(db, candidates.map((c) => c.id)) : await purgeDeadLetters(db, filter);
  if (values.json) process.stdout.write(`${JSON.stringify({ purged: deleted.length, deadLetterIds: deleted })}\n`);
  else process.stdout.write(`purged ${deleted.length} dead letter(s); their raw events are kept, still flagged dead-lettered\n`);
  return 0;
}

type Values = Record<string, string | boolean | (string | boolean)[] | undefined>;

/**
 * The dead letters a replay or purge is about: one by id, or all matching the filters
 * (`replayed: false`: only those not replayed yet). Without an id or a filter the operator
 * must say --all, so a bare command changes nothing.
 */
async function select(db: Db, positionals: string[], values: Values, replayed: false | undefined): Promise<DeadLetterRow[]> {
  const id = readId(positionals);
  const filter = readFilter(values);
  if (id !== undefined) {
    if (Object.values(filter).some((v) => v !== undefined) || values.all) throw new UsageError('give a dead letter id or filters, not both');
    const dl = await getDeadLetter(db, id);
    if (!dl) throw new Error(`no dead letter with id ${id}`);
    const { rawEvent: _raw, ...row } = dl;
    return [row];
  }
  const narrowing = Object.entries(filter).some(([k, v]) => k !== 'limit' && v !== undefined);
  if (!narrowing && !values.all) throw new UsageError('give a dead letter id, filters (--tenant, --type, --kind, --since, --until, --error) or --all');
  return listDeadLetters(db, { ...filter, replayed });
}

function readFilter(values: Values): DeadLetterFilter {
  const str = (k: string) => {
    const v = values[k];
    if (v === undefined) return undefined;
    if (typeof v !== 'string' || v.trim() === '') throw new UsageError(`--${k} needs a value`);
    return v.trim();
  };
  const kind = str('kind');
  if (kind !== undefined && kind !== 'task' && kind !== 'flow') throw new UsageError('--kind must be task or flow');
  const tenant = str('tenant');
  const since = str('since');
  const until = str('until');
  const limit = str('limit');
  const filter: DeadLetterFilter = {
    tenant: tenant === undefined ? undefined : checkSlug(tenant),
    eventType: str('type'),
    kind,
    since: since === undefined ? undefined : readTime('since', since, false),
    until: until === undefined ? undefined : readTime('until', until, true),
    error: str('error'),
    limit: limit === undefined ? undefined : readLimit(limit),
  };
  if (filter.since && filter.until && filter.since >= filter.until) throw new UsageError('--since must be before --until');
  return filter;
}

const DAY = /^\d{4}-\d{2}-\d{2}$/;
const DATE_TIME = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}/;

/** ISO-8601 date-time, or a day (UTC); a day given to --until means up to the end of that day. */
function readTime(flag: string, value: string, endOfDay: boolean): Date {
  if (DAY.test(value)) {
    const d = new Date(`${value}T00:00:00.000Z`);
    if (Number.isNaN(d.getTime()) || d.toISOString().slice(0, 10) !== value) throw new UsageError(`--${flag}: "${value}" is not a date`);
    return endOfDay ? new Date(d.getTime() + 86_400_000) : d;
  }
  const ms = DATE_TIME.test(value) ? Date.parse(value) : Number.NaN;
  if (Number.isNaN(ms)) throw new UsageError(`--${flag} must be an ISO-8601 time (2024-05-01T10:00:00Z) or a day (2024-05-01)`);
  return new Date(ms);
}

function readLimit(value: string): number {
  const n = Number(value);
  if (!/^\d+$/.test(value) || !Number.isSafeInteger(n) || n < 1) throw new UsageError('--limit must be a whole number of at least 1');
  return n;
}

function readId(positionals: string[]): number | undefined {
  if (positionals.length > 1) throw new UsageError(`unexpected argument "${positionals[1]}"`);
  const raw = positionals[0];
  if (raw === undefined) return undefined;
  const n = Number(raw);
  if (!/^\d+$/.test(raw) || !Number.isSafeInteger(n) || n < 1) throw new UsageError(`"${raw}" is not a dead letter id`);
  return n;
}

type Redis = ReturnType<typeof createRedis>;

async function connectRedis(url: string): Promise<Redis> {
  const redis = createRedis(url, 'producer');
  try {
    await new Promise<void>((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error('timed out')), 6_000);
      redis.once('ready', () => {
        clearTimeout(timer);
        resolve();
      });
      redis.once('error', (err) => {
        clearTimeout(timer);
        reject(err);
      });
    });
  } catch (err) {
    redis.disconnect();
    throw new Error(`cannot reach Redis at ${redact(url)} (${err instanceof Error ? err.message : String(err)}); nothing was replayed`);
  }
  // Later errors surface through the failing command; keep ioredis from printing them too.
  redis.on('error', () => undefined);
  return redis;
}

function redact(url: string): string {
  try {
    const u = new URL(url);
    if (u.password) u.password = '***';
    return u.toString();
  } catch {
    return 'REDIS_URL';
  }
}

function toJson(r: DeadLetterRow) {
  return {
    id: r.id,
    rawEventId: r.rawEventId,
    tenant: r.tenant,
    kind: r.kind,
    eventType: r.eventType,
    eventId: r.eventId,
    attempts: r.attempts,
    errorCode: r.errorCode,
    error: r.error,
    createdAt: r.createdAt.toISOString(),
    replayedAt: r.replayedAt ? r.replayedAt.toISOString() : null,
  };
}

const time = (d: Date) => d.toISOString().replace(/\.\d{3}Z$/, 'Z');

function printTable(rows: DeadLetterRow[]): void {
  if (rows.length === 0) {
    process.stdout.write('no dead letters match\n');
    return;
  }
  const header = ['ID', 'TENANT', 'KIND', 'TYPE', 'EVENT ID', 'ATTEMPTS', 'CREATED', 'REPLAYED', 'ERROR'];
  const body = rows.map((r) => [
    String(r.id),
    r.tenant,
    r.kind,
    r.eventType,
    r.eventId,
    String(r.attempts),
    time(r.createdAt),
    r.replayedAt ? time(r.replayedAt) : '-',
    r.error.replace(/\s+/g, ' ').slice(0, 80),
  ]);
  process.stdout.write(formatTable(header, body));
}

function help(): number {
  process.stdout.write(`${HELP}\n`);
  return 0;
}
