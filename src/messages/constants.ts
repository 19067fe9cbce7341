/**
 * @module Message levels, their default tags, and the names messages are stored under, after
 * Django's `contrib/messages/constants.py` and `storage/{cookie,session}.py`.
 */

/**
 * The built-in levels (Django's `messages.DEBUG` … `messages.ERROR`). Any whole number works as a
 * level; these are the ones with a default tag and a helper method.
 * @example
 * storage.add(MessageLevel.SUCCESS, 'Profile saved.');
 */
export const MessageLevel = Object.freeze({
  DEBUG: 10,
  INFO: 20,
  SUCCESS: 25,
  WARNING: 30,
  ERROR: 40,
} as const);

/**
 * CSS-friendly tag of each built-in level (Django's `DEFAULT_TAGS`); `MESSAGE_TAGS`-style
 * overrides (the `tags` option of `MessageStore`) are merged on top of it.
 * @example
 * DEFAULT_MESSAGE_TAGS[MessageLevel.ERROR]; // 'error'
 */
export const DEFAULT_MESSAGE_TAGS: Readonly<Record<number, string>> = Object.freeze({
  [MessageLevel.DEBUG]: 'debug',
  [MessageLevel.INFO]: 'info',
  [MessageLevel.SUCCESS]: 'success',
  [MessageLevel.WARNING]: 'warning',
  [MessageLevel.ERROR]: 'error',
});

/**
 * The lowest level recorded by default (Django's `MESSAGE_LEVEL` default): `debug()` is a no-op
 * unless the level is lowered.
 * @example
 * new MessageStore({ cookie, session, keys, clock, logger, level: DEFAULT_MESSAGE_LEVEL });
 */
export const DEFAULT_MESSAGE_LEVEL: number = MessageLevel.INFO;

/**
 * Name of the cookie that carries messages to the next request (Django's `CookieStorage.cookie_name`).
 * @example
 * const value = parseCookies(header).get(MESSAGES_COOKIE_NAME) ?? null;
 */
export const MESSAGES_COOKIE_NAME = 'messages';

/**
 * Session key holding the messages that did not fit in the cookie (Django's `SessionStorage.session_key`).
 * @example
 * await session.has(MESSAGES_SESSION_KEY);
 */
export const MESSAGES_SESSION_KEY = '_messages';

/**
 * Largest messages cookie, in characters. Django's `max_cookie_size`: half of the 4 KB that uwsgi
 * allows for all headers by default, leaving room for the rest (Django ticket #18781).
 * @example
 * new MessageStore({ cookie, session, keys, clock, logger, maxCookieSize: MAX_MESSAGE_COOKIE_SIZE });
 */
export const MAX_MESSAGE_COOKIE_SIZE = 2048;

/**
 * Salt of the messages cookie's signature, so that no other signed value of the app (a session,
 * a token) can be replayed as a messages cookie, nor the other way round.
 * @example
 * loads(cookieValue, { secret, salt: MESSAGES_SALT });
 */
export const MESSAGES_SALT = 'latchkey.messages';
