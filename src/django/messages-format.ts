/**
 * @module Django's message encoding (`contrib/messages/storage/cookie.py`): the `messages` cookie,
 * signed with Django's cookie signer (key `'django.http.cookies' + SECRET_KEY`, salt
 * `django.contrib.messages`, no timestamp), and the JSON string Django's `SessionStorage` keeps
 * under `_messages`. Each message is `["__json_message", is_safe, level, text(, extra_tags)]`.
 */
import { deflateSync, inflateSync } from 'node:zlib';
import type { Clock } from '../core/clock.js';
import { BadSignatureError } from '../core/errors.js';
import { asciiJson, b64Decode, b64Encode, type SigningKeys, TimestampSigner } from '../core/signing.js';
import type { MessageCookieSigning } from '../messages/cookie-storage.js';

/** Django's `MessageEncoder.message_key`. */
const MESSAGE_KEY = '__json_message';
/** Django's `CookieStorage.key_salt`. */
const COOKIE_SALT = 'django.contrib.messages';
/** Django's `get_cookie_signer` prefixes the secret with this. */
const COOKIE_KEY_PREFIX = 'django.http.cookies';

/** Latchkey's stored message `[level, text(, extraTags)]` as Django's encoded one; other values as they are. */
function toDjangoEntry(entry: unknown): unknown {
  if (!Array.isArray(entry) || typeof entry[0] !== 'number') return entry;
  const [level, text, extraTags] = entry as [number, string, string | undefined];
  return extraTags ? [MESSAGE_KEY, 0, level, text, extraTags] : [MESSAGE_KEY, 0, level, text];
}

/** Django's encoded message as Latchkey's stored one; `null` when it is not one. */
function fromDjangoEntry(entry: unknown): unknown {
  if (!Array.isArray(entry) || entry[0] !== MESSAGE_KEY) return entry;
  const [, , level, text, extraTags] = entry as unknown[];
  if (typeof level !== 'number' || typeof text !== 'string') return null;
  return typeof extraTags === 'string' && extraTags !== '' ? [level, text, extraTags] : [level, text];
}

/**
 * JSON as Python's `json.dumps` writes it with its default separators (`', '` and `': '`), which
 * `SessionStorage.serialize_messages` uses; values are lists and scalars only.
 */
function spacedJson(value: unknown): string {
  if (Array.isArray(value)) return `[${value.map(spacedJson).join(', ')}]`;
  if (value !== null && typeof value === 'object') {
    const items = Object.entries(value).map(([key, item]) => `${asciiJson(key)}: ${spacedJson(item)}`);
    return `{${items.join(', ')}}`;
  }
  return asciiJson(value);
}

/**
 * Latchkey's stored messages as the `_messages` value Django's `SessionStorage` reads: a JSON string.
 * @example
 * toDjangoSessionMessages([[25, 'Saved']]); // '[["__json_message", 0, 25, "Saved"]]'
 */
export function toDjangoSessionMessages(entries: readonly unknown[]): string {
  return spacedJson(entries.map(toDjangoEntry));
}

/**
 * Django's `_messages` session value as Latchkey's stored messages; `null` when it is not one.
 * @example
 * fromDjangoSessionMessages('[["__json_message",0,25,"Saved"]]'); // [[25, 'Saved']]
 */
export function fromDjangoSessionMessages(value: string): unknown[] | null {
  try {
    const parsed: unknown = JSON.parse(value);
    return Array.isArray(parsed) ? parsed.map(fromDjangoEntry) : null;
  } catch {
    return null;
  }
}

/**
 * The `messages` cookie in Django's format (its `get_cookie_signer` is the `SIGNING_BACKEND`, a
 * `TimestampSigner` by default, with no age limit on reading), with `SECRET_KEY_FALLBACKS` accepted
 * when reading (as Django 4.1+ does). Pass it to `createLatchkey`'s `messageCookieSigning`.
 * @example
 * const signing = createDjangoMessageSigning({ secret: settings.SECRET_KEY, fallbacks: [], clock });
 */
export function createDjangoMessageSigning(
  keys: SigningKeys & { readonly clock?: Clock },
): MessageCookieSigning {
  const signer = new TimestampSigner({
    secret: COOKIE_KEY_PREFIX + keys.secret,
    fallbacks: (keys.fallbacks ?? []).map((key) => COOKIE_KEY_PREFIX + key),
    salt: COOKIE_SALT,
    ...(keys.clock === undefined ? {} : { clock: keys.clock }),
  });
  return {
    sign(entries) {
      // Django's `sign_object(..., compress=True)`: zlib only when it saves more than one byte.
      let data = Buffer.from(asciiJson(entries.map(toDjangoEntry)), 'latin1');
      let prefix = '';
      const deflated = deflateSync(data);
      if (deflated.length < data.length - 1) {
        data = deflated;
        prefix = '.';
      }
      return signer.sign(prefix + b64Encode(data));
    },
    unsign(value) {
      let payload = signer.unsign(value);
      const compressed = payload.startsWith('.');
      if (compressed) payload = payload.slice(1);
      const raw = b64Decode(payload);
      if (raw === null) throw new BadSignatureError('Payload is not base64');
      try {
        const data = compressed ? inflateSync(raw, { maxOutputLength: 1024 * 1024 }) : raw;
        const parsed: unknown = JSON.parse(data.toString('latin1'));
        return Array.isArray(parsed) ? parsed.map(fromDjangoEntry) : parsed;
      } catch (error) {
        throw new BadSignatureError('Payload could not be decoded', { cause: error });
      }
    },
  };
}
