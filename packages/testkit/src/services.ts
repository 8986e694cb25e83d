import { existsSync } from 'node:fs';

/**
 * Where the tests find Postgres and Redis: DATABASE_URL / REDIS_URL when given (this
 * machine's local servers by default), testcontainers only where a Docker engine exists
 * and no URL was given.
 */
export const DEFAULT_DATABASE_URL = 'postgres://postgres@127.0.0.1:5432/postgres';
export const DEFAULT_REDIS_URL = 'redis://127.0.0.1:6379';

export function dockerAvailable(): boolean {
  return existsSync('/var/run/docker.sock') || Boolean(process.env.DOCKER_HOST);
}

export function withDatabase(url: string, name: string): string {
  const u = new URL(url);
  u.pathname = `/${name}`;
  return u.toString();
}
