/**
 * @module The request-scoped message store (Django's `FallbackStorage` over `BaseStorage`):
 * messages live in a signed cookie, and what does not fit there in the session.
 */
import type { Clock } from '../core/clock.js';
import { ConfigurationError } from '../core/errors.js';
import type { Logger } from '../core/logger.js';
import type { SigningKeys } from '../core/signing.js';
import {
  DEFAULT_MESSAGE_LEVEL,
  DEFAULT_MESSAGE_TAGS,
  MAX_MESSAGE_COOKIE_SIZE,
  MessageLevel,
} from './constants.js';
import {
  decodeMessageCookie,
  encodeMessageCookie,
  type MessageCookieCodecOptions,
  type MessageCookieSigning,
} from './cookie-storage.js';
import { Message } from './message.js';
import { type MessageSession, readSessionMessages, writeSessionMessages } from './session-storage.js';

export { MESSAGES_COOKIE_NAME } from './constants.js';

/** Options of {@link MessageStore.add} and its helpers. */
export interface AddMessageOptions {
  /** Space-separated tags shown before the level tag. */
  readonly extraTags?: string;
}

/** Options of {@link MessageStore}: what the request brings, and the app's keys, clock and logger. */
export interface MessageStoreOptions {
  /** The messages cookie's value, or nothing when the request had none. */
  readonly cookie: string | null | undefined;
  /** The request's session, for the messages that do not fit in the cookie. */
  readonly session: MessageSession;
  /** `SECRET_KEY` and `SECRET_KEY_FALLBACKS`, so a rotation does not lose messages in flight. */
  readonly keys: SigningKeys;
  readonly clock: Clock;
  readonly logger: Logger;
  /** Lowest level recorded (Django's `MESSAGE_LEVEL`); default `MessageLevel.INFO`. */
  readonly level?: number;
  /** Tags per level, merged over the defaults (Django's `MESSAGE_TAGS`). */
  readonly tags?: Readonly<Record<number, string>>;
  /** Largest cookie value in characters; default 2048 (Django's `max_cookie_size`). */
  readonly maxCookieSize?: number;
  /** The cookie's format; Latchkey's own by default, Django's from `src/django/messages-format.ts`. */
  readonly cookieSigning?: MessageCookieSigning;
}

/** What {@link MessageStore.commit} asks of the response. */
export interface MessageCommit {
  /** A value to set, `null` to delete the cookie (same attributes as when set), `undefined` for no change. */
  readonly cookie: string | null | undefined;
}

// Below this even a single short message plus the continuation marker would not fit.
const MIN_COOKIE_SIZE = 256;

function codecOptions(options: MessageStoreOptions): MessageCookieCodecOptions {
  const maxCookieSize = options.maxCookieSize ?? MAX_MESSAGE_COOKIE_SIZE;
  const problems: string[] = [];
  if (options.level !== undefined && !Number.isSafeInteger(options.level))
    problems.push(`MESSAGE_LEVEL: expected a whole number, got ${options.level}`);
  if (!Number.isSafeInteger(maxCookieSize) || maxCookieSize < MIN_COOKIE_SIZE)
    problems.push(`maxCookieSize: expected a whole number >= ${MIN_COOKIE_SIZE}, got ${maxCookieSize}`);
  for (const [key, tag] of Object.entries(options.tags ?? {})) {
    if (!Number.isSafeInteger(Number(key)) || typeof tag !== 'string')
      problems.push(`MESSAGE_TAGS: expected whole-number levels with string tags, got ${key}`);
  }
  if (problems.length > 0) throw new ConfigurationError(problems);
  return {
    secret: options.keys.secret,
    fallbacks: options.keys.fallbacks ?? [],
    clock: options.clock,
    logger: options.logger,
    levelTags:
      options.tags === undefined ? DEFAULT_MESSAGE_TAGS : { ...DEFAULT_MESSAGE_TAGS, ...options.tags },
    maxCookieSize,
    ...(options.cookieSigning === undefined ? {} : { signing: options.cookieSigning }),
  };
}

/**
 * One request's messages (Django's `FallbackStorage`). Creating it costs nothing: `add` only
 * queues; the cookie is read at `consume` (or at a `commit` that must keep earlier messages), and
 * the session only when the cookie says messages continue there (INVARIANTS 12).
 * @example
 * const messages = new MessageStore({ cookie: cookies.get(MESSAGES_COOKIE_NAME), session, keys, clock, logger });
 * messages.success('Password changed.');
 * const { cookie } = await messages.commit(); // before the session is saved
 */
export class MessageStore {
  readonly #codec: MessageCookieCodecOptions;
  readonly #cookie: string | null | undefined;
  readonly #session: MessageSession;
  #level: number;
  #queued: Message[] = [];
  #loaded: Message[] | null = null;
  #loading: Promise<Message[]> | null = null;
  #used = false;
  #addedNew = false;
  #sessionHeldMessages = false;

  /** Throws {@link ConfigurationError} on a level, tag map or cookie size that cannot work. */
  constructor(options: MessageStoreOptions) {
    this.#codec = codecOptions(options);
    this.#cookie = options.cookie;
    this.#session = options.session;
    this.#level = options.level ?? DEFAULT_MESSAGE_LEVEL;
  }

  /** The lowest level recorded in this request (Django's `set_level`); `add` below it is a no-op. */
  get level(): number {
    return this.#level;
  }

  set level(value: number) {
    if (!Number.isSafeInteger(value)) throw new TypeError('MessageStore: level must be a whole number');
    this.#level = value;
  }

  /** Queues a message for the user. Empty text, or a level below {@link level}, is ignored (as in Django). */
  add(level: number, text: string, options?: AddMessageOptions): void {
    if (!Number.isSafeInteger(level)) throw new TypeError('MessageStore: level must be a whole number');
    if (text === '' || level < this.#level) return;
    this.#addedNew = true;
    const extraTags = options?.extraTags ?? '';
    this.#queued.push(new Message(level, text, { extraTags, levelTags: this.#codec.levelTags }));
  }

  /** `add(MessageLevel.DEBUG, …)`: dropped unless the minimum level is lowered. */
  debug(text: string, options?: AddMessageOptions): void {
    this.add(MessageLevel.DEBUG, text, options);
  }

  /** `add(MessageLevel.INFO, …)`. */
  info(text: string, options?: AddMessageOptions): void {
    this.add(MessageLevel.INFO, text, options);
  }

  /** `add(MessageLevel.SUCCESS, …)`. */
  success(text: string, options?: AddMessageOptions): void {
    this.add(MessageLevel.SUCCESS, text, options);
  }

  /** `add(MessageLevel.WARNING, …)`. */
  warning(text: string, options?: AddMessageOptions): void {
    this.add(MessageLevel.WARNING, text, options);
  }

  /** `add(MessageLevel.ERROR, …)`. */
  error(text: string, options?: AddMessageOptions): void {
    this.add(MessageLevel.ERROR, text, options);
  }

  /**
   * Every pending message, oldest first (earlier requests' then this one's), marked as shown:
   * they are not stored again at `commit` (Django's iteration over the storage).
   */
  async consume(): Promise<Message[]> {
    const loaded = await this.#load();
    this.#used = true;
    loaded.push(...this.#queued);
    this.#queued = [];
    return [...loaded];
  }

  /**
   * Stores the messages not consumed (Django's `update`); call it once at the end of the request,
   * before the session is saved, since overflow goes into the session. An idle request costs nothing.
   */
  async commit(): Promise<MessageCommit> {
    let messages: Message[];
    if (this.#used) messages = this.#queued;
    else if (this.#addedNew) messages = [...(await this.#load()), ...this.#queued];
    else return { cookie: undefined };
    const hadCookie = Boolean(this.#cookie);
    let cookie: string | null | undefined = hadCookie ? null : undefined;
    let rest: Message[] = [];
    if (messages.length > 0) {
      const encoded = encodeMessageCookie(messages, this.#codec);
      cookie = encoded.value;
      rest = encoded.unstored;
    }
    // As Django's `FallbackStorage._store`: the session is written only when messages overflow the
    // cookie, or emptied when it held some. Unlike Django, any cookie the request sent is deleted
    // once nothing is left, a marker-only or tampered one included, so none lingers in the browser.
    if (rest.length > 0 || this.#sessionHeldMessages) {
      await writeSessionMessages(this.#session, rest);
      this.#sessionHeldMessages = rest.length > 0;
    }
    return { cookie };
  }

  #load(): Promise<Message[]> {
    if (this.#loaded !== null) return Promise.resolve(this.#loaded);
    this.#loading ??= this.#read().then((messages) => {
      this.#loaded = messages;
      this.#loading = null;
      return messages;
    });
    return this.#loading;
  }

  async #read(): Promise<Message[]> {
    const value = this.#cookie;
    // Django's `FallbackStorage._get`: no (valid) cookie means no messages anywhere.
    if (!value) return [];
    const decoded = decodeMessageCookie(value, this.#codec);
    if (decoded === null) return [];
    if (decoded.allRetrieved) return decoded.messages;
    const fromSession = await readSessionMessages(this.#session, this.#codec.levelTags);
    this.#sessionHeldMessages = fromSession.length > 0;
    return [...decoded.messages, ...fromSession];
  }
}
