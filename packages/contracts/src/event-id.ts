import { createHash } from 'node:crypto';

/**
 * The event id that makes a delivery idempotent: the Standard Webhooks `webhook-id`
 * header, else the body's eventId, else a stable hash of tenant + body bytes.
 */
export function eventIdFor(tenant: string, headerId: string | undefined, bodyId: unknown, rawBody: Uint8Array | string): string {
  if (headerId) return headerId;
  if (typeof bodyId === 'string' && bodyId.length > 0) return bodyId;
  return `h-${createHash('sha256').update(tenant).update('\n').update(rawBody).digest('hex').slice(0, 40)}`;
}

/**
 * Ids for the items of a flow batch: the item's eventId, else `<webhook-id>#<index>`,
 * else a hash of tenant + the item's JSON (stable for identical items).
 */
export function batchItemEventId(tenant: string, headerId: string | undefined, item: { eventId?: string | undefined }, index: number): string {
  if (item.eventId) return item.eventId;
  if (headerId) return `${headerId}#${index}`;
  return eventIdFor(tenant, undefined, undefined, JSON.stringify(item));
}
