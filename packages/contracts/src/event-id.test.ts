import { batchItemEventId, eventIdFor } from './event-id';

describe('eventIdFor', () => {
  it('prefers the webhook-id header, then the body eventId', () => {
    expect(eventIdFor('acme', 'wh-1', 'body-1', '{}')).toBe('wh-1');
    expect(eventIdFor('acme', undefined, 'body-1', '{}')).toBe('body-1');
    expect(eventIdFor('acme', '', 'body-1', '{}')).toBe('body-1');
  });

  it('hashes tenant and body bytes otherwise: stable, tenant-scoped, 42 characters', () => {
    const a = eventIdFor('acme', undefined, undefined, '{"taskId":"t"}');
    expect(a).toMatch(/^h-[0-9a-f]{40}$/);
    expect(eventIdFor('acme', undefined, '', new TextEncoder().encode('{"taskId":"t"}'))).toBe(a);
    expect(eventIdFor('other', undefined, undefined, '{"taskId":"t"}')).not.toBe(a);
    expect(eventIdFor('acme', undefined, 42, '{"taskId":"u"}')).not.toBe(a);
  });
});

describe('batchItemEventId', () => {
  it('uses the item eventId, else <webhook-id>#<index>, else a hash of the item', () => {
    expect(batchItemEventId('acme', 'wh-1', { eventId: 'item-1' }, 3)).toBe('item-1');
    expect(batchItemEventId('acme', 'wh-1', {}, 3)).toBe('wh-1#3');
    const hashed = batchItemEventId('acme', undefined, { seq: 1 } as { eventId?: string }, 3);
    expect(hashed).toMatch(/^h-[0-9a-f]{40}$/);
    expect(batchItemEventId('acme', undefined, { seq: 1 } as { eventId?: string }, 7)).toBe(hashed);
  });
});

describe('eventIdFor with a type named only by the URL', () => {
  const body = '{"taskId":"t","timestamp":"2026-01-01T00:00:00Z"}';

  it('gives the same body posted as two event types two ids', () => {
    const created = eventIdFor('acme', undefined, undefined, body, 'CREATED');
    const queued = eventIdFor('acme', undefined, undefined, body, 'QUEUED');
    expect(created).toMatch(/^h-[0-9a-f]{40}$/);
    expect(queued).not.toBe(created);
    expect(eventIdFor('acme', undefined, undefined, body, 'CREATED')).toBe(created);
  });

  it('keeps the id of a body without an implied type as it was', () => {
    expect(eventIdFor('acme', undefined, undefined, body, undefined)).toBe(eventIdFor('acme', undefined, undefined, body));
    expect(eventIdFor('acme', undefined, undefined, body, 'CREATED')).not.toBe(eventIdFor('acme', undefined, undefined, body));
  });
});
