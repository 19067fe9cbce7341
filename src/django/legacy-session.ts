/**
 * @module Reading Django's pre-3.1 session encoding (`SessionBase._legacy_decode`, removed in
 * Django 4.0): `base64(hex(HMAC-SHA1) + ":" + json)`, the HMAC keyed with
 * `sha1("django.contrib.sessions" + "SessionStore" + SECRET_KEY)`. Latchkey only reads it: rows in
 * this format were written before the upgrade and are rewritten in the current one at their next save.
 */
import { createHash, createHmac } from 'node:crypto';
import { constantTimeEquals } from '../core/signing.js';

/** Django's legacy key salt: `"django.contrib.sessions" + self.__class__.__name__`, no dot. */
const LEGACY_KEY_SALT = 'django.contrib.sessionsSessionStore';

/** Django's `salted_hmac(key_salt, value, secret, algorithm='sha1').hexdigest()`. */
function legacyHash(serialized: Buffer, secret: string): string {
  const key = createHash('sha1')
    .update(LEGACY_KEY_SALT + secret)
    .digest();
  return createHmac('sha1', key).update(serialized).digest('hex');
}

/** Why a legacy payload was refused, or the data it held. */
export type LegacyDecodeResult =
  | { readonly ok: true; readonly data: unknown }
  | { readonly ok: false; readonly reason: string };

/**
 * Decodes a pre-3.1 session payload with `SECRET_KEY` or one of its fallbacks.
 * @example
 * const result = decodeLegacySession(row.session_data, [secret]);
 * if (result.ok) use(result.data);
 */
export function decodeLegacySession(payload: string, secrets: readonly string[]): LegacyDecodeResult {
  if (!/^[A-Za-z0-9+/]*={0,2}$/.test(payload)) return { ok: false, reason: 'not base64' };
  const raw = Buffer.from(payload, 'base64');
  const colon = raw.indexOf(0x3a);
  if (colon < 0) return { ok: false, reason: 'no hash separator' };
  const hash = raw.subarray(0, colon).toString('latin1');
  const serialized = raw.subarray(colon + 1);
  let valid = false;
  // Every key is tried, so the time taken does not tell which one matched.
  for (const secret of secrets) valid = constantTimeEquals(hash, legacyHash(serialized, secret)) || valid;
  if (!valid) return { ok: false, reason: 'legacy hash mismatch' };
  try {
    // Django's JSONSerializer decodes as latin-1; its JSON is ASCII, so this reads the same.
    return { ok: true, data: JSON.parse(serialized.toString('latin1')) };
  } catch {
    return { ok: false, reason: 'legacy payload is not JSON' };
  }
}

/**
 * Encodes `data` in the pre-3.1 format: only for tests that need such a row (Django 3.2 writes it
 * with `DEFAULT_HASHING_ALGORITHM = 'sha1'`); Latchkey never writes it.
 * @example
 * const row = encodeLegacySession({ a: 1 }, secret);
 */
export function encodeLegacySession(json: string, secret: string): string {
  const serialized = Buffer.from(json, 'latin1');
  return Buffer.concat([Buffer.from(`${legacyHash(serialized, secret)}:`), serialized]).toString('base64');
}
