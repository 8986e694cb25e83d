/**
 * A JSON integer beyond ±(2^53 − 1) cannot be held by a JavaScript number: JSON.parse rounds
 * 12345678901234567891 to 12345678901234567000 and the stored event would silently say
 * something else (an order reference, an account number; a 19-digit card number sent as a
 * number would even escape masking, its rounded digits no longer Luhn-valid). Such a literal
 * is kept as a string of its exact digits instead, as card-like integers already are when masked.
 */

/** Digits of an integer literal too long for a double to hold them all (MAX_SAFE_INTEGER has 16). */
const LONG_DIGIT_RUN = /\d{16}/;
const JSON_INTEGER = /^-?[1-9]\d{15,}$/;
const MAX_SAFE_DIGITS = String(Number.MAX_SAFE_INTEGER);

/**
 * The JSON text with every integer literal beyond the safe range (outside strings) written as a
 * string of its digits; the same text when there is none, which a cheap check tells for nearly
 * every body. Only valid JSON integer tokens in value position are quoted (a bare number used
 * as a key stays as it is, invalid), so a text JSON.parse refuses stays refused.
 */
export function quoteUnsafeIntegers(text: string): string {
  if (!LONG_DIGIT_RUN.test(text)) return text;
  let out = '';
  let copiedTo = 0;
  for (let i = 0; i < text.length; ) {
    const c = text.charCodeAt(i);
    if (c === 0x22 /* " */) {
      i = endOfString(text, i);
      continue;
    }
    if (c !== 0x2d /* - */ && !(c >= 0x30 && c <= 0x39)) {
      i++;
      continue;
    }
    let end = i + 1;
    while (end < text.length && isNumberChar(text.charCodeAt(end))) end++;
    if (end - i >= 16 && !followedByColon(text, end)) {
      const token = text.slice(i, end);
      if (JSON_INTEGER.test(token) && beyondSafe(token)) {
        out += `${text.slice(copiedTo, i)}"${token}"`;
        copiedTo = end;
      }
    }
    i = end;
  }
  return copiedTo === 0 ? text : out + text.slice(copiedTo);
}

/** For a valid integer token: more than 16 digits, or 16 above 9007199254740991 (same length, so text order is number order). */
function beyondSafe(token: string): boolean {
  const digits = token.charCodeAt(0) === 0x2d ? token.slice(1) : token;
  return digits.length > MAX_SAFE_DIGITS.length || (digits.length === MAX_SAFE_DIGITS.length && digits > MAX_SAFE_DIGITS);
}

/** A token in key position: quoting it would make an invalid text valid. */
function followedByColon(text: string, from: number): boolean {
  for (let i = from; i < text.length; i++) {
    const c = text.charCodeAt(i);
    if (c === 0x20 || c === 0x09 || c === 0x0a || c === 0x0d) continue;
    return c === 0x3a /* : */;
  }
  return false;
}

/** The index just past the string that opens at `start` (or the text's end, for JSON.parse to refuse). */
function endOfString(text: string, start: number): number {
  for (let i = start + 1; i < text.length; i++) {
    const c = text.charCodeAt(i);
    if (c === 0x5c /* \ */) i++;
    else if (c === 0x22) return i + 1;
  }
  return text.length;
}

/** Characters that continue a number token as JSON.parse would read it (and the ones it would refuse there). */
function isNumberChar(c: number): boolean {
  return (c >= 0x30 && c <= 0x39) || c === 0x2e || c === 0x65 || c === 0x45 || c === 0x2b || c === 0x2d;
}
