import postgres from 'postgres';

export default async function globalTeardown(): Promise<void> {
  const adminUrl = process.env.CXFOLD_TEST_ADMIN_URL;
  const template = process.env.CXFOLD_TEST_TEMPLATE;
  if (adminUrl && template) {
    const sql = postgres(adminUrl, { max: 1, onnotice: () => {} });
    await sql.unsafe(`drop database if exists "${template}" with (force)`).catch(() => undefined);
    await sql.end();
  }
  for (const key of ['__cxfoldPg', '__cxfoldRedis']) {
    const container = (globalThis as unknown as Record<string, { stop(): Promise<unknown> } | undefined>)[key];
    if (container) await container.stop();
  }
}
