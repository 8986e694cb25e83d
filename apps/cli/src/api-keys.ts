import { eq } from 'drizzle-orm';
import { createApiKey, listApiKeys, revokeApiKey, tenants, type Db } from '@cxfold/db';
import { parse, checkSlug, UsageError } from './args';

const HELP = `usage:
  api-keys create --tenant <slug> --role admin|supervisor [--queues q1,q2] [--operator] [--label text] [--json]
      --operator (admins only): the key also opens the queue board at /admin/queues, which
      shows and controls every tenant's fold jobs; give it to the installation's operators only
  api-keys list --tenant <slug> [--json]
  api-keys revoke --tenant <slug> <key-id>`;

export async function apiKeysCommand(db: Db, argv: string[]): Promise<number> {
  const [sub, ...rest] = argv;
  if (!sub || sub === '--help') {
    process.stdout.write(`${HELP}\n`);
    return sub ? 0 : 2;
  }
  const { values, positionals } = parse(rest, {
    tenant: { type: 'string' },
    role: { type: 'string' },
    queues: { type: 'string' },
    operator: { type: 'boolean' },
    label: { type: 'string' },
    json: { type: 'boolean' },
    help: { type: 'boolean' },
  });
  if (values.help) {
    process.stdout.write(`${HELP}\n`);
    return 0;
  }
  const tenant = checkSlug(values.tenant as string | undefined);
  const [exists] = await db.select({ slug: tenants.slug }).from(tenants).where(eq(tenants.slug, tenant));
  if (!exists) throw new Error(`tenant "${tenant}" does not exist`);
  switch (sub) {
    case 'create': {
      const role = values.role;
      if (role !== 'admin' && role !== 'supervisor') throw new UsageError('--role must be admin or supervisor');
      const queues = String(values.queues ?? '')
        .split(',')
        .map((q) => q.trim())
        .filter(Boolean);
      if (role === 'supervisor' && queues.length === 0) throw new UsageError('a supervisor needs --queues q1,q2');
      const operator = values.operator === true;
      if (operator && role !== 'admin') throw new UsageError('--operator is for admin keys only');
      const k = await createApiKey(db, tenant, role, queues, values.label as string | undefined, { operator });
      if (values.json) process.stdout.write(`${JSON.stringify({ key: k.key, role: k.role, queues: k.queues, operator: k.operator, id: k.id })}\n`);
      else process.stdout.write(`api key ${k.id} (${k.role}${k.operator ? ', operator' : ''}${k.queues.length ? `: ${k.queues.join(', ')}` : ''}); shown once:\n  ${k.key}\n`);
      return 0;
    }
    case 'list': {
      const rows = await listApiKeys(db, tenant);
      if (values.json) process.stdout.write(`${JSON.stringify(rows)}\n`);
      else for (const r of rows) process.stdout.write(`${r.id}\t${r.role}${r.operator ? '+operator' : ''}\t${r.queues.join(',') || '*'}\t${r.revokedAt ? 'revoked' : 'active'}\t${r.label ?? ''}\n`);
      return 0;
    }
    case 'revoke': {
      const id = positionals[0];
      if (!id) throw new UsageError('give the key id to revoke');
      if (!(await revokeApiKey(db, tenant, id))) throw new Error(`no active key ${id} for tenant ${tenant}`);
      process.stdout.write(`revoked ${id}\n`);
      return 0;
    }
    default:
      throw new UsageError(`unknown api-keys command "${sub}"`);
  }
}
