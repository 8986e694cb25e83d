import { loadTenantAuth, TENANT_SLUG, type Db, type TenantAuth } from '@cxfold/db';

/**
 * Tenant lookups for the hot path: cached for a few seconds (positive and negative) so a
 * request costs no extra round trip, and a flood of unknown slugs cannot hammer Postgres.
 */
export class TenantDirectory {
  private cache = new Map<string, { value: TenantAuth | null; expires: number }>();

  constructor(
    private readonly db: Db,
    private readonly ttlMs: number,
  ) {}

  /** The answer if it is known without Postgres (cached, or not a valid slug); undefined otherwise. */
  peek(slug: string): TenantAuth | null | undefined {
    if (!TENANT_SLUG.test(slug)) return null;
    const hit = this.cache.get(slug);
    return hit && hit.expires > Date.now() ? hit.value : undefined;
  }

  async get(slug: string): Promise<TenantAuth | null> {
    if (!TENANT_SLUG.test(slug)) return null;
    const now = Date.now();
    const hit = this.cache.get(slug);
    if (hit && hit.expires > now) return hit.value;
    const value = await loadTenantAuth(this.db, slug);
    if (this.cache.size > 10_000) this.cache.clear();
    this.cache.set(slug, { value, expires: now + this.ttlMs });
    return value;
  }

  invalidate(slug?: string): void {
    if (slug) this.cache.delete(slug);
    else this.cache.clear();
  }
}
