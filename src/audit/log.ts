/**
 * @module The audit log: one row per login, logout, failed login, password change or session
 * revocation, with who, when and from where. Rows keep a hash of the session key, never the key,
 * and never a password (INVARIANTS 9; OWASP Logging Cheat Sheet, "Data to exclude").
 */
import type { Kysely } from 'kysely';
import { normalizeUsername } from '../auth/users/normalize.js';
import { type Clock, systemClock } from '../core/clock.js';
import { LatchkeyError, StoreUnavailableError } from '../core/errors.js';
import { type Database, toMillis } from '../db/schema.js';
import { hashSessionKey } from '../sessions/public-id.js';
import { cleanText, decodeDetail, encodeDetail } from './sanitize.js';

/** The events Latchkey records (Django's signal names where Django has one). */
export const AUDIT_EVENTS = [
  'user_logged_in',
  'user_logged_out',
  'user_login_failed',
  'password_changed',
  'password_reset_requested',
  'password_reset',
  'sessions_revoked',
  'user_created',
  'session_restored',
  'remember_token_theft',
  'reauthenticated',
] as const;

/** One of {@link AUDIT_EVENTS}. */
export type AuditEvent = (typeof AUDIT_EVENTS)[number];

/** What to record. Everything but `event` is optional. */
export interface AuditEntry {
  readonly event: AuditEvent;
  readonly userId?: string | null;
  /** The account's username; for `user_login_failed`, the username as typed (never the password). */
  readonly username?: string | null;
  readonly ip?: string | null;
  /** Kept up to {@link USER_AGENT_MAX_LENGTH} characters. */
  readonly userAgent?: string | null;
  /** Stored as `hashSessionKey(sessionKey)`; the key itself is never written. */
  readonly sessionKey?: string | null;
  /** Extra facts, stored as JSON; values under secret-looking keys are redacted. */
  readonly detail?: Readonly<Record<string, unknown>> | null;
}

/** A recorded row. */
export interface AuditRecord {
  readonly id: string;
  /** An {@link AuditEvent}, or a name recorded by a newer version. */
  readonly event: string;
  readonly userId: string | null;
  readonly username: string | null;
  readonly createdAt: Date;
  readonly ip: string | null;
  readonly userAgent: string | null;
  readonly sessionHash: string | null;
  readonly detail: Readonly<Record<string, unknown>> | null;
}

/** Options of {@link AuditLog.list}. */
export interface AuditListOptions {
  /** Only rows naming this username (as stored, or its NFKC form). */
  readonly user?: string;
  /** At most this many rows, 1 to {@link AUDIT_LIST_MAX}; 50 by default. */
  readonly limit?: number;
}

// Checked at run time too: JavaScript callers bypass the type, and the column holds 64 characters.
const EVENT_NAME = /^[a-z][a-z0-9_.]{0,63}$/;

/** Longest user agent kept, in characters. */
export const USER_AGENT_MAX_LENGTH = 512;
/** The most rows one {@link AuditLog.list} call returns. */
export const AUDIT_LIST_MAX = 10_000;

/**
 * Records and lists audit rows in `latchkey_audit`. A database failure throws
 * `StoreUnavailableError`, so the caller decides whether an unrecorded event may proceed.
 * @example
 * const audit = new AuditLog(db, { clock });
 * await audit.record({ event: 'user_logged_in', userId: user.id, username: user.username, sessionKey });
 * const latest = await audit.list({ user: 'alice', limit: 20 });
 */
export class AuditLog {
  readonly #db: Kysely<Database>;
  readonly #clock: Clock;

  constructor(db: Kysely<Database>, options: { readonly clock?: Clock } = {}) {
    this.#db = db;
    this.#clock = options.clock ?? systemClock;
  }

  /** Appends one row stamped with the clock's time. */
  async record(entry: AuditEntry): Promise<void> {
    if (!EVENT_NAME.test(entry.event)) {
      throw new LatchkeyError(
        'LATCHKEY_INVALID_ARGUMENT',
        'Audit event names are lower_snake_case, at most 64 characters',
      );
    }
    const row = {
      event: entry.event,
      user_id: cleanText(entry.userId, 64),
      username: cleanText(entry.username, 150),
      created_at: this.#clock.now(),
      ip: cleanText(entry.ip, 64),
      user_agent: cleanText(entry.userAgent, USER_AGENT_MAX_LENGTH),
      session_hash: entry.sessionKey == null ? null : hashSessionKey(entry.sessionKey),
      detail: entry.detail == null ? null : encodeDetail(entry.detail),
    };
    await this.#run('record an event', () => this.#db.insertInto('latchkey_audit').values(row).execute());
  }

  /** The newest rows first, optionally of one username. */
  async list(options: AuditListOptions = {}): Promise<AuditRecord[]> {
    const limit = options.limit ?? 50;
    if (!Number.isSafeInteger(limit) || limit < 1 || limit > AUDIT_LIST_MAX) {
      throw new LatchkeyError(
        'LATCHKEY_INVALID_ARGUMENT',
        `limit must be a whole number from 1 to ${AUDIT_LIST_MAX}`,
      );
    }
    let query = this.#db.selectFrom('latchkey_audit').selectAll();
    if (options.user !== undefined) {
      const names = [...new Set([options.user, normalizeUsername(options.user)])];
      query = query.where('username', 'in', names);
    }
    const rows = await this.#run('list events', () =>
      query.orderBy('created_at', 'desc').orderBy('id', 'desc').limit(limit).execute(),
    );
    return rows.map((row) => ({
      id: String(row.id),
      event: row.event,
      userId: row.user_id,
      username: row.username,
      createdAt: new Date(toMillis(row.created_at)),
      ip: row.ip,
      userAgent: row.user_agent,
      sessionHash: row.session_hash,
      detail: decodeDetail(row.detail),
    }));
  }

  async #run<T>(action: string, run: () => Promise<T>): Promise<T> {
    try {
      return await run();
    } catch (error) {
      throw new StoreUnavailableError(`Audit log unavailable: could not ${action}`, { cause: error });
    }
  }
}
