import { randomBytes } from 'node:crypto';
import { and, eq, isNull } from 'drizzle-orm';
import type { Db } from './client';
import { apiKeys } from './schema';
import { hashToken } from './tenants-repo';

export type ApiRole = 'admin' | 'supervisor';

export interface ApiPrincipal {
  keyId: string;
  tenant: string;
  role: ApiRole;
  /** Queue ids a supervisor may see; empty for admins (all queues). */
  queues: string[];
  /** May open the queue board, every tenant's jobs (admins only). */
  operator: boolean;
}

export interface NewApiKey {
  key: string;
  id: string;
  role: ApiRole;
  queues: string[];
  operator: boolean;
}

/** Only an admin can be an operator: a supervisor's key is scoped to queues, the board is not. */
export class OperatorRoleError extends Error {
  readonly code = 'OPERATOR_NEEDS_ADMIN' as const;
}

export async function createApiKey(db: Db, tenant: string, role: ApiRole, queues: string[], label?: string, opts: { operator?: boolean } = {}): Promise<NewApiKey> {
  const operator = opts.operator === true;
  if (operator && role !== 'admin') throw new OperatorRoleError('only an admin key can be an operator key');
  const id = `key_${randomBytes(6).toString('hex')}`;
  const key = `cxk_${randomBytes(24).toString('base64url')}`;
  const scoped = role === 'admin' ? [] : [...new Set(queues)];
  await db.insert(apiKeys).values({ id, tenant, keyHash: hashToken(key), role, queues: scoped, operator, label: label ?? null });
  return { key, id, role, queues: scoped, operator };
}

/** The key's principal, or null when unknown or revoked. Keys are looked up by hash only. */
export async function findApiKey(db: Db, key: string): Promise<ApiPrincipal | null> {
  const [row] = await db
    .select({ id: apiKeys.id, tenant: apiKeys.tenant, role: apiKeys.role, queues: apiKeys.queues, operator: apiKeys.operator })
    .from(apiKeys)
    .where(and(eq(apiKeys.keyHash, hashToken(key)), isNull(apiKeys.revokedAt)));
  if (!row || (row.role !== 'admin' && row.role !== 'supervisor')) return null;
  return { keyId: row.id, tenant: row.tenant, role: row.role, queues: row.queues, operator: row.role === 'admin' && row.operator };
}

export async function listApiKeys(db: Db, tenant: string) {
  return db
    .select({ id: apiKeys.id, role: apiKeys.role, queues: apiKeys.queues, operator: apiKeys.operator, label: apiKeys.label, createdAt: apiKeys.createdAt, revokedAt: apiKeys.revokedAt })
    .from(apiKeys)
    .where(eq(apiKeys.tenant, tenant))
    .orderBy(apiKeys.createdAt);
}

export async function revokeApiKey(db: Db, tenant: string, id: string): Promise<boolean> {
  const rows = await db
    .update(apiKeys)
    .set({ revokedAt: new Date() })
    .where(and(eq(apiKeys.tenant, tenant), eq(apiKeys.id, id), isNull(apiKeys.revokedAt)))
    .returning({ id: apiKeys.id });
  return rows.length > 0;
}
