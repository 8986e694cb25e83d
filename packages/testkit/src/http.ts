import { signStandardWebhook, signHub } from '@cxfold/ingest';
import type { NewTenantSecrets } from '@cxfold/db';

export type AuthStyle = 'webhook' | 'hub' | 'hub512' | 'token' | 'none';

let counter = 0;

/** Signs a body the way a real sender would, for the given auth mode. */
export function authHeaders(secrets: NewTenantSecrets, style: AuthStyle, body: string, opts: { webhookId?: string; timestampS?: number } = {}): Record<string, string> {
  switch (style) {
    case 'webhook':
      return signStandardWebhook(secrets.webhookSecret, opts.webhookId ?? `msg_${Date.now()}_${++counter}`, opts.timestampS ?? Math.floor(Date.now() / 1000), body);
    case 'hub':
      return signHub(secrets.hubSecret, body);
    case 'hub512':
      return signHub(secrets.hubSecret, body, 'sha512', false);
    case 'token':
      return { authorization: `Bearer ${secrets.token}` };
    case 'none':
      return {};
  }
}

export interface PostResult {
  status: number;
  body: any; // eslint-disable-line @typescript-eslint/no-explicit-any -- tests inspect arbitrary JSON answers
  headers: Headers;
}

export async function postJson(url: string, body: unknown, headers: Record<string, string> = {}, rawText?: string): Promise<PostResult> {
  const text = rawText ?? JSON.stringify(body);
  const res = await fetch(url, { method: 'POST', body: text, headers: { 'content-type': 'application/json', ...headers } });
  const answer = await res.text();
  let parsed: unknown = answer;
  try {
    parsed = JSON.parse(answer);
  } catch {
    // keep the text
  }
  return { status: res.status, body: parsed, headers: res.headers };
}

/** Posts a body signed with the chosen auth mode to /v1/hooks/{tenant}/{path}. */
export function sendSigned(baseUrl: string, secrets: NewTenantSecrets, path: string, body: unknown, style: AuthStyle = 'token', opts: { webhookId?: string; timestampS?: number } = {}) {
  const text = JSON.stringify(body);
  return postJson(`${baseUrl}/v1/hooks/${secrets.tenant}/${path}`, body, authHeaders(secrets, style, text, opts), text);
}

/** GET a URL; the body parsed as JSON when it is JSON, else the text. Times out after 10 s. */
export async function getJson(url: string, headers: Record<string, string> = {}): Promise<PostResult> {
  const res = await fetch(url, { headers, signal: AbortSignal.timeout(10_000) });
  const answer = await res.text();
  let parsed: unknown = answer;
  try {
    parsed = JSON.parse(answer);
  } catch {
    // keep the text
  }
  return { status: res.status, body: parsed, headers: res.headers };
}
