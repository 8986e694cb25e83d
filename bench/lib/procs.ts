/**
 * Child processes of the bench: the real apps, the baseline server and the load generator,
 * each a separate `node --import tsx` process. Every child is registered and killed when the
 * bench exits, fails or is interrupted.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { createWriteStream, mkdirSync, readFileSync, writeFileSync, existsSync } from 'node:fs';
import { createServer } from 'node:net';
import path from 'node:path';

export const ROOT = path.resolve(__dirname, '../..');

export interface Managed {
  name: string;
  child: ChildProcess;
  logFile: string;
  /** resolves with the exit code (null when killed by a signal) */
  exited: Promise<number | null>;
  readonly running: boolean;
  /** SIGTERM (graceful shutdown, so --cpu-prof files are written), SIGKILL after `graceMs` */
  stop(graceMs?: number): Promise<void>;
  logTail(lines?: number): string;
}

const live = new Set<Managed>();
let logDir = '';

export function setLogDir(dir: string): void {
  mkdirSync(dir, { recursive: true });
  logDir = dir;
}

export function getLogDir(): string {
  return logDir;
}

let seq = 0;

/** Starts `node [nodeArgs] --import tsx <script>` from the repository root with `env` on top of ours. */
export function spawnTs(name: string, script: string, env: Record<string, string>, nodeArgs: string[] = [], args: string[] = []): Managed {
  const logFile = path.join(logDir, `${String(++seq).padStart(2, '0')}-${name}.log`);
  const out = createWriteStream(logFile);
  const child = spawn(process.execPath, [...nodeArgs, '--import', 'tsx', path.join(ROOT, script), ...args], {
    cwd: ROOT,
    env: { ...process.env, ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  child.stdout!.pipe(out, { end: false });
  child.stderr!.pipe(out, { end: false });
  let running = true;
  const exited = new Promise<number | null>((resolve) => {
    child.once('exit', (code) => {
      running = false;
      live.delete(managed);
      // Let the pipes drain before closing the log.
      setTimeout(() => out.end(), 50);
      resolve(code);
    });
  });
  const managed: Managed = {
    name,
    child,
    logFile,
    exited,
    get running() {
      return running;
    },
    async stop(graceMs = 15_000) {
      if (!running) return;
      child.kill('SIGTERM');
      const timer = setTimeout(() => {
        if (running) child.kill('SIGKILL');
      }, graceMs);
      await exited;
      clearTimeout(timer);
    },
    logTail(lines = 30) {
      try {
        return readFileSync(logFile, 'utf8').split('\n').slice(-lines).join('\n');
      } catch {
        return '';
      }
    },
  };
  live.add(managed);
  return managed;
}

/** Stops every child still running (graceful first). */
export async function stopAll(): Promise<void> {
  await Promise.all([...live].map((m) => m.stop(5_000)));
}

let hooked = false;
/** Kill children on any way out: normal exit, an exception, Ctrl-C, SIGTERM. */
export function installCleanup(onSignal: () => Promise<void>): void {
  if (hooked) return;
  hooked = true;
  process.on('exit', () => {
    for (const m of live) m.child.kill('SIGKILL');
  });
  let signalled = false;
  const handler = (sig: NodeJS.Signals) => {
    if (signalled) {
      for (const m of live) m.child.kill('SIGKILL');
      process.exit(130);
    }
    signalled = true;
    process.stderr.write(`\nbench: ${sig}, stopping children and cleaning up (again to force)\n`);
    void onSignal().finally(() => process.exit(130));
  };
  process.on('SIGINT', handler);
  process.on('SIGTERM', handler);
}

export function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const srv = createServer();
    srv.listen(0, '127.0.0.1', () => {
      const addr = srv.address();
      srv.close(() => (typeof addr === 'object' && addr ? resolve(addr.port) : reject(new Error('no free port'))));
    });
  });
}

export const sleep = (ms: number) => new Promise<void>((r) => setTimeout(r, ms));

/** Polls `url` until it answers 200; fails early when the process behind it died. */
export async function waitHttp(url: string, proc: Managed, timeoutMs = 60_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    if (!proc.running) throw new Error(`${proc.name} exited before it answered ${url}:\n${proc.logTail()}`);
    try {
      const res = await fetch(url);
      await res.arrayBuffer();
      if (res.ok) return;
    } catch {
      // not listening yet
    }
    if (Date.now() > deadline) throw new Error(`${proc.name} did not answer ${url} within ${timeoutMs} ms:\n${proc.logTail()}`);
    await sleep(100);
  }
}

/**
 * Runs the load generator (bench/load.ts) as its own process with a JSON config and returns
 * the JSON it wrote. The generator never shares a process with the server it measures.
 */
export async function runLoad<T>(name: string, config: Record<string, unknown>, timeoutMs: number): Promise<T> {
  const file = path.join(logDir, `${String(seq + 1).padStart(2, '0')}-${name}.config.json`);
  const outFile = `${file}.out.json`;
  writeFileSync(file, JSON.stringify(config));
  const proc = spawnTs(name, 'bench/load.ts', { NODE_ENV: 'production' }, ['--max-old-space-size=4096'], [file, outFile]);
  const timer = setTimeout(() => {
    process.stderr.write(`bench: ${name} ran over ${timeoutMs} ms, killing it\n`);
    proc.child.kill('SIGKILL');
  }, timeoutMs);
  const code = await proc.exited;
  clearTimeout(timer);
  if (code !== 0 || !existsSync(outFile)) throw new Error(`load generator ${name} failed (exit ${code}):\n${proc.logTail()}`);
  return JSON.parse(readFileSync(outFile, 'utf8')) as T;
}
