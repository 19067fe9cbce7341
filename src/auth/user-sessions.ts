/**
 * @module A user's live sessions through the store's per-user index (INVARIANTS 13): listed with
 * their decoded data for the sessions page, ended one at a time or all but one. Views use these
 * (through `revokeSession`, `logoutOthers`, `logoutAll`) instead of reaching into the store.
 */
import type { SessionCodec, SessionData } from '../sessions/codec.js';
import type { DeleteUserSessionsOptions, SessionStore } from '../sessions/store.js';

/** One live session of a user. The key never leaves the server (show its public id). */
export interface UserSession {
  readonly key: string;
  readonly expiresAt: Date;
  /** The decoded session data; `{}` when it does not verify. */
  readonly data: SessionData;
}

/** A user's sessions; see the module note. */
export interface UserSessions {
  /** The user's live sessions. */
  list(userId: string): Promise<UserSession[]>;
  /** Ends one session (its record is deleted: the cookie is dead everywhere, ASVS 7.4.1). */
  end(key: string): Promise<void>;
  /** Ends every session of the user, optionally but one; how many. */
  endAll(userId: string, options?: DeleteUserSessionsOptions): Promise<number>;
}

/**
 * The {@link UserSessions} of a store.
 * @example
 * const sessions = createUserSessions(store, codec);
 * await sessions.endAll(user.id, { except: ctx.session.key ?? undefined });
 */
export function createUserSessions(store: SessionStore, codec: SessionCodec): UserSessions {
  return {
    async list(userId) {
      const stored = await store.listUserSessions(userId);
      return stored.map(({ key, record }) => ({
        key,
        expiresAt: record.expiresAt,
        data: codec.decode(record.data) ?? {},
      }));
    },
    end: (key) => store.delete(key),
    endAll: (userId, options) => store.deleteUserSessions(userId, options),
  };
}
