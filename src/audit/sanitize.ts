/**
 * @module What the audit log does to request-supplied text before storing it: control characters
 * replaced (no NUL for PostgreSQL, no terminal escapes for `latchkey audit`), lengths capped, and
 * secret-looking detail values redacted (INVARIANTS 9).
 */
import { LatchkeyError } from '../core/errors.js';

/** Largest `detail` JSON stored, in characters. */
export const DETAIL_MAX_LENGTH = 4096;

// C0, DEL and C1 controls, and lone surrogates (which PostgreSQL and MySQL refuse as UTF-8).
const UNSAFE = /[\p{Cc}]|[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/gu;

// Keys whose values must never reach a row, even when a caller passes them by mistake.
const SECRET_KEY_NAME = /pass(word)?|secret|token|session_?key|sessionid|csrf|authorization|cookie/i;

/**
 * `value` with unsafe characters replaced by U+FFFD and cut to `max` code points; `null` for
 * `null`, `undefined` or the empty string.
 * @example
 * cleanText('curl/8\u0000', 512); // 'curl/8\uFFFD'
 */
export function cleanText(value: string | null | undefined, max: number): string | null {
  if (value == null || value === '') return null;
  const cleaned = value.replace(UNSAFE, '\uFFFD');
  const points = [...cleaned];
  return points.length > max ? points.slice(0, max).join('') : cleaned;
}

function redact(value: unknown, depth: number): unknown {
  if (Array.isArray(value)) return depth > 8 ? '[too deep]' : value.map((item) => redact(item, depth + 1));
  if (typeof value !== 'object' || value === null) return value;
  if (depth > 8) return '[too deep]';
  const out: Record<string, unknown> = {};
  for (const [key, item] of Object.entries(value)) {
    out[key] = SECRET_KEY_NAME.test(key) ? '[redacted]' : redact(item, depth + 1);
  }
  return out;
}

/**
 * Serialises `detail` to JSON with secret-looking keys redacted; throws when the JSON would exceed
 * {@link DETAIL_MAX_LENGTH}, which is a bug in the caller rather than something to truncate.
 * @example
 * encodeDetail({ count: 3, password: 'x' }); // '{"count":3,"password":"[redacted]"}'
 */
export function encodeDetail(detail: Readonly<Record<string, unknown>>): string {
  const json = JSON.stringify(redact(detail, 0));
  if (json.length > DETAIL_MAX_LENGTH) {
    throw new LatchkeyError(
      'LATCHKEY_INVALID_ARGUMENT',
      `Audit detail is ${json.length} characters of JSON; the limit is ${DETAIL_MAX_LENGTH}`,
    );
  }
  return json.replace(UNSAFE, (c) => `\\u${c.charCodeAt(0).toString(16).padStart(4, '0')}`);
}

/**
 * Parses a stored `detail`; `null` when absent or not a JSON object.
 * @example
 * decodeDetail('{"count":3}'); // { count: 3 }
 */
export function decodeDetail(text: string | null): Record<string, unknown> | null {
  if (text === null) return null;
  try {
    const value: unknown = JSON.parse(text);
    return typeof value === 'object' && value !== null && !Array.isArray(value)
      ? (value as Record<string, unknown>)
      : null;
  } catch {
    return null;
  }
}
