/**
 * @module API tokens in SQL (Django REST framework's `authtoken`, stored hashed): made for a
 * logged-in user and shown once, looked up by the SHA-256 of the token, revoked one at a time
 * (logout with that token) or all at once (log out everywhere, password change).
 */
import { createHash } from 'node:crypto';
import type { Kysely } from 'kysely';
import { type Clock, systemClock } from '../../core/clock.js';
import { failClosed } from '../../core/errors.js';
import type { Database } from '../../db/schema.js';
import { randomString } from '../../sessions/keys.js';
import type { TokenSource } from '../types.js';

const ALPHABET = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789';
/** A token's length: 40 characters, about 238 bits. */
export const TOKEN_LENGTH = 40;

/** The stored form of a token. A token is high-entropy, so an unsalted SHA-256 cannot be reversed. */
export function hashToken(token: string): string {
  return createHash('sha256').update(token, 'utf8').digest('hex');
}

/** A token as listed: never the token itself. */
export interface TokenInfo {
  readonly id: string;
  readonly name: string;
  readonly createdAt: Date;
  readonly lastUsedAt: Date | null;
}

/**
 * Tokens over Kysely; any dialect.
 * @example
 * const tokens = new TokenRepository(db);
 * const token = await tokens.create(user.id); // show it once
 */
export class TokenRepository implements TokenSource {
  readonly #db: Kysely<Database>;
  readonly #clock: Clock;

  constructor(db: Kysely<Database>, options: { readonly clock?: Clock } = {}) {
    this.#db = db;
    this.#clock = options.clock ?? systemClock;
  }

  #run<T>(action: string, run: () => Promise<T>): Promise<T> {
    return failClosed(`Token store unavailable: could not ${action}`, run);
  }

  async create(userId: string, options: { readonly name?: string } = {}): Promise<string> {
    const token = randomString(TOKEN_LENGTH, ALPHABET);
    const name = (options.name ?? 'default').slice(0, 100);
    await this.#run('create a token', () =>
      this.#db
        .insertInto('latchkey_token')
        .values({
          key_hash: hashToken(token),
          user_id: userId,
          name,
          created_at: this.#clock.now(),
          last_used_at: null,
        })
        .execute(),
    );
    return token;
  }

  async authenticate(token: string): Promise<string | null> {
    const row = await this.#run('look up a token', () =>
      this.#db
        .selectFrom('latchkey_token')
        .select(['id', 'user_id'])
        .where('key_hash', '=', hashToken(token))
        .executeTakeFirst(),
    );
    if (row === undefined) return null;
    await this.#run('record token use', () =>
      this.#db
        .updateTable('latchkey_token')
        .set({ last_used_at: this.#clock.now() })
        .where('id', '=', row.id)
        .execute(),
    );
    return row.user_id;
  }

  async revoke(token: string): Promise<boolean> {
    const result = await this.#run('revoke a token', () =>
      this.#db.deleteFrom('latchkey_token').where('key_hash', '=', hashToken(token)).executeTakeFirst(),
    );
    return Number(result.numDeletedRows) > 0;
  }

  async revokeAll(userId: string, options: { readonly except?: string } = {}): Promise<number> {
    const result = await this.#run("revoke a user's tokens", () => {
      let query = this.#db.deleteFrom('latchkey_token').where('user_id', '=', userId);
      if (options.except !== undefined) query = query.where('key_hash', '!=', hashToken(options.except));
      return query.executeTakeFirst();
    });
    return Number(result.numDeletedRows);
  }

  /** The user's tokens, newest first, without their secrets. */
  async list(userId: string): Promise<TokenInfo[]> {
    const rows = await this.#run('list tokens', () =>
      this.#db
        .selectFrom('latchkey_token')
        .select(['id', 'name', 'created_at', 'last_used_at'])
        .where('user_id', '=', userId)
        .orderBy('created_at', 'desc')
        .execute(),
    );
    return rows.map((row) => ({
      id: String(row.id),
      name: row.name,
      createdAt: new Date(Number(row.created_at)),
      lastUsedAt: row.last_used_at === null ? null : new Date(Number(row.last_used_at)),
    }));
  }
}
