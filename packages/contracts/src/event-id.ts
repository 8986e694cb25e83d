import { createHash } from 'node:crypto';

/** Longest webhook-id used as is (the same bound as a body eventId). */
export const MAX_HEADER_EVENT_ID_BYTES = 200;

/**
 * A webhook-id is unbounded, but the unique index on (tenant, event_id) refuses entries over
 * ~2.7 KB (and the failed insert would sink the whole group commit): a longer id is hashed.
 */
function headerEventId(headerId: string): string {
  if (Buffer.byteLength(headerId) <= MAX_HEADER_EVENT_ID_BYTES) return headerId;
  return `w-${createHash('sha256').update(headerId).digest('hex').slice(0, 40)}`;
}

/**
 * The event id that makes a delivery idempotent: the Standard Webhooks `webhook-id`
 * header, else the body's eventId, else a stable hash of tenant + body bytes. `impliedType`
 * is the event type the URL names when the body does not: the same body posted to
 * /tasks/created and then /tasks/queued is two events, so the type joins the hash.
 */
export function eventIdFor(tenant: string, headerId: string | undefined, bodyId: unknown, rawBody: Uint8Array | string, impliedType?: string): string {
  if (headerId) return headerEventId(headerId);
  if (typeof bodyId === 'string' && bodyId.length > 0) return bodyId;
  const hash = createHash('sha256').update(tenant).update('\n').update(rawBody);
  // Appended only when present, so ids of bodies that name their own type never change.
  if (impliedType) hash.update('\n').update(impliedType);
  return `h-${hash.digest('hex').slice(0, 40)}`;
}

/**
 * Ids for the items of a flow batch: the item's eventId, else `<webhook-id>#<index>`,
 * else a hash of tenant + the item's JSON (stable for identical items).
 */
export function batchItemEventId(tenant: string, headerId: string | undefined, item: { eventId?: string | undefined }, index: number): string {
  if (item.eventId) return item.eventId;
  if (headerId) return `${headerEventId(headerId)}#${index}`;
  return eventIdFor(tenant, undefined, undefined, JSON.stringify(item));
}
