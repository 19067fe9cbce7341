/**
 * @module Session data in Django's own encoding (`SessionBase.encode`/`decode`): `signing.dumps`
 * with the salt `django.contrib.sessions.SessionStore`, the JSON serializer and zlib when shorter;
 * the pre-3.1 format is read too. On top of the encoding, the few keys Django's side needs are kept
 * in its shape: `_auth_user_backend` is added to logged-in sessions (Django's `get_user` ignores a
 * session without a backend it lists), and `_messages` travels as the JSON string Django stores.
 */
import type { Clock } from '../core/clock.js';
import { BadSignatureError } from '../core/errors.js';
import type { Logger } from '../core/logger.js';
import { dumps, loads, type SigningKeys } from '../core/signing.js';
import { MESSAGES_SESSION_KEY } from '../messages/constants.js';
import type { SessionCodec, SessionData } from '../sessions/codec.js';
import { AUTH_USER_ID_KEY } from '../sessions/session.js';
import { decodeLegacySession } from './legacy-session.js';
import { fromDjangoSessionMessages, toDjangoSessionMessages } from './messages-format.js';
import { userIdOf } from './session-index.js';

/** Django's `SessionBase.key_salt` for `django.contrib.sessions.backends.db.SessionStore`. */
export const DJANGO_SESSION_SALT = 'django.contrib.sessions.SessionStore';
/** Django's `BACKEND_SESSION_KEY`. */
export const AUTH_BACKEND_KEY = '_auth_user_backend';
/** Django's default (and usual) authentication backend. */
export const MODEL_BACKEND = 'django.contrib.auth.backends.ModelBackend';
/** Django's `HASH_SESSION_KEY`. */
const AUTH_HASH_KEY = '_auth_user_hash';
/** Latchkey's and Django's `_session_expiry`. */
const EXPIRY_KEY = '_session_expiry';

/** Options of {@link createDjangoSessionCodec}. */
export interface DjangoSessionCodecOptions extends SigningKeys {
  readonly clock: Clock;
  readonly logger: Logger;
  /** Written as `_auth_user_backend` at login; Django's `ModelBackend` by default. */
  readonly backend?: string;
  /**
   * Backends whose sessions Latchkey accepts as logged in (Django's `AUTHENTICATION_BACKENDS`);
   * `[backend]` by default. A session logged in through another one reads as anonymous here.
   */
  readonly acceptedBackends?: readonly string[];
}

/** The Django codec, plus a quiet read of the user id for the store's per-user index. */
export interface DjangoSessionCodec extends SessionCodec {
  /** The `_auth_user_id` a payload holds, or `null` (anonymous or undecodable: not logged here). */
  peekUserId(payload: string): string | null;
}

/**
 * The codec of the `django` session store: every payload it writes is one Django decodes.
 * @example
 * const codec = createDjangoSessionCodec({ secret: settings.SECRET_KEY, clock, logger });
 */
export function createDjangoSessionCodec(options: DjangoSessionCodecOptions): DjangoSessionCodec {
  const backend = options.backend ?? MODEL_BACKEND;
  const accepted = new Set(options.acceptedBackends ?? [backend]);
  const fallbacks = options.fallbacks ?? [];
  const keys = { secret: options.secret, fallbacks, clock: options.clock, salt: DJANGO_SESSION_SALT };
  let quiet = false;
  const corrupted = (reason: string): null => {
    if (!quiet) options.logger.log('warn', 'security.session_corrupted', { reason, format: 'django' });
    return null;
  };

  function toDjango(data: SessionData): SessionData {
    const out: SessionData = { ...data };
    if (out[AUTH_USER_ID_KEY] !== undefined && typeof out[AUTH_BACKEND_KEY] !== 'string')
      out[AUTH_BACKEND_KEY] = backend;
    const messages = out[MESSAGES_SESSION_KEY];
    if (Array.isArray(messages)) out[MESSAGES_SESSION_KEY] = toDjangoSessionMessages(messages);
    const expiry = out[EXPIRY_KEY];
    if (typeof expiry === 'string') {
      // Django 3.2 reads `_session_expiry` as seconds or a datetime object, which JSON cannot carry,
      // and fails on text; an absolute expiry goes as the seconds left (at least 1: 0 means "at
      // browser close").
      const left = Math.ceil((Date.parse(expiry) - options.clock.now()) / 1000);
      out[EXPIRY_KEY] = Number.isFinite(left) ? Math.max(1, left) : null;
      if (out[EXPIRY_KEY] === null) delete out[EXPIRY_KEY];
    }
    return out;
  }

  function fromDjango(data: SessionData): SessionData {
    const messages = data[MESSAGES_SESSION_KEY];
    if (typeof messages === 'string') {
      const parsed = fromDjangoSessionMessages(messages);
      if (parsed === null) delete data[MESSAGES_SESSION_KEY];
      else data[MESSAGES_SESSION_KEY] = parsed;
    }
    const via = data[AUTH_BACKEND_KEY];
    if (data[AUTH_USER_ID_KEY] !== undefined && (typeof via !== 'string' || !accepted.has(via))) {
      // Django's get_user: a backend not in AUTHENTICATION_BACKENDS means an anonymous user.
      options.logger.log('info', 'django.session_backend_not_accepted', { backend: String(via) });
      delete data[AUTH_USER_ID_KEY];
      delete data[AUTH_HASH_KEY];
    }
    return data;
  }

  function decode(payload: string): SessionData | null {
    let data: unknown;
    try {
      data = loads(payload, keys);
    } catch (error) {
      if (!(error instanceof BadSignatureError)) throw error;
      // Django's decode falls back to the pre-3.1 format on a bad signature.
      const legacy = decodeLegacySession(payload, [options.secret, ...fallbacks]);
      if (!legacy.ok) return corrupted(`${error.message}; ${legacy.reason}`);
      data = legacy.data;
    }
    if (data === null || typeof data !== 'object' || Array.isArray(data)) return corrupted('not an object');
    return fromDjango(data as SessionData);
  }

  return {
    decode,
    peekUserId(payload) {
      quiet = true;
      try {
        return userIdOf(decode(payload));
      } finally {
        quiet = false;
      }
    },
    encode(data) {
      // compressMinBytes 0: Django's rule exactly (zlib whenever it is shorter).
      return dumps(toDjango(data), { ...keys, compress: true });
    },
  };
}
