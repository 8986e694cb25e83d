import type { Me } from './types';

/**
 * The API key lives in sessionStorage: it survives a reload of the tab but not closing it, and
 * other tabs never see it. It is never put in a URL (URLs end up in logs and history). The
 * caller's profile (GET /v1/me) is kept beside it so a reload can draw the screen at once and
 * check the key in the background, instead of waiting for one more round trip first.
 */
const KEY = 'cxfold.apiKey';
const ME = 'cxfold.me';

export function loadKey(): string | null {
  try {
    return sessionStorage.getItem(KEY);
  } catch {
    return null;
  }
}

export function loadMe(): Me | null {
  try {
    const raw = sessionStorage.getItem(ME);
    return raw ? (JSON.parse(raw) as Me) : null;
  } catch {
    return null;
  }
}

export function saveSession(key: string, me: Me): void {
  sessionStorage.setItem(KEY, key);
  sessionStorage.setItem(ME, JSON.stringify(me));
}

export function clearKey(): void {
  sessionStorage.removeItem(KEY);
  sessionStorage.removeItem(ME);
}
