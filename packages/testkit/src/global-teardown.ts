import postgres from 'postgres';

export default async function globalTeardown(): Promise<void> {
  const adminUrl = process.env.CXFOLD_TEST_ADMIN_URL;
  const template = process.env.CXFOLD_TEST_TEMPLATE;
  if (adminUrl && template) {
    const sql = postgres(adminUrl, { max: 1, onnotice: () => {} });
    await sql.unsafe(`drop database if exists "${template}" with (force)`).catch(() => undefined);
    await sql.end();
    // Every project's teardown runs; the first one cleans up for all (see global-setup.ts).
    delete process.env.CXFOLD_TEST_TEMPLATE;
  }
  const globals = globalThis as unknown as Record<string, { stop(): Promise<unknown> } | undefined>;
  for (const key of ['__cxfoldPg', '__cxfoldRedis']) {
    const container = globals[key];
    delete globals[key];
    if (container) await container.stop();
  }
}
