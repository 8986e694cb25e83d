import { pgTable, text, boolean, integer, timestamp, bigserial, index } from 'drizzle-orm/pg-core';

/** A tenant: one contact center whose senders post events under /v1/hooks/{slug}. */
export const tenants = pgTable('tenants', {
  slug: text('slug').primaryKey(),
  name: text('name'),
  timeZone: text('time_zone').notNull().default('UTC'),
  /** Which auth modes the tenant accepts: any subset of standard_webhooks, hub_signature, bearer_token. */
  authModes: text('auth_modes').array().notNull().default(['standard_webhooks', 'hub_signature', 'bearer_token']),
  maskCardData: boolean('mask_card_data').notNull().default(true),
  /** Requests per second allowed from this tenant's senders; null = the process default. */
  rateLimitPerSecond: integer('rate_limit_per_second'),
  createdAt: timestamp('created_at', { withTimezone: true, precision: 3 }).notNull().defaultNow(),
});

/**
 * Signing secrets and tokens. Several may be active at once so a secret rotates without
 * downtime; the old one gets an expiry. HMAC secrets must be stored as-is (we sign with
 * them); bearer tokens are stored as SHA-256 hashes.
 */
export const tenantSecrets = pgTable(
  'tenant_secrets',
  {
    id: bigserial('id', { mode: 'number' }).primaryKey(),
    tenant: text('tenant')
      .notNull()
      .references(() => tenants.slug, { onDelete: 'cascade' }),
    /** webhook (whsec_…) | hub | token_sha256 */
    kind: text('kind').notNull(),
    secret: text('secret').notNull(),
    createdAt: timestamp('created_at', { withTimezone: true, precision: 3 }).notNull().defaultNow(),
    expiresAt: timestamp('expires_at', { withTimezone: true, precision: 3 }),
  },
  (t) => [index('tenant_secrets_tenant_idx').on(t.tenant, t.kind)],
);
