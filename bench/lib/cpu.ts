/**
 * Where the CPU went during a measurement: the app process (from /proc), the Postgres backends
 * serving the bench database (their pids from pg_stat_activity, CPU from /proc) and the Redis
 * server (INFO cpu; shared with other users of that Redis). Shown as cores busy on average, so
 * "receiver 0.98" on a 2-core machine reads "the receiver's event loop was saturated".
 */
import { readFileSync, readdirSync } from 'node:fs';
import { loadavg } from 'node:os';
import type postgres from 'postgres';
import type { Redis } from 'ioredis';
import { round } from './stats';

const TICKS_PER_S = 100;

/** user + system CPU seconds of a process, or null when it is gone / not readable. */
export function cpuSeconds(pid: number | undefined): number | null {
  if (!pid) return null;
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    // Fields after the ")" that closes the command name: state is field 3, utime 14, stime 15.
    const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    return (Number(fields[11]) + Number(fields[12])) / TICKS_PER_S;
  } catch {
    return null;
  }
}

/** CPU seconds and command name of every process on the machine. */
function allProcesses(): Map<number, { comm: string; cpu: number }> {
  const out = new Map<number, { comm: string; cpu: number }>();
  let entries: string[] = [];
  try {
    entries = readdirSync('/proc');
  } catch {
    return out;
  }
  for (const e of entries) {
    if (!/^\d+$/.test(e)) continue;
    try {
      const stat = readFileSync(`/proc/${e}/stat`, 'utf8');
      const comm = stat.slice(stat.indexOf('(') + 1, stat.lastIndexOf(')'));
      const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
      out.set(Number(e), { comm, cpu: (Number(fields[11]) + Number(fields[12])) / TICKS_PER_S });
    } catch {
      // gone meanwhile
    }
  }
  return out;
}

/** busy CPU seconds of the whole machine, all cores, and the part spent in interrupts (from /proc/stat). */
function machineCpu(): { busy: number; irq: number } {
  try {
    const line = readFileSync('/proc/stat', 'utf8').split('\n')[0]!;
    // user nice system idle iowait irq softirq steal
    const v = line.trim().split(/\s+/).slice(1).map(Number);
    const total = v.slice(0, 8).reduce((a, b) => a + b, 0);
    const idle = (v[3] ?? 0) + (v[4] ?? 0);
    return { busy: (total - idle) / TICKS_PER_S, irq: ((v[5] ?? 0) + (v[6] ?? 0)) / TICKS_PER_S };
  } catch {
    return { busy: 0, irq: 0 };
  }
}

/** Share of the last 10 s some runnable task waited for a CPU (Linux PSI), or null. */
function cpuPressure(): number | null {
  try {
    const m = /some avg10=([\d.]+)/.exec(readFileSync('/proc/pressure/cpu', 'utf8'));
    return m ? Number(m[1]) : null;
  } catch {
    return null;
  }
}

async function backendPids(sql: postgres.Sql, database: string): Promise<number[]> {
  // The bench's own connections (application_name cxfold-bench) are not the app's work.
  const rows = await sql<{ pid: number }[]>`
    select pid from pg_stat_activity where datname = ${database} and pid <> pg_backend_pid() and application_name is distinct from 'cxfold-bench'`;
  return rows.map((r) => r.pid);
}

async function redisCpu(redis: Redis): Promise<number> {
  const info = await redis.info('cpu');
  const user = Number(/used_cpu_user:([\d.]+)/.exec(info)?.[1] ?? 0);
  const sys = Number(/used_cpu_sys:([\d.]+)/.exec(info)?.[1] ?? 0);
  return user + sys;
}

export interface CpuShare {
  seconds: number;
  /** per app process (receiver, worker, api, baseline…), cores busy on average */
  apps: Record<string, number | null>;
  postgres: number;
  redis: number;
  /** every process on the machine, ours and everybody else's, in cores */
  machine: number;
  /** interrupt and softirq time (mostly loopback networking of the run itself), in cores */
  irq: number;
  /** machine minus the components above, interrupts, the load generator and the orchestrator: other people's work */
  others: number;
  machineLoad1m: number;
  /** % of time some task waited for a CPU (PSI avg10) at the end */
  cpuPressure: number | null;
  /** the biggest other processes that lived through the window, by command name, in cores */
  othersTop: Record<string, number>;
}

/**
 * Starts a measurement; `stop()` returns average cores busy per component. Postgres backends
 * that connect during the window count from zero, which is what they used.
 */
export async function cpuMeter(opts: { sql: postgres.Sql; database: string; redis: Redis; apps: Record<string, number | undefined> }) {
  const t0 = performance.now();
  const m0 = machineCpu();
  const procs0 = allProcesses();
  const self0 = process.cpuUsage();
  const apps0 = Object.entries(opts.apps).map(([name, pid]) => [name, pid, cpuSeconds(pid)] as const);
  const pg0 = new Map((await backendPids(opts.sql, opts.database)).map((p) => [p, cpuSeconds(p) ?? 0]));
  const redis0 = await redisCpu(opts.redis);
  const redisPid = Number(/process_id:(\d+)/.exec(await opts.redis.info('server'))?.[1] ?? 0);
  return {
    /** `measuredElsewhere`: cores of processes that reported their own CPU (the load generator, which exits before this). */
    async stop(measuredElsewhere = 0): Promise<CpuShare> {
      const seconds = (performance.now() - t0) / 1000;
      const apps: Record<string, number | null> = {};
      for (const [name, pid, before] of apps0) {
        const after = cpuSeconds(pid);
        apps[name] = before !== null && after !== null ? round((after - before) / seconds) : null;
      }
      let pg = 0;
      const pgPids = await backendPids(opts.sql, opts.database);
      for (const pid of pgPids) pg += (cpuSeconds(pid) ?? 0) - (pg0.get(pid) ?? 0);
      // Everybody else: processes that are none of the above (nor this orchestrator), by command name.
      const mine = new Set<number>([process.pid, redisPid, ...pgPids, ...pg0.keys(), ...Object.values(opts.apps).filter((p): p is number => p !== undefined)]);
      const byComm = new Map<string, number>();
      for (const [pid, p] of allProcesses()) {
        if (mine.has(pid)) continue;
        const before = procs0.get(pid);
        const used = p.cpu - (before ? before.cpu : 0);
        if (used > 0) byComm.set(p.comm, (byComm.get(p.comm) ?? 0) + used);
      }
      const redis1 = await redisCpu(opts.redis);
      const m1 = machineCpu();
      const machine = m1.busy - m0.busy;
      // Machine minus everything accounted for. Unlike the per-process list, this also catches
      // processes that came and went inside the window (test runners' workers).
      const self = process.cpuUsage(self0);
      const appsTotal = Object.values(apps).reduce<number>((a, b) => a + (b ?? 0), 0) * seconds;
      const accounted = appsTotal + pg + (redis1 - redis0) + (self.user + self.system) / 1e6 + measuredElsewhere * seconds + (m1.irq - m0.irq);
      return {
        seconds: round(seconds, 1),
        apps,
        postgres: round(pg / seconds),
        redis: round((redis1 - redis0) / seconds),
        machine: round(machine / seconds),
        irq: round((m1.irq - m0.irq) / seconds),
        others: round(Math.max(0, machine - accounted) / seconds),
        machineLoad1m: round(loadavg()[0]!, 1),
        cpuPressure: cpuPressure(),
        othersTop: Object.fromEntries(
          [...byComm]
            .sort((a, b) => b[1] - a[1])
            .slice(0, 4)
            .map(([k, v]) => [k, round(v / seconds)]),
        ),
      };
    },
  };
}
