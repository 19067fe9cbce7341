/**
 * @module The request-scoped session (Django's `SessionBase`): lazy load, modified/accessed flags,
 * expiry, idle and absolute timeouts, `cycleKey` and `flush`, written once above the store
 * primitives of `store.ts`.
 */
import type { Clock } from '../core/clock.js';
import { CreateError, LatchkeyError, SessionInterruptedError, UpdateError } from '../core/errors.js';
import type { Settings } from '../core/settings.js';
import type { SessionCodec, SessionData } from './codec.js';
import { generateSessionKey, isValidSessionKey } from './keys.js';
import type { SessionRecord, SessionStore } from './store.js';
import {
  startTimeouts,
  TIMEOUT_KEYS,
  type TimeoutPolicy,
  timeoutDeadline,
  touchTimeouts,
} from './timeouts.js';

export { ACTIVITY_KEY, CREATED_KEY } from './timeouts.js';

/** Session data key holding the logged-in user's id (Django's `SESSION_KEY`); feeds the per-user index. */
export const AUTH_USER_ID_KEY = '_auth_user_id';
/** Session data key holding the expiry set by `setExpiry` (Django's name and format). */
export const EXPIRY_KEY = '_session_expiry';

/** The expiry policy a session falls back to when `setExpiry` was not called. */
export interface SessionPolicy extends TimeoutPolicy {
  /** Seconds a session lives (`SESSION_COOKIE_AGE`). */
  readonly cookieAge: number;
  /** `SESSION_EXPIRE_AT_BROWSER_CLOSE`. */
  readonly expireAtBrowserClose: boolean;
}

/**
 * The session policy the settings describe.
 * @example
 * createSessionEngine({ store, codec, clock, policy: sessionPolicyOf(settings) });
 */
export function sessionPolicyOf(
  settings: Pick<
    Settings,
    | 'SESSION_COOKIE_AGE'
    | 'SESSION_EXPIRE_AT_BROWSER_CLOSE'
    | 'SESSION_IDLE_TIMEOUT'
    | 'SESSION_ABSOLUTE_TIMEOUT'
  >,
): SessionPolicy {
  return {
    cookieAge: settings.SESSION_COOKIE_AGE,
    expireAtBrowserClose: settings.SESSION_EXPIRE_AT_BROWSER_CLOSE,
    idleTimeout: settings.SESSION_IDLE_TIMEOUT,
    absoluteTimeout: settings.SESSION_ABSOLUTE_TIMEOUT,
  };
}

/** What every session of one app shares. */
export interface SessionContext {
  readonly store: SessionStore;
  readonly codec: SessionCodec;
  readonly clock: Clock;
  readonly policy: SessionPolicy;
}

/** An expiry: seconds from the last modification, an absolute date, 0 (browser close) or null (the policy). */
export type Expiry = number | Date | null;

const MAX_CREATE_ATTEMPTS = 10;

/**
 * One request's session. Nothing is read from the store until the data is first used, and
 * nothing is written unless {@link Session.save} is called (the HTTP layer does so when
 * `modified` is set).
 * @example
 * const session = engine.open(cookieValue);
 * await session.set('cart', ['apple']);
 * if (session.modified) await session.save();
 */
export class Session<Data extends SessionData = SessionData> {
  readonly #ctx: SessionContext;
  #key: string | null;
  #cache: SessionData | null = null;
  #loading: Promise<SessionData> | null = null;
  #modified = false;
  #accessed = false;

  constructor(ctx: SessionContext, key: string | null) {
    this.#ctx = ctx;
    // INVARIANTS 2: a key of the wrong shape is never even looked up.
    this.#key = isValidSessionKey(key) ? key : null;
  }

  /** The session key, or `null` when there is none (yet). Never show it to the user. */
  get key(): string | null {
    return this.#key;
  }

  /** Whether the data changed in this request and needs saving. */
  get modified(): boolean {
    return this.#modified;
  }

  /** Whether the data was read or written in this request (the response then varies on Cookie). */
  get accessed(): boolean {
    return this.#accessed;
  }

  /** Whether the data has been loaded from the store in this request. */
  get loaded(): boolean {
    return this.#cache !== null;
  }

  /** True when there is no key and no data: nothing to save and no cookie to keep. */
  get isEmpty(): boolean {
    return this.#key === null && (this.#cache === null || Object.keys(this.#cache).length === 0);
  }

  /** Marks the data as changed, for values mutated in place. */
  markModified(): void {
    this.#accessed = true;
    this.#modified = true;
  }

  /** Loads the data once per request. A missing, expired or foreign key yields empty data and drops the key. */
  async load(): Promise<Data> {
    this.#accessed = true;
    if (this.#cache !== null) return this.#cache as Data;
    this.#loading ??= this.#read();
    this.#cache = await this.#loading;
    this.#loading = null;
    return this.#cache as Data;
  }

  async #read(): Promise<SessionData> {
    if (this.#key === null) return {};
    const record = await this.#ctx.store.load(this.#key);
    // The store contract already hides expired records; checking again with the one clock means a
    // lax store can never make the core adopt an expired key (INVARIANTS 2, 11).
    const now = this.#ctx.clock.now();
    if (record === null || record.expiresAt.getTime() <= now) {
      // INVARIANTS 2: never adopt a key the store does not know; the next write gets a fresh one.
      this.#key = null;
      return {};
    }
    const data = this.#ctx.codec.decode(record.data);
    // A payload that does not verify (tampered, or signed with a key no longer accepted) is
    // dropped like an expired one: the cookie is deleted and the next write gets a fresh key
    // (INVARIANTS 2), and the dead record leaves the per-user index (INVARIANTS 13).
    // ASVS 5.0 V7.3.1/V7.3.2: past its idle or absolute timeout the session is over too, whatever
    // the store's own expiry says (SESSION_SAVE_EVERY_REQUEST slides that one forever).
    if (data === null || this.#lapsed(data, now)) {
      await this.#ctx.store.delete(this.#key);
      this.#key = null;
      return {};
    }
    if (touchTimeouts(data, this.#ctx.policy, now)) this.#modified = true;
    return data;
  }

  /** Whether the idle or absolute timeout has passed at `now`. */
  #lapsed(data: SessionData, now: number): boolean {
    const deadline = timeoutDeadline(data, this.#ctx.policy);
    return deadline !== null && deadline <= now;
  }

  /** The value under `name`, or `undefined`. */
  async get<K extends keyof Data & string>(name: K): Promise<Data[K] | undefined> {
    const data = await this.load();
    // Own keys only: `get('constructor')` must not return Object.prototype's.
    return Object.hasOwn(data, name) ? data[name] : undefined;
  }

  /** Whether `name` is set. */
  async has(name: keyof Data & string): Promise<boolean> {
    const data = await this.load();
    return Object.hasOwn(data, name);
  }

  /** Sets `name` to a JSON-serialisable value. */
  async set<K extends keyof Data & string>(name: K, value: Data[K]): Promise<void> {
    const data = await this.load();
    // defineProperty, not `=`: `set('__proto__', …)` must store a value, not swap the prototype.
    Object.defineProperty(data, name, { value, writable: true, enumerable: true, configurable: true });
    this.#modified = true;
  }

  /** Removes `name`; returns the value it had. */
  async pop<K extends keyof Data & string>(name: K): Promise<Data[K] | undefined> {
    const data = await this.load();
    if (!Object.hasOwn(data, name)) return undefined;
    const value = data[name];
    delete (data as SessionData)[name];
    this.#modified = true;
    return value;
  }

  /** Removes `name`. */
  async delete(name: keyof Data & string): Promise<void> {
    await this.pop(name);
  }

  /** A shallow copy of all data. */
  async entries(): Promise<Partial<Data>> {
    return { ...(await this.load()) };
  }

  /**
   * Empties the data but keeps the key and the store record (Django's `clear`). The timeout
   * stamps stay: clearing the data must not restart the absolute timeout.
   */
  async clear(): Promise<void> {
    const data = await this.load();
    const kept: SessionData = {};
    for (const name of TIMEOUT_KEYS) if (Object.hasOwn(data, name)) kept[name] = data[name];
    this.#cache = kept;
    this.#modified = true;
  }

  /**
   * Sets the expiry: seconds of inactivity, an absolute date, 0 for "when the browser closes",
   * or `null` for the global policy (Django's `set_expiry`).
   */
  async setExpiry(value: Expiry): Promise<void> {
    const data = (await this.load()) as SessionData;
    if (value === null) {
      // Django's `set_expiry(None)` only marks the session modified when there was an expiry to drop.
      if (!Object.hasOwn(data, EXPIRY_KEY)) return;
      delete data[EXPIRY_KEY];
    } else if (value instanceof Date && !Number.isNaN(value.getTime()))
      data[EXPIRY_KEY] = value.toISOString();
    else if (typeof value === 'number' && Number.isFinite(value) && value >= 0)
      data[EXPIRY_KEY] = Math.floor(value);
    else throw new TypeError('setExpiry: expected seconds >= 0, a valid Date or null');
    this.#modified = true;
  }

  /**
   * Seconds until the session expires, counted from now (or `modification`); never past the idle
   * or absolute timeout, so neither the record nor the cookie outlives them.
   */
  async getExpiryAge(options?: { modification?: number }): Promise<number> {
    const data = await this.load();
    const modification = options?.modification ?? this.#ctx.clock.now();
    const age = this.#expiryAge(data[EXPIRY_KEY], modification);
    const deadline = timeoutDeadline(data, this.#ctx.policy);
    return deadline === null ? age : Math.min(age, Math.floor((deadline - modification) / 1000));
  }

  #expiryAge(expiry: unknown, modification: number): number {
    if (typeof expiry === 'number' && expiry > 0) return expiry;
    if (typeof expiry === 'string') {
      const at = Date.parse(expiry);
      if (!Number.isNaN(at)) return Math.floor((at - modification) / 1000);
    }
    return this.#ctx.policy.cookieAge;
  }

  /** The date the session expires at, counted from now (or `modification`); capped by the timeouts. */
  async getExpiryDate(options?: { modification?: number }): Promise<Date> {
    const modification = options?.modification ?? this.#ctx.clock.now();
    const data = await this.load();
    const expiry = data[EXPIRY_KEY];
    const at =
      typeof expiry === 'string' && !Number.isNaN(Date.parse(expiry))
        ? Date.parse(expiry)
        : modification + this.#expiryAge(expiry, modification) * 1000;
    const deadline = timeoutDeadline(data, this.#ctx.policy);
    return new Date(deadline === null ? at : Math.min(at, deadline));
  }

  /** Whether the cookie should end with the browser session (expiry 0, or the policy). */
  async getExpireAtBrowserClose(): Promise<boolean> {
    const expiry = (await this.load())[EXPIRY_KEY];
    return expiry === undefined || expiry === null ? this.#ctx.policy.expireAtBrowserClose : expiry === 0;
  }

  async #record(data: SessionData): Promise<SessionRecord> {
    const userId = data[AUTH_USER_ID_KEY];
    return {
      data: this.#ctx.codec.encode(data),
      expiresAt: await this.getExpiryDate(),
      userId: typeof userId === 'string' || typeof userId === 'number' ? String(userId) : null,
    };
  }

  /**
   * Writes the session: creates a record under a fresh key when there is none, else updates the
   * existing one. Throws {@link SessionInterruptedError} when the record was deleted meanwhile
   * (a logout in a concurrent request): the session is never written back (INVARIANTS 1).
   */
  async save(): Promise<void> {
    const data = await this.load();
    if (this.#key === null) {
      await this.#create(data);
      return;
    }
    try {
      await this.#ctx.store.save(this.#key, await this.#record(data));
    } catch (error) {
      if (error instanceof UpdateError) throw new SessionInterruptedError({ cause: error });
      throw error;
    }
  }

  /** The key tag the store asks for `record`'s user ('' when it asks for none or nobody is logged in). */
  #tag(record: SessionRecord): string {
    const { store } = this.#ctx;
    return record.userId === null || store.userKeyTag === undefined ? '' : store.userKeyTag(record.userId);
  }

  async #create(data: SessionData): Promise<void> {
    // A new record (first save, or a new key at login) starts both timeouts afresh.
    startTimeouts(data, this.#ctx.policy, this.#ctx.clock.now());
    await this.#insert(await this.#record(data));
  }

  async #insert(record: SessionRecord): Promise<void> {
    const tag = this.#tag(record);
    for (let attempt = 0; attempt < MAX_CREATE_ATTEMPTS; attempt++) {
      const key = generateSessionKey(tag);
      try {
        await this.#ctx.store.create(key, record);
        this.#key = key;
        this.#modified = true;
        return;
      } catch (error) {
        if (!(error instanceof CreateError)) throw error;
      }
    }
    throw new LatchkeyError(
      'LATCHKEY_KEY_SPACE',
      `No free session key after ${MAX_CREATE_ATTEMPTS} attempts`,
    );
  }

  /**
   * Moves the data to a new key and deletes the old record (against session fixation; login
   * calls it). The new record is written at once.
   */
  async cycleKey(): Promise<void> {
    const data = await this.load();
    const oldKey = this.#key;
    await this.#create(data);
    if (oldKey !== null) await this.#ctx.store.delete(oldKey);
  }

  /** Empties the data, deletes the server record and drops the key (logout calls it). */
  async flush(): Promise<void> {
    this.#cache = {};
    this.#accessed = true;
    this.#modified = true;
    const key = this.#key;
    this.#key = null;
    if (key !== null) await this.#ctx.store.delete(key);
  }
}

/** Creates the per-request sessions of one app. */
export interface SessionEngine {
  readonly store: SessionStore;
  readonly policy: SessionPolicy;
  /** A session for the key a request's cookie carries (or `null`). Costs no store round trip. */
  open<Data extends SessionData = SessionData>(key: string | null | undefined): Session<Data>;
}

/**
 * Binds a store, a codec, a clock and a policy together.
 * @example
 * const engine = createSessionEngine({ store, codec, clock: systemClock, policy: { cookieAge: 1209600, expireAtBrowserClose: false } });
 */
export function createSessionEngine(ctx: SessionContext): SessionEngine {
  return {
    store: ctx.store,
    policy: ctx.policy,
    open<Data extends SessionData = SessionData>(key: string | null | undefined): Session<Data> {
      return new Session<Data>(ctx, key ?? null);
    },
  };
}
