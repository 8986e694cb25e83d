import { execFile } from 'node:child_process';
import path from 'node:path';
import type { TestEnv } from './test-env';

const ROOT = path.resolve(__dirname, '../../..');

export interface CliRun {
  /** Exit code; -1 when the process was ended by a signal or the timeout. */
  code: number;
  stdout: string;
  stderr: string;
}

/**
 * The CLI as an operator runs it (`npm run cxfold` is `node --import tsx apps/cli/src/main.ts`):
 * a real child process with the test's database, Redis and queue prefix in its environment.
 */
export function runCli(env: TestEnv, args: string[], overrides: Record<string, string> = {}, timeoutMs = 60_000): Promise<CliRun> {
  return new Promise((resolve) => {
    execFile(
      process.execPath,
      ['--import', 'tsx', 'apps/cli/src/main.ts', ...args],
      { cwd: ROOT, env: { ...process.env, DATABASE_URL: env.databaseUrl, REDIS_URL: env.redisUrl, QUEUE_PREFIX: env.queuePrefix, ...overrides }, timeout: timeoutMs },
      (err, stdout, stderr) => resolve({ code: err ? (typeof err.code === 'number' ? err.code : -1) : 0, stdout, stderr }),
    );
  });
}

/** Runs calls two at a time: each CLI call is a Node start-up, and CI machines have few cores. */
// `any` in the bound: with `unknown` it would become the contextual type of generic callees like json<T>().
// eslint-disable-next-line @typescript-eslint/no-explicit-any
export async function inTwos<T extends (() => Promise<any>)[]>(calls: [...T]): Promise<{ [K in keyof T]: T[K] extends () => Promise<infer R> ? R : never }> {
  const out: unknown[] = new Array(calls.length);
  let next = 0;
  const lane = async () => {
    while (next < calls.length) {
      const i = next++;
      out[i] = await calls[i]!();
    }
  };
  await Promise.all([lane(), lane()]);
  return out as { [K in keyof T]: T[K] extends () => Promise<infer R> ? R : never };
}
