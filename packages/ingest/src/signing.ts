import { createHmac } from 'node:crypto';

/** How a sender signs a Standard Webhooks delivery; used by the demo, tests and benchmarks. */
export function signStandardWebhook(secret: string, id: string, timestampS: number, body: string | Buffer): Record<string, string> {
  const key = Buffer.from(secret.startsWith('whsec_') ? secret.slice(6) : secret, 'base64');
  const sig = createHmac('sha256', key).update(`${id}.${timestampS}.`).update(body).digest('base64');
  return { 'webhook-id': id, 'webhook-timestamp': String(timestampS), 'webhook-signature': `v1,${sig}` };
}

/** How Webex Connect signs with a hub secret. */
export function signHub(secret: string, body: string | Buffer, algorithm: 'sha256' | 'sha512' = 'sha256', prefixed = true): Record<string, string> {
  const hex = createHmac(algorithm, secret).update(body).digest('hex');
  return { 'x-hub-signature': prefixed ? `${algorithm}=${hex}` : hex };
}
