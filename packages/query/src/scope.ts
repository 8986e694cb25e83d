import { and, eq, exists, inArray, sql, type SQL } from 'drizzle-orm';
import { interactions, segments, type ApiPrincipal, type Db } from '@cxfold/db';

/**
 * Row-level access: every query is limited to the key's tenant, and a supervisor to the
 * interactions that touched one of their queues (any leg, not only the last one).
 */
export function interactionScope(db: Db, who: ApiPrincipal): SQL {
  const tenant = eq(interactions.tenant, who.tenant);
  if (who.role === 'admin') return tenant;
  if (who.queues.length === 0) return sql`false`;
  return and(
    tenant,
    exists(
      db
        .select({ one: sql`1` })
        .from(segments)
        .where(and(eq(segments.tenant, interactions.tenant), eq(segments.interactionId, interactions.id), inArray(segments.queueId, who.queues))),
    ),
  )!;
}

/** The same rule for anything keyed by an interaction id column (flow executions). */
export function linkedInteractionScope(db: Db, who: ApiPrincipal, tenantCol: SQL | unknown, interactionIdCol: SQL | unknown): SQL {
  if (who.role === 'admin') return sql`true`;
  if (who.queues.length === 0) return sql`false`;
  return exists(
    db
      .select({ one: sql`1` })
      .from(segments)
      .where(and(sql`${segments.tenant} = ${tenantCol}`, sql`${segments.interactionId} = ${interactionIdCol}`, inArray(segments.queueId, who.queues))),
  );
}
