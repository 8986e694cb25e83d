/**
 * Payment card numbers (13–19 digits, Luhn-valid, with or without spaces or dashes)
 * are masked to their last four digits before anything is stored or logged.
 */
export interface MaskResult<T> {
  value: T;
  count: number;
}

const CANDIDATE = /\d(?:[ -]?\d){12,}/g;

/**
 * Epoch-millisecond timestamps (2000–2089) are 13 digits and one in ten passes Luhn.
 * No card scheme issues 13-digit numbers below 4, so a 13-digit number in this range is a time.
 */
const EPOCH_MS_MIN = 946_684_800_000;
const EPOCH_MS_MAX = 3_786_912_000_000;
function looksLikeEpochMs(digits: string): boolean {
  if (digits.length !== 13) return false;
  const n = Number(digits);
  return n >= EPOCH_MS_MIN && n <= EPOCH_MS_MAX;
}

export function luhnValid(digits: string): boolean {
  let sum = 0;
  let double = false;
  for (let i = digits.length - 1; i >= 0; i--) {
    let d = digits.charCodeAt(i) - 48;
    if (double) {
      d *= 2;
      if (d > 9) d -= 9;
    }
    sum += d;
    double = !double;
  }
  return sum % 10 === 0;
}

/** Masks every card number inside one string; returns the new string and how many were masked. */
export function maskCardNumbersInText(text: string): MaskResult<string> {
  if (text.length < 13) return { value: text, count: 0 };
  let count = 0;
  const value = text.replace(CANDIDATE, (run: string, offset: number) => {
    // "+4915112345678" is an E.164 phone number; no card number is written after a plus sign.
    if (offset > 0 && text[offset - 1] === '+') return run;
    const masked = maskRun(run);
    count += masked.count;
    return masked.value;
  });
  return { value, count };
}

/**
 * A run of digits (with separators) can hold a card number next to other digits,
 * e.g. "4111 1111 1111 1111 12". Scan windows of 19 down to 13 digits so a card
 * inside a longer run is still found.
 */
function maskRun(run: string): MaskResult<string> {
  const positions: number[] = [];
  for (let i = 0; i < run.length; i++) if (run.charCodeAt(i) >= 48 && run.charCodeAt(i) <= 57) positions.push(i);
  const digits = positions.map((p) => run[p]).join('');
  const hidden = new Array<boolean>(digits.length).fill(false);
  let count = 0;
  let start = 0;
  while (start <= digits.length - 13) {
    let matched = 0;
    for (let len = Math.min(19, digits.length - start); len >= 13; len--) {
      const window = digits.slice(start, start + len);
      if (!looksLikeEpochMs(window) && luhnValid(window)) {
        matched = len;
        break;
      }
    }
    if (matched) {
      for (let k = start; k < start + matched - 4; k++) hidden[k] = true;
      count++;
      start += matched;
    } else {
      start++;
    }
  }
  if (count === 0) return { value: run, count: 0 };
  const chars = run.split('');
  positions.forEach((p, k) => {
    if (hidden[k]) chars[p] = '*';
  });
  return { value: chars.join(''), count };
}

const HAS_CANDIDATE = /\d(?:[ -]?\d){12,}/;

/** True when some string or integer inside could hold a card number; walks without copying. */
function mayHoldCardNumber(v: unknown): boolean {
  if (typeof v === 'string') return v.length >= 13 && HAS_CANDIDATE.test(v);
  if (typeof v === 'number') return Number.isInteger(v) && Math.abs(v) >= 1e12;
  if (Array.isArray(v)) return v.some(mayHoldCardNumber);
  if (v !== null && typeof v === 'object') {
    for (const child of Object.values(v)) if (mayHoldCardNumber(child)) return true;
  }
  return false;
}

/**
 * Fields that identify a record or join two records. They are opaque ids, not payment data: a
 * numeric task id that happens to pass Luhn must stay whole, or two tasks ending in the same
 * four digits would fold into one interaction (and the raw row's subject_id would disagree
 * with its payload). Paths are dotted keys from the event's top level.
 */
export const IDENTIFIER_PATHS: ReadonlySet<string> = new Set([
  'taskId',
  'eventId',
  'executionId',
  'flowId',
  'flowVersionId',
  'nodeId',
  'queue.id',
  'agent.id',
  'variables.user_DR_MediaResourceID',
  'variables.ChatThreadID',
  'variables.LiveChatThreadID',
]);

/**
 * Deep-masks a JSON value. Integers that look like card numbers become masked strings.
 * Values at `keep` paths (dotted keys from the top) are left whole.
 * A value with nothing card-like in it (nearly every event) is returned as is, not copied.
 */
export function maskCardNumbers<T>(value: T, keep: ReadonlySet<string> = new Set()): MaskResult<T> {
  if (!mayHoldCardNumber(value)) return { value, count: 0 };
  let count = 0;
  // `path` is null inside arrays: an id inside an array item is not a field we join on.
  const walk = (v: unknown, path: string | null): unknown => {
    if (path !== null && keep.has(path)) return v;
    if (typeof v === 'string') {
      const r = maskCardNumbersInText(v);
      count += r.count;
      return r.value;
    }
    if (typeof v === 'number') {
      if (!Number.isInteger(v) || Math.abs(v) < 1e12) return v;
      const r = maskCardNumbersInText(String(v));
      if (r.count === 0) return v;
      count += r.count;
      return r.value;
    }
    if (Array.isArray(v)) return v.map((child) => walk(child, null));
    if (v !== null && typeof v === 'object') {
      const out: Record<string, unknown> = {};
      for (const [k, child] of Object.entries(v)) out[k] = walk(child, path === null ? null : path === '' ? k : `${path}.${k}`);
      return out;
    }
    return v;
  };
  const masked = walk(value, '') as T;
  return { value: masked, count };
}

/** Card masking for one task or flow event: identifier fields are kept whole. */
export function maskEventCardNumbers<T>(event: T): MaskResult<T> {
  return maskCardNumbers(event, IDENTIFIER_PATHS);
}
