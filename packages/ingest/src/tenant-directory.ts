import { loadTenantAuth, TENANT_SLUG, type Db, type TenantAuth } from '@cxfold/db';

interface Entry {
  value: TenantAuth | null;
  expires: number;
}

/**
 * Tenant lookups for the hot path: cached for a few seconds (positive and negative) so a
 * request costs no extra round trip, and a flood of unknown slugs cannot hammer Postgres.
 * One lookup per slug at a time (concurrent requests share it), and for one more TTL after
 * expiry the old answer is served while a refresh runs in the background: under load, an
 * expiry no longer stalls every in-flight request of the tenant behind a query.
 */
export class TenantDirectory {
  private cache = new Map<string, Entry>();
  private loading = new Map<string, Promise<TenantAuth | null>>();

  constructor(
    private readonly db: Db,
    private readonly ttlMs: number,
  ) {}

  /** The answer if it is known without waiting for Postgres (cached, or not a valid slug); undefined otherwise. */
  peek(slug: string): TenantAuth | null | undefined {
    if (!TENANT_SLUG.test(slug)) return null;
    const hit = this.cache.get(slug);
    if (!hit) return undefined;
    const now = Date.now();
    if (hit.expires > now) return hit.value;
    if (hit.expires + this.ttlMs > now) {
      this.load(slug).catch(() => {}); // a failed refresh leaves the entry to expire; get() reports errors
      return hit.value;
    }
    return undefined;
  }

  async get(slug: string): Promise<TenantAuth | null> {
    const known = this.peek(slug);
    return known !== undefined ? known : this.load(slug);
  }

  invalidate(slug?: string): void {
    if (slug) this.cache.delete(slug);
    else this.cache.clear();
  }

  private load(slug: string): Promise<TenantAuth | null> {
    let pending = this.loading.get(slug);
    if (!pending) {
      pending = loadTenantAuth(this.db, slug)
        .then((value) => {
          if (this.cache.size > 10_000) this.cache.clear();
          this.cache.set(slug, { value, expires: Date.now() + this.ttlMs });
          return value;
        })
        .finally(() => this.loading.delete(slug));
      this.loading.set(slug, pending);
    }
    return pending;
  }
}
