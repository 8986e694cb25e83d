import { eq } from 'drizzle-orm';
import { createTenant, listTenants, rotateSecret, tenants, type Db } from '@cxfold/db';
import { parse, checkSlug, UsageError } from './args';

const TENANTS_HELP = `usage:
  tenants add <slug> [--timezone Area/City] [--json]   create a tenant and print its secrets
  tenants list [--json]
  tenants rotate-secret <slug> --kind webhook|hub|token [--grace-seconds 86400] [--json]
  tenants set-timezone <slug> <Area/City>`;

function checkTimeZone(tz: string): string {
  try {
    new Intl.DateTimeFormat('en-US', { timeZone: tz });
    return tz;
  } catch {
    throw new UsageError(`unknown time zone "${tz}"`);
  }
}

export async function tenantsCommand(db: Db, argv: string[]): Promise<number> {
  const [sub, ...rest] = argv;
  if (!sub || sub === '--help') {
    process.stdout.write(`${TENANTS_HELP}\n`);
    return sub ? 0 : 2;
  }
  switch (sub) {
    case 'add': {
      const { values, positionals } = parse(rest, { json: { type: 'boolean' }, timezone: { type: 'string' }, help: { type: 'boolean' } });
      if (values.help) return help();
      const slug = checkSlug(positionals[0]);
      const secrets = await createTenant(db, slug, { timeZone: checkTimeZone(String(values.timezone ?? 'UTC')) });
      if (values.json) process.stdout.write(`${JSON.stringify(secrets)}\n`);
      else
        process.stdout.write(
          `tenant ${slug} created; keep these secrets, they are shown once:\n` +
            `  webhook secret (Standard Webhooks): ${secrets.webhookSecret}\n` +
            `  hub secret (x-hub-signature):       ${secrets.hubSecret}\n` +
            `  bearer token:                       ${secrets.token}\n` +
            `  endpoints: /v1/hooks/${slug}/tasks[/{event}], /v1/hooks/${slug}/flows/events\n`,
        );
      return 0;
    }
    case 'list': {
      const { values } = parse(rest, { json: { type: 'boolean' }, help: { type: 'boolean' } });
      if (values.help) return help();
      const rows = await listTenants(db);
      if (values.json) process.stdout.write(`${JSON.stringify(rows.map((r) => ({ tenant: r.slug, timeZone: r.timeZone, authModes: r.authModes, maskCardData: r.maskCardData })))}\n`);
      else for (const r of rows) process.stdout.write(`${r.slug}\t${r.timeZone}\t${r.authModes.join(',')}\n`);
      return 0;
    }
    case 'rotate-secret': {
      const { values, positionals } = parse(rest, { kind: { type: 'string' }, 'grace-seconds': { type: 'string' }, json: { type: 'boolean' }, help: { type: 'boolean' } });
      if (values.help) return help();
      const slug = checkSlug(positionals[0]);
      const kind = values.kind;
      if (kind !== 'webhook' && kind !== 'hub' && kind !== 'token') throw new UsageError('--kind must be webhook, hub or token');
      const grace = Number(values['grace-seconds'] ?? 86_400);
      if (!Number.isInteger(grace) || grace < 0) throw new UsageError('--grace-seconds must be a whole number');
      await requireTenant(db, slug);
      const secret = await rotateSecret(db, slug, kind, grace);
      if (values.json) process.stdout.write(`${JSON.stringify({ tenant: slug, kind, secret, previousExpiresInSeconds: grace })}\n`);
      else process.stdout.write(`new ${kind} secret for ${slug}: ${secret}\nthe previous one stays valid for ${grace} s\n`);
      return 0;
    }
    case 'set-timezone': {
      const { positionals } = parse(rest, {});
      const slug = checkSlug(positionals[0]);
      const tz = checkTimeZone(String(positionals[1] ?? ''));
      await requireTenant(db, slug);
      await db.update(tenants).set({ timeZone: tz }).where(eq(tenants.slug, slug));
      process.stdout.write(`tenant ${slug} now reports in ${tz}\n`);
      return 0;
    }
    default:
      throw new UsageError(`unknown tenants command "${sub}"`);
  }
}

async function requireTenant(db: Db, slug: string): Promise<void> {
  const [row] = await db.select({ slug: tenants.slug }).from(tenants).where(eq(tenants.slug, slug));
  if (!row) throw new Error(`tenant "${slug}" does not exist`);
}

function help(): number {
  process.stdout.write(`${TENANTS_HELP}\n`);
  return 0;
}
