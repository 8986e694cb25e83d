/**
 * The API key lives in sessionStorage: it survives a reload of the tab but not closing it, and
 * other tabs never see it. It is never put in a URL (URLs end up in logs and history).
 */
const KEY = 'cxfold.apiKey';

export function loadKey(): string | null {
  try {
    return sessionStorage.getItem(KEY);
  } catch {
    return null;
  }
}

export function saveKey(key: string): void {
  sessionStorage.setItem(KEY, key);
}

export function clearKey(): void {
  sessionStorage.removeItem(KEY);
}
