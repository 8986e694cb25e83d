import { createHash } from 'node:crypto';
import { signStandardWebhook, signHub } from '@cxfold/ingest';
import type { NewTenantSecrets } from '@cxfold/db';
import type { Delivery } from './synthetic-day';

export interface SendResult {
  accepted: number;
  duplicates: number;
  rejected: number;
  errors: string[];
  startedAt: number;
  ms: number;
}

/**
 * Sends deliveries as the real senders would: Standard Webhooks signatures for most
 * (the re-sends reuse the webhook-id, as a retrying sender does), the hub secret for some,
 * the flow HTTP node's bearer token for the rest. Retries 503s, counts everything else.
 */
export async function sendDay(opts: {
  baseUrl: string;
  tenant: NewTenantSecrets;
  deliveries: Delivery[];
  concurrency: number;
  onProgress?: (done: number) => void;
}): Promise<SendResult> {
  const result: SendResult = { accepted: 0, duplicates: 0, rejected: 0, errors: [], startedAt: Date.now(), ms: 0 };
  const webhookIds = new Map<string, string>();
  let next = 0;
  let done = 0;
  const sendOne = async (d: Delivery, index: number) => {
    const text = JSON.stringify(d.body);
    // The mode follows the body, so a re-send goes out exactly like the original did.
    const bucket = createHash('sha1').update(text).digest()[0]! % 10;
    const mode = bucket < 7 ? 'webhook' : bucket < 9 ? 'hub' : 'token';
    let headers: Record<string, string>;
    if (mode === 'webhook') {
      // A re-send carries the same webhook-id as the original delivery of the same body.
      const id = webhookIds.get(text) ?? `msg_${index}_${createHash('sha1').update(text).digest('hex').slice(0, 12)}`;
      webhookIds.set(text, id);
      headers = signStandardWebhook(opts.tenant.webhookSecret, id, Math.floor(Date.now() / 1000), text);
    } else if (mode === 'hub') headers = signHub(opts.tenant.hubSecret, text);
    else headers = { authorization: `Bearer ${opts.tenant.token}` };
    for (let attempt = 0; attempt < 5; attempt++) {
      const res = await fetch(`${opts.baseUrl}/v1/hooks/${opts.tenant.tenant}/${d.path}`, { method: 'POST', body: text, headers: { 'content-type': 'application/json', ...headers } });
      const answer = (await res.json()) as { duplicate?: boolean; results?: { duplicate: boolean }[]; detail?: string; errors?: unknown };
      if (res.status === 503) {
        await new Promise((r) => setTimeout(r, 500 * (attempt + 1)));
        continue;
      }
      if (res.status !== 202) {
        result.rejected++;
        if (result.errors.length < 5) result.errors.push(`${res.status} ${d.path}: ${answer.detail ?? ''} ${JSON.stringify(answer.errors ?? '')}`);
        return;
      }
      const items = answer.results ?? [{ duplicate: Boolean(answer.duplicate) }];
      for (const item of items) {
        if (item.duplicate) result.duplicates++;
        else result.accepted++;
      }
      return;
    }
    result.rejected++;
  };
  const lanes = Array.from({ length: opts.concurrency }, async () => {
    while (next < opts.deliveries.length) {
      const index = next++;
      await sendOne(opts.deliveries[index]!, index);
      done++;
      if (done % 500 === 0) opts.onProgress?.(done);
    }
  });
  await Promise.all(lanes);
  opts.onProgress?.(done);
  result.ms = Date.now() - result.startedAt;
  return result;
}
