import { spawn, type ChildProcess } from 'node:child_process';
import { closeSync, openSync } from 'node:fs';
import { createServer } from 'node:net';
import path from 'node:path';
import { Queue } from 'bullmq';
import { Redis } from 'ioredis';
import { QUEUES } from '@cxfold/queue';

/** The monorepo root: apps/chaos/src → ../../.. */
export const REPO_ROOT = path.resolve(__dirname, '../../..');

export const sleep = (ms: number) => new Promise<void>((r) => setTimeout(r, ms));

export function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const srv = createServer();
    srv.once('error', reject);
    srv.listen(0, '127.0.0.1', () => {
      const addr = srv.address();
      srv.close(() => (typeof addr === 'object' && addr ? resolve(addr.port) : reject(new Error('no free port'))));
    });
  });
}

/**
 * Every process group this run started, so an abrupt end of the chaos process (an
 * exception, Ctrl-C) still takes them down: `process.on('exit')` can only run sync code.
 */
const liveGroups = new Set<number>();
let exitHookInstalled = false;
function trackGroup(pid: number): void {
  liveGroups.add(pid);
  if (exitHookInstalled) return;
  exitHookInstalled = true;
  process.on('exit', () => {
    for (const pid of liveGroups) {
      try {
        process.kill(-pid, 'SIGKILL');
      } catch {
        // already gone
      }
    }
  });
}

/**
 * One service (receiver, worker, redis-server) run as a child process in a process group of
 * its own. `tsx` runs the TypeScript in a second node process under it; killing the group
 * kills both at once, which is what a crash (OOM kill, node failure) looks like.
 */
export class ChildService {
  private child: ChildProcess | null = null;
  private exited: Promise<void> = Promise.resolve();
  private killing = false;
  /** Exits nobody asked for (a crash of the service itself), with their exit code or signal. */
  readonly unexpectedExits: string[] = [];

  constructor(
    readonly name: string,
    private readonly command: string,
    private readonly args: string[],
    private readonly env: NodeJS.ProcessEnv,
    private readonly logFile: string,
    private readonly onUnexpectedExit?: (why: string) => void,
  ) {}

  get running(): boolean {
    return this.child !== null && this.child.exitCode === null && this.child.signalCode === null;
  }

  start(): void {
    if (this.running) throw new Error(`${this.name} is already running`);
    const fd = openSync(this.logFile, 'a');
    const child = spawn(this.command, this.args, { cwd: REPO_ROOT, env: this.env, detached: true, stdio: ['ignore', fd, fd] });
    closeSync(fd);
    const pid = child.pid;
    if (pid === undefined) throw new Error(`${this.name} could not be spawned`);
    trackGroup(pid);
    this.child = child;
    this.killing = false;
    this.exited = new Promise<void>((resolve) => {
      child.once('exit', (code, signal) => {
        liveGroups.delete(pid);
        if (!this.killing) {
          const why = `${this.name} (pid ${pid}) exited on its own: ${signal ?? `code ${code}`}`;
          this.unexpectedExits.push(why);
          this.onUnexpectedExit?.(why);
        }
        resolve();
      });
      child.once('error', () => resolve());
    });
  }

  /**
   * SIGKILL goes to the whole group (tsx and the node process under it die together);
   * any other signal goes to the group leader, which relays it, so the service sees it once.
   * Waits for the process to be gone.
   */
  async kill(signal: NodeJS.Signals = 'SIGKILL'): Promise<void> {
    const child = this.child;
    if (!child || !this.running || child.pid === undefined) return;
    this.killing = true;
    try {
      process.kill(signal === 'SIGKILL' ? -child.pid : child.pid, signal);
    } catch {
      // already gone
    }
    await this.exited;
    // The tsx parent is gone; make sure nothing of the group survives it.
    try {
      process.kill(-child.pid, 'SIGKILL');
    } catch {
      // the whole group is gone
    }
  }

  /** Resolves when the process exits (for a start-up failure while waiting for readiness). */
  whenExited(): Promise<void> {
    return this.exited;
  }
}

/** A node service of the monorepo run from its TypeScript source through tsx. */
export function tsxService(name: string, script: string, env: NodeJS.ProcessEnv, logFile: string, onUnexpectedExit?: (why: string) => void): ChildService {
  return new ChildService(name, path.join(REPO_ROOT, 'node_modules/.bin/tsx'), [script], env, logFile, onUnexpectedExit);
}

/**
 * A redis-server of the run's own without persistence: SIGKILL and restart leave it empty,
 * as after a crash of a Redis that has no AOF or RDB. (The same idea as testkit's
 * startPrivateRedis, with the process group tracked for clean-up.)
 */
export class ChaosRedis {
  readonly url: string;
  private readonly service: ChildService;

  constructor(
    readonly port: number,
    logFile: string,
    onUnexpectedExit?: (why: string) => void,
  ) {
    this.url = `redis://127.0.0.1:${port}`;
    this.service = new ChildService(
      'redis',
      'redis-server',
      ['--port', String(port), '--bind', '127.0.0.1', '--save', '', '--appendonly', 'no', '--maxmemory-policy', 'noeviction'],
      process.env,
      logFile,
      onUnexpectedExit,
    );
  }

  async start(): Promise<void> {
    this.service.start();
    const deadline = Date.now() + 10_000;
    for (;;) {
      const probe = new Redis(this.url, { lazyConnect: true, maxRetriesPerRequest: 0, retryStrategy: () => null });
      probe.on('error', () => undefined);
      try {
        await probe.connect();
        await probe.ping();
        return;
      } catch (err) {
        if (Date.now() > deadline) throw new Error(`redis-server on port ${this.port} did not answer: ${String(err)}`);
        await sleep(50);
      } finally {
        probe.disconnect();
      }
    }
  }

  kill(): Promise<void> {
    return this.service.kill('SIGKILL');
  }

  get unexpectedExits(): string[] {
    return this.service.unexpectedExits;
  }
}

/** How many BullMQ workers of the fold queue are connected to Redis right now (0 when Redis is down). */
export async function foldWorkersConnected(redisUrl: string, prefix: string): Promise<number> {
  const connection = new Redis(redisUrl, { lazyConnect: true, maxRetriesPerRequest: 0, retryStrategy: () => null, enableOfflineQueue: false });
  connection.on('error', () => undefined);
  try {
    await connection.connect();
    const queue = new Queue(QUEUES.fold, { connection, prefix });
    try {
      return await queue.getWorkersCount();
    } finally {
      await queue.close().catch(() => undefined);
    }
  } catch {
    return 0;
  } finally {
    connection.disconnect();
  }
}
