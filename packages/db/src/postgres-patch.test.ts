import postgres from 'postgres';

/**
 * npm ci applies patches/postgres+3.4.9.patch (postinstall: patch-package). Without it every
 * finished query's objects are promoted to the old generation and the receiver's young
 * collections take twice as long (docs/performance.md, "The promoted garbage, found"). A new
 * postgres.js version needs the patch redone, or dropped if upstream fixed the constructor.
 */
describe('postgres.js as installed', () => {
  test('a query settles through methods on its prototype, not closures over its constructor', async () => {
    // Building a query does not connect; it runs only when awaited.
    const sql = postgres('postgres://nobody@127.0.0.1:1/none', { max: 1 });
    const query = sql`select 1`;
    expect(Object.hasOwn(query, 'resolve')).toBe(false);
    expect(Object.hasOwn(query, 'reject')).toBe(false);
    // postgres.js' internal Query (its types do not show it); the connection calls query.resolve(rows).
    expect(typeof (query as unknown as { resolve: unknown }).resolve).toBe('function');
    await sql.end({ timeout: 0 });
  });
});
