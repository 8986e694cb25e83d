/**
 * Reads a Chromium trace of one page load (`npm run bench:console -- --trace`) and says where the
 * page's main thread spent the time between navigation start and the console's `cxfold:data`
 * mark: self time per trace event (script, style, layout, paint…), the long tasks in order, and
 * the JavaScript functions the sampling profiler saw most (self and inclusive).
 */

interface TraceEvent {
  name: string;
  cat: string;
  ph: string;
  ts: number;
  dur?: number;
  /** thread (CPU) time, µs: unlike `dur`, not lengthened while the thread waits for a core */
  tdur?: number;
  tts?: number;
  pid: number;
  tid: number;
  id?: string;
  args?: Record<string, unknown> & { name?: string; data?: Record<string, unknown> };
}

export const TRACE_CATEGORIES = [
  'toplevel',
  'devtools.timeline',
  'disabled-by-default-devtools.timeline',
  'v8.execute',
  'blink.user_timing',
  'loading',
  'disabled-by-default-v8.cpu_profiler',
];

export interface TraceSummary {
  /** ms from navigation start to the mark */
  markMs: number;
  /** main-thread ms inside tasks, between navigation start and the mark (wall clock) */
  busyMs: number;
  /** the same tasks' CPU time on the main thread: what the page's own work cost, whatever the load */
  cpuMs: number;
  /** self CPU ms per event name (wall ms where the event has no thread time), largest first */
  selfMs: [string, number][];
  /** tasks of 8 ms or more: [start ms from navigation start, ms, its three largest self times] */
  longTasks: [number, number, string][];
  /** sampled JavaScript, self ms per function (name @ file), largest first */
  jsSelfMs: [string, number][];
  /** sampled JavaScript, inclusive ms per function, largest first */
  jsTotalMs: [string, number][];
}

const round = (x: number) => Math.round(x * 10) / 10;
const top = (m: Map<string, number>, n: number): [string, number][] =>
  [...m.entries()]
    .sort((a, b) => b[1] - a[1])
    .slice(0, n)
    .map(([k, v]) => [k, round(v)]);

export function summarizeTrace(events: TraceEvent[]): TraceSummary {
  const mark = events.find((e) => e.name === 'cxfold:data' && e.cat.includes('blink.user_timing'));
  if (!mark) throw new Error('no cxfold:data mark in the trace');
  const pid = mark.pid;
  const mainTid = events.find((e) => e.ph === 'M' && e.name === 'thread_name' && e.pid === pid && e.args?.name === 'CrRendererMain')?.tid;
  // The mark's startTime is from the document's time origin (navigation start).
  const navStart = mark.ts - Number((mark.args?.data as { startTime?: number } | undefined)?.startTime ?? 0) * 1000;
  const end = mark.ts;

  // Complete events of the main thread (B/E pairs made complete), inside the window.
  const spans: { name: string; ts: number; end: number; cpu: number; self: number }[] = [];
  const open: TraceEvent[] = [];
  for (const e of events) {
    if (e.pid !== pid || e.tid !== mainTid) continue;
    if (e.ph === 'X' && e.dur !== undefined) spans.push({ name: e.name, ts: e.ts, end: e.ts + e.dur, cpu: e.tdur ?? e.dur, self: e.tdur ?? e.dur });
    else if (e.ph === 'B') open.push(e);
    else if (e.ph === 'E') {
      const b = open.pop();
      const cpu = b?.tts !== undefined && e.tts !== undefined ? e.tts - b.tts : undefined;
      if (b) spans.push({ name: b.name, ts: b.ts, end: e.ts, cpu: cpu ?? e.ts - b.ts, self: cpu ?? e.ts - b.ts });
    }
  }
  const inWindow = spans.filter((s) => s.end > navStart && s.ts < end).sort((a, b) => a.ts - b.ts || b.end - a.end);
  // Self time: a span's duration minus its direct children's.
  const stack: typeof inWindow = [];
  const parentOf = new Map<(typeof inWindow)[number], (typeof inWindow)[number] | undefined>();
  for (const s of inWindow) {
    while (stack.length && stack[stack.length - 1]!.end <= s.ts) stack.pop();
    const parent = stack[stack.length - 1];
    parentOf.set(s, parent);
    if (parent) parent.self -= s.cpu;
    stack.push(s);
  }
  const self = new Map<string, number>();
  for (const s of inWindow) self.set(s.name, (self.get(s.name) ?? 0) + Math.max(0, s.self) / 1000);
  const tasks = inWindow.filter((s) => !parentOf.get(s));
  const busyMs = tasks.reduce((a, t) => a + (Math.min(t.end, end) - Math.max(t.ts, navStart)), 0) / 1000;
  const cpuMs = tasks.reduce((a, t) => a + t.cpu, 0) / 1000;
  const longTasks: [number, number, string][] = [];
  for (const t of tasks) {
    if (t.end - t.ts < 8000) continue;
    const inside = new Map<string, number>();
    for (const s of inWindow) if (s.ts >= t.ts && s.end <= t.end) inside.set(s.name, (inside.get(s.name) ?? 0) + Math.max(0, s.self) / 1000);
    longTasks.push([round((t.ts - navStart) / 1000), round((t.end - t.ts) / 1000), top(inside, 3).map(([k, v]) => `${k} ${v}`).join(', ')]);
  }

  // The sampling profiler's chunks for the main thread.
  const profileIds = new Set(events.filter((e) => e.name === 'Profile' && e.pid === pid && e.tid === mainTid).map((e) => e.id));
  const nodes = new Map<number, { name: string; parent?: number }>();
  let t = 0;
  const jsSelf = new Map<string, number>();
  const jsTotal = new Map<string, number>();
  const profileStart = events.find((e) => e.name === 'Profile' && profileIds.has(e.id));
  t = Number((profileStart?.args?.data as { startTime?: number } | undefined)?.startTime ?? 0);
  const samples: [number, number][] = [];
  for (const e of events) {
    if (e.name !== 'ProfileChunk' || !profileIds.has(e.id)) continue;
    const data = e.args?.data as { cpuProfile?: { nodes?: { id: number; parent?: number; callFrame: { functionName: string; url?: string; lineNumber?: number } }[]; samples?: number[] }; timeDeltas?: number[] };
    for (const n of data.cpuProfile?.nodes ?? []) {
      const file = (n.callFrame.url ?? '').split('/').pop() ?? '';
      nodes.set(n.id, { name: `${n.callFrame.functionName || '(anonymous)'}${file ? ` @ ${file}:${(n.callFrame.lineNumber ?? 0) + 1}` : ''}`, parent: n.parent });
    }
    const ids = data.cpuProfile?.samples ?? [];
    const deltas = data.timeDeltas ?? [];
    ids.forEach((id, i) => {
      t += deltas[i] ?? 0;
      samples.push([t, id]);
    });
  }
  for (let i = 0; i + 1 < samples.length; i++) {
    const [at, id] = samples[i]!;
    if (at < navStart || at > end) continue;
    const ms = (samples[i + 1]![0] - at) / 1000;
    const n = nodes.get(id);
    if (!n || n.name.startsWith('(idle)') || n.name.startsWith('(program)')) continue;
    jsSelf.set(n.name, (jsSelf.get(n.name) ?? 0) + ms);
    const seen = new Set<string>();
    for (let cur: number | undefined = id; cur !== undefined; cur = nodes.get(cur)?.parent) {
      const name = nodes.get(cur)?.name;
      if (!name || seen.has(name) || name.startsWith('(root)')) continue;
      seen.add(name);
      jsTotal.set(name, (jsTotal.get(name) ?? 0) + ms);
    }
  }
  return {
    markMs: round((end - navStart) / 1000),
    busyMs: round(busyMs),
    cpuMs: round(cpuMs),
    selfMs: top(self, 18),
    longTasks,
    jsSelfMs: top(jsSelf, 20),
    jsTotalMs: top(jsTotal, 30),
  };
}
