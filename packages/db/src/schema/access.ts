import { pgTable, text, timestamp, bigserial, jsonb, boolean, index, uniqueIndex } from 'drizzle-orm/pg-core';
import { tenants } from './tenants';

/**
 * Analyst API keys, stored as SHA-256 hashes. `admin` sees every queue; `supervisor` sees
 * only interactions that touched one of `queues` (queue ids). `operator` (admins only) also
 * opens the queue board, which shows and controls every tenant's fold jobs: an installation
 * right, not a tenant's, so no key has it unless made with it.
 */
export const apiKeys = pgTable(
  'api_keys',
  {
    id: text('id').primaryKey(),
    tenant: text('tenant')
      .notNull()
      .references(() => tenants.slug, { onDelete: 'cascade' }),
    keyHash: text('key_hash').notNull(),
    role: text('role').notNull(),
    queues: text('queues').array().notNull().default([]),
    operator: boolean('operator').notNull().default(false),
    label: text('label'),
    createdAt: timestamp('created_at', { withTimezone: true, precision: 3 }).notNull().defaultNow(),
    revokedAt: timestamp('revoked_at', { withTimezone: true, precision: 3 }),
    lastUsedAt: timestamp('last_used_at', { withTimezone: true, precision: 3 }),
  },
  (t) => [uniqueIndex('api_keys_hash_uq').on(t.keyHash), index('api_keys_tenant_idx').on(t.tenant)],
);

/** Saved filter sets of the two list screens, per API key. */
export const savedSearches = pgTable(
  'saved_searches',
  {
    id: bigserial('id', { mode: 'number' }).primaryKey(),
    tenant: text('tenant').notNull(),
    apiKeyId: text('api_key_id')
      .notNull()
      .references(() => apiKeys.id, { onDelete: 'cascade' }),
    /** interactions | flow-executions */
    list: text('list').notNull(),
    name: text('name').notNull(),
    query: jsonb('query').notNull(),
    createdAt: timestamp('created_at', { withTimezone: true, precision: 3 }).notNull().defaultNow(),
    updatedAt: timestamp('updated_at', { withTimezone: true, precision: 3 }).notNull().defaultNow(),
  },
  (t) => [index('saved_searches_key_idx').on(t.apiKeyId, t.list)],
);
