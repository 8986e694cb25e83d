/**
 * Summarises V8 CPU profiles written by `npm run bench -- --cpu-prof`: self time by function and
 * by package (node_modules package, workspace package, or node internals).
 *
 *   node --import tsx bench/profile-summary.ts bench/results/profiles/<date>-<scale>/<process>/*.cpuprofile [--top 25] [--inclusive fnA,fnB]
 *
 * Each process folder holds two profiles: the main thread (the big one) and tsx's module-hooks thread.
 */
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { parseArgs } from 'node:util';

interface CallFrame {
  functionName: string;
  url: string;
  lineNumber: number;
}
interface ProfileNode {
  id: number;
  callFrame: CallFrame;
  children?: number[];
}
interface Profile {
  nodes: ProfileNode[];
  startTime: number;
  endTime: number;
  samples: number[];
  timeDeltas: number[];
}

function where(url: string): string {
  if (!url) return '(v8/native)';
  if (url.startsWith('node:')) return 'node internals';
  const nm = url.lastIndexOf('node_modules/');
  if (nm >= 0) {
    const rest = url.slice(nm + 13).split('/');
    return rest[0]!.startsWith('@') ? `${rest[0]}/${rest[1]}` : rest[0]!;
  }
  const m = /\/(packages|apps|bench)\/([^/]+)\//.exec(url);
  if (m) return m[1] === 'bench' ? 'bench' : `@cxfold/${m[2]}`;
  return path.basename(url);
}

/** CPU time spent in (and below) each named function, synchronously: async continuations are not followed. */
function inclusive(p: Profile, self: Map<number, number>, names: string[]): Map<string, number> {
  const parent = new Map<number, number>();
  for (const n of p.nodes) for (const c of n.children ?? []) parent.set(c, n.id);
  const byId = new Map(p.nodes.map((n) => [n.id, n]));
  const out = new Map<string, number>(names.map((n) => [n, 0]));
  for (const [id, us] of self) {
    const seen = new Set<string>();
    for (let cur: number | undefined = id; cur !== undefined; cur = parent.get(cur)) {
      const name = byId.get(cur)!.callFrame.functionName;
      if (out.has(name) && !seen.has(name)) {
        seen.add(name);
        out.set(name, out.get(name)! + us);
      }
    }
  }
  return out;
}

function summarise(file: string, top: number, names: string[]): string {
  const p = JSON.parse(readFileSync(file, 'utf8')) as Profile;
  const byId = new Map(p.nodes.map((n) => [n.id, n]));
  const self = new Map<number, number>();
  for (let i = 0; i < p.samples.length; i++) self.set(p.samples[i]!, (self.get(p.samples[i]!) ?? 0) + (p.timeDeltas[i] ?? 0));
  const total = [...self.values()].reduce((a, b) => a + b, 0);
  const fn = new Map<string, number>();
  const pkg = new Map<string, number>();
  let idle = 0;
  for (const [id, us] of self) {
    const n = byId.get(id)!;
    const name = n.callFrame.functionName || '(anonymous)';
    if (name === '(idle)') {
      idle += us;
      continue;
    }
    const w = where(n.callFrame.url);
    const key = `${name} ${n.callFrame.url ? `${path.basename(n.callFrame.url)}:${n.callFrame.lineNumber + 1}` : ''} [${w}]`;
    fn.set(key, (fn.get(key) ?? 0) + us);
    const pk = ['(garbage collector)', '(program)'].includes(name) ? name : w;
    pkg.set(pk, (pkg.get(pk) ?? 0) + us);
  }
  const busy = total - idle;
  const pct = (us: number) => `${((100 * us) / busy).toFixed(1)}%`.padStart(6);
  const incl = names.length ? inclusive(p, self, names) : new Map<string, number>();
  const lines = [
    `## ${path.basename(file)}: ${(total / 1e6).toFixed(1)} s profiled, ${((100 * busy) / total).toFixed(0)}% busy (${(busy / 1e6).toFixed(1)} s on CPU)`,
    '',
    'self time by package (share of CPU time):',
    ...[...pkg].sort((a, b) => b[1] - a[1]).slice(0, 15).map(([k, us]) => `  ${pct(us)}  ${k}`),
    '',
    `top ${top} functions by self time:`,
    ...[...fn].sort((a, b) => b[1] - a[1]).slice(0, top).map(([k, us]) => `  ${pct(us)}  ${k}`),
    '',
    ...(incl.size ? ['inclusive (synchronous) time of:', ...[...incl].sort((a, b) => b[1] - a[1]).map(([k, us]) => `  ${pct(us)}  ${k}`), ''] : []),
  ];
  return lines.join('\n');
}

const { values, positionals } = parseArgs({ allowPositionals: true, options: { top: { type: 'string', default: '25' }, inclusive: { type: 'string', default: '' } } });
const names = values.inclusive ? values.inclusive.split(',').map((n) => n.trim()) : [];
for (const f of positionals) process.stdout.write(`${summarise(f, Number(values.top), names)}\n`);
