import { z } from 'zod';

/** A multi-value filter: `?queue=a&queue=b` or `?queue=a,b`. */
const splitList = z
  .union([z.string(), z.array(z.string())])
  .transform((v) => (Array.isArray(v) ? v : v.split(',')).map((s) => s.trim()).filter(Boolean));
export const multiText = (max: number) => splitList.pipe(z.array(z.string().max(max)).max(50));
export const multiEnum = <const T extends readonly [string, ...string[]]>(values: T) => splitList.pipe(z.array(z.enum(values)).max(50));

export const rangeParams = {
  range: z.enum(['today', 'yesterday', 'last7days']).optional().describe('shortcut in the tenant time zone; default today'),
  from: z.string().max(40).optional().describe('YYYY-MM-DD, local date-time, or ISO-8601 instant (tenant zone when no zone given)'),
  to: z.string().max(40).optional().describe('inclusive day (YYYY-MM-DD) or exclusive instant'),
};

export const pageParams = {
  limit: z.coerce.number().int().min(1).max(500).default(50),
  // The longest the API itself writes: a 320-character sort value and a 200-character id, each
  // character up to 6 bytes of JSON (\u escapes), in base64. 1,000 cut off pages sorted by a long non-Latin name.
  cursor: z.string().max(8192).optional().describe('from the previous page’s nextCursor'),
  order: z.enum(['asc', 'desc']).default('desc'),
};

export const INTERACTION_SORTS = ['created', 'closed', 'channel', 'queue', 'agent', 'client', 'did', 'disposition', 'duration', 'acw', 'status'] as const;
export const INTERACTION_STATUSES = ['new', 'queued', 'active', 'closed'] as const;

export const interactionListQuery = z
  .object({
    agent: z.string().min(1).max(200).optional().describe('case-insensitive substring of agent name or id'),
    queue: multiText(200).optional().describe('queue ids'),
    channel: multiText(40).optional(),
    did: z.string().max(320).optional().describe('DID / destination, exact'),
    disposition: z.string().max(100).optional(),
    status: multiEnum(INTERACTION_STATUSES).optional(),
    ...rangeParams,
    sort: z.enum(INTERACTION_SORTS).default('created'),
    ...pageParams,
  })
  .strict();
export type InteractionListQuery = z.output<typeof interactionListQuery>;

export const DURATION_OPS = ['gt', 'lt', 'gte', 'lte'] as const;
export const FLOW_SORTS = ['started', 'ended', 'duration', 'flow', 'entryPoint'] as const;

export const flowListQuery = z
  .object({
    phone: z.string().min(1).max(320).optional(),
    phoneIn: z.enum(['from', 'to', 'both']).default('both'),
    interactionId: z.string().max(200).optional(),
    flowName: multiText(200).optional(),
    entryPoint: multiText(200).optional(),
    version: z.string().max(50).optional(),
    tag: z.string().max(100).optional(),
    duration: z.coerce.number().min(0).max(1e7).optional().describe('seconds, compared with durationOp'),
    durationOp: z.enum(DURATION_OPS).default('gt'),
    ...rangeParams,
    sort: z.enum(FLOW_SORTS).default('started'),
    ...pageParams,
  })
  .strict();
export type FlowListQuery = z.output<typeof flowListQuery>;

export const exportParams = {
  format: z.enum(['csv', 'xlsx', 'pdf']),
  truncate: z.enum(['true', 'false']).default('false').transform((v) => v === 'true'),
};
