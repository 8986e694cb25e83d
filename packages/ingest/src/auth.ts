import { createHmac, createHash, timingSafeEqual } from 'node:crypto';
import type { AuthMode, TenantAuth } from '@cxfold/db';

export interface AuthHeaders {
  webhookId?: string | undefined;
  webhookTimestamp?: string | undefined;
  webhookSignature?: string | undefined;
  hubSignature?: string | undefined;
  authorization?: string | undefined;
}

export type AuthResult = { ok: true; mode: AuthMode } | { ok: false; reason: string };

function safeEqual(a: Buffer, b: Buffer): boolean {
  return a.length === b.length && timingSafeEqual(a, b);
}

/**
 * Authenticates one request against the raw body bytes. The headers present choose the
 * mode; the tenant must have that mode enabled. Every comparison is constant-time.
 */
export function verifyRequest(tenant: TenantAuth, headers: AuthHeaders, rawBody: Buffer, nowMs: number, toleranceS: number): AuthResult {
  if (headers.webhookSignature !== undefined) {
    if (!tenant.authModes.includes('standard_webhooks')) return { ok: false, reason: 'standard webhooks are not enabled for this tenant' };
    return verifyStandardWebhook(tenant.webhookSecrets, headers, rawBody, nowMs, toleranceS);
  }
  if (headers.hubSignature !== undefined) {
    if (!tenant.authModes.includes('hub_signature')) return { ok: false, reason: 'hub signatures are not enabled for this tenant' };
    return verifyHubSignature(tenant.hubSecrets, headers.hubSignature, rawBody);
  }
  if (headers.authorization !== undefined) {
    if (!tenant.authModes.includes('bearer_token')) return { ok: false, reason: 'bearer tokens are not enabled for this tenant' };
    return verifyBearer(tenant.tokenHashes, headers.authorization);
  }
  return { ok: false, reason: 'no credentials: send Standard Webhooks headers, x-hub-signature or a bearer token' };
}

/** Standard Webhooks: HMAC-SHA256 over `id.timestamp.body` with the base64 secret after `whsec_`. */
export function verifyStandardWebhook(secrets: string[], h: AuthHeaders, rawBody: Buffer, nowMs: number, toleranceS: number): AuthResult {
  if (!h.webhookId || !h.webhookTimestamp || !h.webhookSignature) {
    return { ok: false, reason: 'webhook-id, webhook-timestamp and webhook-signature are all required' };
  }
  if (!/^\d{1,12}$/.test(h.webhookTimestamp)) return { ok: false, reason: 'webhook-timestamp must be epoch seconds' };
  const skew = Math.abs(nowMs / 1000 - Number(h.webhookTimestamp));
  if (skew > toleranceS) return { ok: false, reason: `webhook-timestamp is outside the ${toleranceS} s tolerance` };
  const offered = h.webhookSignature
    .split(' ')
    .map((s) => s.trim())
    .filter((s) => s.startsWith('v1,'))
    .map((s) => Buffer.from(s.slice(3), 'base64'));
  if (offered.length === 0) return { ok: false, reason: 'webhook-signature holds no v1 signature' };
  const prefix = Buffer.from(`${h.webhookId}.${h.webhookTimestamp}.`);
  for (const secret of secrets) {
    const key = Buffer.from(secret.startsWith('whsec_') ? secret.slice(6) : secret, 'base64');
    const expected = createHmac('sha256', key).update(prefix).update(rawBody).digest();
    if (offered.some((sig) => safeEqual(sig, expected))) return { ok: true, mode: 'standard_webhooks' };
  }
  return { ok: false, reason: 'no webhook-signature matches' };
}

/** Webex Connect hub secret: hex HMAC-SHA256 or HMAC-SHA512 of the body, optionally prefixed. */
export function verifyHubSignature(secrets: string[], header: string, rawBody: Buffer): AuthResult {
  const match = /^(?:(sha256|sha512)=)?([0-9a-fA-F]+)$/.exec(header.trim());
  if (!match) return { ok: false, reason: 'x-hub-signature must be hex, optionally prefixed sha256= or sha512=' };
  const hex = match[2]!;
  const algorithm = match[1] ?? (hex.length === 128 ? 'sha512' : 'sha256');
  const offered = Buffer.from(hex, 'hex');
  for (const secret of secrets) {
    if (safeEqual(offered, createHmac(algorithm, secret).update(rawBody).digest())) return { ok: true, mode: 'hub_signature' };
  }
  return { ok: false, reason: 'x-hub-signature does not match' };
}

export function verifyBearer(tokenHashes: string[], authorization: string): AuthResult {
  const match = /^Bearer\s+(\S+)$/i.exec(authorization.trim());
  if (!match) return { ok: false, reason: 'authorization must be "Bearer <token>"' };
  const offered = createHash('sha256').update(match[1]!).digest();
  if (tokenHashes.some((h) => safeEqual(offered, Buffer.from(h, 'hex')))) return { ok: true, mode: 'bearer_token' };
  return { ok: false, reason: 'bearer token is not valid' };
}
