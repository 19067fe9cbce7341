/**
 * @module One request's view of the `signed_cookies` store: the store primitives, answering for the
 * session the request's cookie carries (checked against the revocation registry on load) and for
 * the sessions created in this request, whose cookie values the pipeline then sends.
 */
import type { Clock } from '../core/clock.js';
import { CreateError, type LatchkeyError, UpdateError } from '../core/errors.js';
import type {
  DeleteUserSessionsOptions,
  RequestSessionStore,
  SessionRecord,
  StoredSession,
} from '../sessions/store.js';
import type { RevocationRegistry } from './revocation.js';
import type { CookiePayloadCodec, CookieSession } from './signed-cookie-payload.js';

/** What a view needs from its store. */
export interface SignedCookieViewOptions {
  /** The request's cookie, signature verified (`null`: none, or forged). */
  readonly cookie: CookieSession | null;
  readonly codec: CookiePayloadCodec;
  readonly registry: RevocationRegistry;
  readonly clock: Clock;
  readonly maxCookieBytes: number;
  readonly unknownExpiry: number;
  readonly tooLarge: (bytes: number, limit: number) => LatchkeyError;
}

interface Issued {
  readonly session: CookieSession;
  readonly cookie: string;
}

/**
 * A request-scoped {@link RequestSessionStore}; made by `SignedCookieSessionStore.forRequest`.
 * @example
 * const view = store.forRequest(cookieValue);
 * const record = view.key === null ? null : await view.load(view.key);
 */
export class SignedCookieRequestStore implements RequestSessionStore {
  readonly key: string | null;
  readonly #options: SignedCookieViewOptions;
  readonly #issued = new Map<string, Issued>();
  readonly #gone = new Set<string>();

  constructor(options: SignedCookieViewOptions) {
    this.#options = options;
    this.key = options.cookie?.key ?? null;
  }

  /**
   * The live session under `key` in this request, with the epoch a save must carry; `null` when it
   * is unknown, deleted, expired or revoked. The request's own cookie costs one registry call.
   */
  async #live(key: string): Promise<CookieSession | null> {
    if (this.#gone.has(key)) return null;
    const now = this.#options.clock.now();
    const issued = this.#issued.get(key);
    if (issued !== undefined) return issued.session.record.expiresAt.getTime() > now ? issued.session : null;
    const cookie = this.#options.cookie;
    if (cookie === null || cookie.key !== key || cookie.record.expiresAt.getTime() <= now) return null;
    const status = await this.#options.registry.status(key, cookie.record.userId);
    if (status.denied) return null;
    // A cookie issued under the user's current epoch lives; one issued just before the last bump
    // lives only when that bump spared its key ("log out other sessions"), and moves to the new epoch.
    if (cookie.epoch >= status.epoch) return cookie;
    if (status.keptKey === key && cookie.epoch >= status.epoch - 1) return { ...cookie, epoch: status.epoch };
    return null;
  }

  async load(key: string): Promise<SessionRecord | null> {
    return (await this.#live(key))?.record ?? null;
  }

  async exists(key: string): Promise<boolean> {
    return (await this.#live(key)) !== null;
  }

  async create(key: string, record: SessionRecord): Promise<void> {
    if ((await this.#live(key)) !== null) throw new CreateError();
    const status = await this.#options.registry.status(key, record.userId);
    // A denied key would be dead on arrival; the core retries with a fresh one.
    if (status.denied) throw new CreateError();
    this.#issue({ key, record, epoch: status.epoch });
  }

  async save(key: string, record: SessionRecord): Promise<void> {
    // INVARIANTS 1: only a live, unrevoked session is updated, so a save after a concurrent
    // logout (denylist) or "log out everywhere" (epoch) is refused, never written back.
    const current = await this.#live(key);
    if (current === null) throw new UpdateError();
    // The epoch stays the one the session was issued under: taking the current one would revive a
    // session revoked meanwhile. Only a session that changes user takes that user's epoch.
    const epoch =
      current.record.userId === record.userId
        ? current.epoch
        : (await this.#options.registry.status(key, record.userId)).epoch;
    this.#issue({ key, record, epoch });
  }

  #issue(session: CookieSession): void {
    const cookie = this.#options.codec.encode(session);
    const bytes = Buffer.byteLength(cookie);
    if (bytes > this.#options.maxCookieBytes)
      throw this.#options.tooLarge(bytes, this.#options.maxCookieBytes);
    this.#gone.delete(session.key);
    this.#issued.set(session.key, { session, cookie });
  }

  async delete(key: string): Promise<void> {
    const known =
      this.#issued.get(key)?.session ??
      (this.#options.cookie?.key === key ? this.#options.cookie : undefined);
    const until =
      known?.record.expiresAt ?? new Date(this.#options.clock.now() + this.#options.unknownExpiry * 1000);
    // ASVS 5.0 V7.4.1: the key is denied server-side, so a copy of the cookie dies with it.
    await this.#options.registry.deny(key, until);
    this.#issued.delete(key);
    this.#gone.add(key);
  }

  async clearExpired(): Promise<number> {
    return this.#options.registry.clearExpired();
  }

  async listUserSessions(_userId: string): Promise<StoredSession[]> {
    return [];
  }

  async deleteUserSessions(userId: string, options?: DeleteUserSessionsOptions): Promise<number> {
    await this.#options.registry.bumpEpoch(
      userId,
      options?.except === undefined ? {} : { keep: options.except },
    );
    for (const [key, issued] of this.#issued) {
      if (issued.session.record.userId === userId && key !== options?.except) {
        this.#issued.delete(key);
        this.#gone.add(key);
      }
    }
    // The cookies live on clients: how many the bump killed is unknown.
    return 0;
  }

  cookieValue(key: string): string | null {
    return this.#issued.get(key)?.cookie ?? null;
  }

  async close(): Promise<void> {
    // The registry belongs to the store.
  }
}
