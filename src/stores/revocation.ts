/**
 * @module The revocation state of client-side sessions (`signed_cookies`): a per-user epoch that
 * "log out everywhere" and password changes bump, and a denylist of single session keys (logout,
 * revoke, `cycleKey`'s old key) kept until the session would have expired anyway. It holds no
 * session data, only what is needed to refuse a copied cookie (ASVS 5.0 V7.4.1: logout must
 * invalidate the session server-side, even when the session itself lives on the client).
 */
import { type Clock, systemClock } from '../core/clock.js';

/** What the registry knows about one session key and its user, read in one call per request. */
export interface RevocationStatus {
  /** The key was logged out (or replaced by `cycleKey`). */
  readonly denied: boolean;
  /** The user's current epoch; cookies issued under an older one are dead. 0 for anonymous sessions. */
  readonly epoch: number;
  /** The key spared by the last epoch bump ("log out other sessions"), or `null`. */
  readonly keptKey: string | null;
}

/** Options of {@link RevocationRegistry.bumpEpoch}. */
export interface BumpEpochOptions {
  /** A session key that survives the bump (the current session). */
  readonly keep?: string;
}

/**
 * Where the revocation state lives; the SQL one (`revocation-sql.ts`) is what an app uses.
 * @example
 * const registry: RevocationRegistry = new MemoryRevocationRegistry({ clock });
 * await registry.deny(key, expiresAt);
 */
export interface RevocationRegistry {
  /** The denial of `key` and the epoch of `userId` (`null`: anonymous, epoch 0). */
  status(key: string, userId: string | null): Promise<RevocationStatus>;
  /** Denies `key` until `until` (after which its cookie has expired by itself). */
  deny(key: string, until: Date): Promise<void>;
  /** Increments `userId`'s epoch atomically and returns the new one. */
  bumpEpoch(userId: string, options?: BumpEpochOptions): Promise<number>;
  /** Drops denials whose session has expired; returns how many. */
  clearExpired(): Promise<number>;
  /** Releases what the registry owns (never a shared database). */
  close(): Promise<void>;
}

/** Options of {@link MemoryRevocationRegistry}. */
export interface MemoryRevocationRegistryOptions {
  readonly clock?: Clock;
}

/**
 * An in-process registry, for tests and single-process development: revocations vanish with the
 * process, and with them the power to refuse copied cookies (the session auth hash still ends
 * sessions whose password changed).
 * @example
 * const registry = new MemoryRevocationRegistry({ clock });
 */
export class MemoryRevocationRegistry implements RevocationRegistry {
  readonly #denied = new Map<string, number>();
  readonly #epochs = new Map<string, { epoch: number; keptKey: string | null }>();
  readonly #clock: Clock;

  constructor(options: MemoryRevocationRegistryOptions = {}) {
    this.#clock = options.clock ?? systemClock;
  }

  async status(key: string, userId: string | null): Promise<RevocationStatus> {
    const until = this.#denied.get(key);
    const user = userId === null ? undefined : this.#epochs.get(userId);
    return {
      denied: until !== undefined && until > this.#clock.now(),
      epoch: user?.epoch ?? 0,
      keptKey: user?.keptKey ?? null,
    };
  }

  async deny(key: string, until: Date): Promise<void> {
    const previous = this.#denied.get(key) ?? 0;
    this.#denied.set(key, Math.max(previous, until.getTime()));
  }

  async bumpEpoch(userId: string, options?: BumpEpochOptions): Promise<number> {
    const epoch = (this.#epochs.get(userId)?.epoch ?? 0) + 1;
    this.#epochs.set(userId, { epoch, keptKey: options?.keep ?? null });
    return epoch;
  }

  async clearExpired(): Promise<number> {
    const now = this.#clock.now();
    let removed = 0;
    for (const [key, until] of this.#denied) {
      if (until <= now && this.#denied.delete(key)) removed++;
    }
    return removed;
  }

  async close(): Promise<void> {
    this.#denied.clear();
    this.#epochs.clear();
  }
}
