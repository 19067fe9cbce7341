/**
 * @module Remember-me series in SQL (any Kysely dialect): made at a login with the box ticked,
 * found by the hash of the series id, rotated with a compare-and-swap so two parallel requests
 * cannot both rotate (the loser sees the grace case, not theft), and deleted one at a time
 * (logout, "forget this device") or all at once (log out everywhere, password change, theft).
 */
import { createHash } from 'node:crypto';
import type { Kysely } from 'kysely';
import { type Clock, systemClock } from '../../core/clock.js';
import { failClosed } from '../../core/errors.js';
import { constantTimeEquals } from '../../core/signing.js';
import { type Database, toMillis } from '../../db/schema.js';
import { hashRememberPart, newSecret, newSeries, type RememberToken, type StoredSecrets } from './token.js';

/** A live series as the restore logic needs it. */
export interface RememberRecord extends StoredSecrets {
  readonly userId: string;
  readonly expiresAt: Date;
}

/** A remembered device as the sessions page lists it: never a series id or secret. */
export interface RememberedDevice {
  /** A hash of the stored series hash: safe to show and to post back. */
  readonly publicId: string;
  readonly userAgent: string | null;
  readonly ip: string | null;
  readonly createdAt: Date;
  readonly lastUsed: Date;
  readonly expiresAt: Date;
}

/** Where remember-me series live. {@link RememberTokenRepository} implements it over SQL. */
export interface RememberTokenSource {
  /** Starts a series for `userId`; returns the token to put in the cookie (never stored in clear). */
  create(
    userId: string,
    options: { readonly expiresAt: Date; readonly userAgent: string | null; readonly ip: string | null },
  ): Promise<RememberToken>;
  /** The live (unexpired) series, or `null`. */
  find(series: string): Promise<RememberRecord | null>;
  /**
   * Replaces the secret whose hash is `expectedSecretHash` by a new one and returns it; `null` when
   * another request rotated the series first (or it is gone).
   */
  rotate(series: string, expectedSecretHash: string): Promise<string | null>;
  /** Deletes one series; deleting a missing one is not an error. */
  delete(series: string): Promise<void>;
  /** Deletes every series of a user (optionally but one); how many. */
  deleteAll(userId: string, options?: { readonly exceptSeries?: string }): Promise<number>;
  /** The user's live series, most recently used first. */
  list(userId: string): Promise<RememberedDevice[]>;
  /** Deletes the user's series shown as `publicId`; whether there was one. */
  forget(userId: string, publicId: string): Promise<boolean>;
  /** Deletes expired series; how many. */
  clearExpired(): Promise<number>;
}

/** Remember me as the app configures it: where series live, how long, and the grace window. */
export interface RememberMeConfig {
  readonly tokens: RememberTokenSource;
  /** Seconds a series lives from the login that started it (`REMEMBER_ME_AGE`). */
  readonly ageSeconds: number;
  /** Seconds a just-replaced secret is still accepted (`REMEMBER_ME_GRACE_SECONDS`). */
  readonly graceSeconds: number;
}

/** The id a device is shown and posted back by. */
export function rememberedDeviceId(seriesHash: string): string {
  return createHash('sha256').update(`device:${seriesHash}`, 'utf8').digest('hex').slice(0, 32);
}

/**
 * Remember-me series over Kysely.
 * @example
 * const remembered = new RememberTokenRepository(db, { clock });
 * const token = await remembered.create(user.id, { expiresAt, userAgent, ip });
 */
export class RememberTokenRepository implements RememberTokenSource {
  readonly #db: Kysely<Database>;
  readonly #clock: Clock;

  constructor(db: Kysely<Database>, options: { readonly clock?: Clock } = {}) {
    this.#db = db;
    this.#clock = options.clock ?? systemClock;
  }

  #run<T>(action: string, run: () => Promise<T>): Promise<T> {
    // Fail closed (INVARIANTS 10): a store that cannot answer is a 503, never an anonymous guess.
    return failClosed(`Remember-me store unavailable: could not ${action}`, run);
  }

  async create(
    userId: string,
    options: { readonly expiresAt: Date; readonly userAgent: string | null; readonly ip: string | null },
  ): Promise<RememberToken> {
    const token = { series: newSeries(), secret: newSecret() };
    const now = this.#clock.now();
    await this.#run('start a series', () =>
      this.#db
        .insertInto('latchkey_remember_token')
        .values({
          series_hash: hashRememberPart(token.series),
          user_id: userId,
          secret_hash: hashRememberPart(token.secret),
          previous_secret_hash: null,
          rotated_at: now,
          created_at: now,
          expire_date: options.expiresAt.getTime(),
          user_agent: options.userAgent?.slice(0, 256) ?? null,
          ip: options.ip?.slice(0, 64) ?? null,
        })
        .execute(),
    );
    return token;
  }

  async find(series: string): Promise<RememberRecord | null> {
    const row = await this.#run('look up a series', () =>
      this.#db
        .selectFrom('latchkey_remember_token')
        .select(['user_id', 'secret_hash', 'previous_secret_hash', 'rotated_at', 'expire_date'])
        .where('series_hash', '=', hashRememberPart(series))
        .where('expire_date', '>', this.#clock.now())
        .executeTakeFirst(),
    );
    if (row === undefined) return null;
    return {
      userId: row.user_id,
      secretHash: row.secret_hash,
      previousSecretHash: row.previous_secret_hash,
      rotatedAt: toMillis(row.rotated_at),
      expiresAt: new Date(toMillis(row.expire_date)),
    };
  }

  async rotate(series: string, expectedSecretHash: string): Promise<string | null> {
    const secret = newSecret();
    // Compare-and-swap on the old hash: of two requests rotating at once, exactly one wins.
    const result = await this.#run('rotate a series', () =>
      this.#db
        .updateTable('latchkey_remember_token')
        .set({
          secret_hash: hashRememberPart(secret),
          previous_secret_hash: expectedSecretHash,
          rotated_at: this.#clock.now(),
        })
        .where('series_hash', '=', hashRememberPart(series))
        .where('secret_hash', '=', expectedSecretHash)
        .executeTakeFirst(),
    );
    return Number(result.numUpdatedRows) === 1 ? secret : null;
  }

  async delete(series: string): Promise<void> {
    await this.#run('delete a series', () =>
      this.#db
        .deleteFrom('latchkey_remember_token')
        .where('series_hash', '=', hashRememberPart(series))
        .execute(),
    );
  }

  async deleteAll(userId: string, options: { readonly exceptSeries?: string } = {}): Promise<number> {
    const result = await this.#run("delete a user's series", () => {
      let query = this.#db.deleteFrom('latchkey_remember_token').where('user_id', '=', userId);
      if (options.exceptSeries !== undefined)
        query = query.where('series_hash', '!=', hashRememberPart(options.exceptSeries));
      return query.executeTakeFirst();
    });
    return Number(result.numDeletedRows);
  }

  async #rows(userId: string) {
    return this.#run('list series', () =>
      this.#db
        .selectFrom('latchkey_remember_token')
        .select(['series_hash', 'user_agent', 'ip', 'created_at', 'rotated_at', 'expire_date'])
        .where('user_id', '=', userId)
        .where('expire_date', '>', this.#clock.now())
        .execute(),
    );
  }

  async list(userId: string): Promise<RememberedDevice[]> {
    const devices = (await this.#rows(userId)).map((row) => ({
      publicId: rememberedDeviceId(row.series_hash),
      userAgent: row.user_agent,
      ip: row.ip,
      createdAt: new Date(toMillis(row.created_at)),
      lastUsed: new Date(toMillis(row.rotated_at)),
      expiresAt: new Date(toMillis(row.expire_date)),
    }));
    return devices.sort((a, b) => b.lastUsed.getTime() - a.lastUsed.getTime());
  }

  async forget(userId: string, publicId: string): Promise<boolean> {
    const target = (await this.#rows(userId)).find((row) =>
      constantTimeEquals(rememberedDeviceId(row.series_hash), publicId),
    );
    if (target === undefined) return false;
    await this.#run('forget a device', () =>
      this.#db
        .deleteFrom('latchkey_remember_token')
        .where('series_hash', '=', target.series_hash)
        .where('user_id', '=', userId)
        .execute(),
    );
    return true;
  }

  async clearExpired(): Promise<number> {
    const result = await this.#run('clear expired series', () =>
      this.#db
        .deleteFrom('latchkey_remember_token')
        .where('expire_date', '<=', this.#clock.now())
        .executeTakeFirst(),
    );
    return Number(result.numDeletedRows);
  }
}
