import { randomBytes, createHash } from 'node:crypto';
import { and, eq, gt, isNull, or, sql as dsql } from 'drizzle-orm';
import type { Db } from './client';
import { tenants, tenantSecrets } from './schema';

export const AUTH_MODES = ['standard_webhooks', 'hub_signature', 'bearer_token'] as const;
export type AuthMode = (typeof AUTH_MODES)[number];
export type SecretKind = 'webhook' | 'hub' | 'token_sha256';

export const TENANT_SLUG = /^[a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?$/;

/** What the receiver needs to authenticate a tenant's requests; expired secrets left out. */
export interface TenantAuth {
  slug: string;
  timeZone: string;
  authModes: AuthMode[];
  maskCardData: boolean;
  rateLimitPerSecond: number | null;
  webhookSecrets: string[];
  hubSecrets: string[];
  tokenHashes: string[];
}

export interface NewTenantSecrets {
  tenant: string;
  webhookSecret: string;
  hubSecret: string;
  token: string;
}

export const newWebhookSecret = () => `whsec_${randomBytes(24).toString('base64')}`;
export const newHubSecret = () => randomBytes(32).toString('hex');
export const newToken = () => `cxf_${randomBytes(24).toString('base64url')}`;
export const hashToken = (token: string) => createHash('sha256').update(token).digest('hex');

export class TenantExistsError extends Error {
  readonly code = 'TENANT_EXISTS' as const;
  constructor(slug: string) {
    super(`tenant "${slug}" already exists`);
  }
}

export async function createTenant(db: Db, slug: string, opts: { name?: string; timeZone?: string } = {}): Promise<NewTenantSecrets> {
  const secrets: NewTenantSecrets = { tenant: slug, webhookSecret: newWebhookSecret(), hubSecret: newHubSecret(), token: newToken() };
  await db.transaction(async (tx) => {
    const inserted = await tx
      .insert(tenants)
      .values({ slug, name: opts.name ?? slug, timeZone: opts.timeZone ?? 'UTC' })
      .onConflictDoNothing()
      .returning({ slug: tenants.slug });
    if (inserted.length === 0) throw new TenantExistsError(slug);
    await tx.insert(tenantSecrets).values([
      { tenant: slug, kind: 'webhook', secret: secrets.webhookSecret },
      { tenant: slug, kind: 'hub', secret: secrets.hubSecret },
      { tenant: slug, kind: 'token_sha256', secret: hashToken(secrets.token) },
    ]);
  });
  return secrets;
}

/**
 * Adds a new secret of `kind` and lets the current ones expire after `graceSeconds`,
 * so senders can switch over without a failed delivery.
 */
export async function rotateSecret(db: Db, slug: string, kind: 'webhook' | 'hub' | 'token', graceSeconds: number): Promise<string> {
  const fresh = kind === 'webhook' ? newWebhookSecret() : kind === 'hub' ? newHubSecret() : newToken();
  const stored: SecretKind = kind === 'token' ? 'token_sha256' : kind;
  await db.transaction(async (tx) => {
    await tx
      .update(tenantSecrets)
      .set({ expiresAt: dsql`now() + make_interval(secs => ${graceSeconds})` })
      .where(and(eq(tenantSecrets.tenant, slug), eq(tenantSecrets.kind, stored), isNull(tenantSecrets.expiresAt)));
    await tx.insert(tenantSecrets).values({ tenant: slug, kind: stored, secret: kind === 'token' ? hashToken(fresh) : fresh });
  });
  return fresh;
}

export async function loadTenantAuth(db: Db, slug: string): Promise<TenantAuth | null> {
  const [tenant] = await db.select().from(tenants).where(eq(tenants.slug, slug));
  if (!tenant) return null;
  const secrets = await db
    .select({ kind: tenantSecrets.kind, secret: tenantSecrets.secret })
    .from(tenantSecrets)
    .where(and(eq(tenantSecrets.tenant, slug), or(isNull(tenantSecrets.expiresAt), gt(tenantSecrets.expiresAt, dsql`now()`))));
  const of = (kind: SecretKind) => secrets.filter((s) => s.kind === kind).map((s) => s.secret);
  return {
    slug: tenant.slug,
    timeZone: tenant.timeZone,
    authModes: tenant.authModes.filter((m): m is AuthMode => (AUTH_MODES as readonly string[]).includes(m)),
    maskCardData: tenant.maskCardData,
    rateLimitPerSecond: tenant.rateLimitPerSecond,
    webhookSecrets: of('webhook'),
    hubSecrets: of('hub'),
    tokenHashes: of('token_sha256'),
  };
}

export async function listTenants(db: Db) {
  return db.select().from(tenants).orderBy(tenants.slug);
}

export async function setTenantAuthModes(db: Db, slug: string, modes: AuthMode[]): Promise<void> {
  await db.update(tenants).set({ authModes: modes }).where(eq(tenants.slug, slug));
}
