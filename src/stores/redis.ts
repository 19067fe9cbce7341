/**
 * @module `latchkey/stores/redis`: a session store on Redis: one server, Sentinel-managed primaries or
 * Redis Cluster (the key layout of `redis-scripts.ts` keeps every script in one hash slot). Connect with
 * `createRedisSessionStore` (`redis-connect.ts`).
 *
 * Expiry is judged by the injected clock, and native TTLs are computed from it too (INVARIANTS 11).
 * Replication is asynchronous: a write a primary acknowledged can be lost if it fails before a replica
 * has it. `waitReplicas` makes logouts wait (Redis `WAIT`) until that many replicas hold the delete, so
 * a promoted replica cannot bring a logged-out session back; see the README's store table.
 */
import { type Clock, systemClock } from '../core/clock.js';
import { CreateError, StoreUnavailableError, UpdateError } from '../core/errors.js';
import type {
  DeleteUserSessionsOptions,
  SessionRecord,
  SessionStore,
  StoredSession,
} from '../sessions/store.js';
import {
  indexName,
  recordName,
  type Script,
  scripts,
  TAG_LENGTH,
  tagBase,
  userTag,
} from './redis-scripts.js';

/** A pipeline of {@link RedisClient}: a script and `WAIT` sent together to the script's node. */
export interface RedisPipeline {
  evalsha(sha1: string, numkeys: number, ...args: (string | number)[]): RedisPipeline;
  eval(script: string, numkeys: number, ...args: (string | number)[]): RedisPipeline;
  wait(numreplicas: number, timeout: number): RedisPipeline;
  exec(): Promise<[Error | null, unknown][] | null>;
}

/**
 * The few client methods the store calls, so any client of that shape works (ioredis's `Redis` and
 * `Cluster` fit as they are) and this module needs no driver.
 */
export interface RedisClient {
  hmget(key: string, ...fields: string[]): Promise<(string | null)[]>;
  evalsha(sha1: string, numkeys: number, ...args: (string | number)[]): Promise<unknown>;
  eval(script: string, numkeys: number, ...args: (string | number)[]): Promise<unknown>;
  scan(
    cursor: string,
    match: 'MATCH',
    pattern: string,
    count: 'COUNT',
    n: number,
  ): Promise<[string, string[]]>;
  quit(): Promise<unknown>;
  disconnect?(reconnect?: boolean): void;
  /** A cluster client's primaries (SCAN runs on each); absent on a single server. */
  nodes?(role: 'master'): RedisClient[];
  /** Needed for `waitReplicas`. */
  pipeline?(): RedisPipeline;
}

/** Options of {@link RedisSessionStore}. */
export interface RedisSessionStoreOptions {
  readonly client: RedisClient;
  /**
   * Prefix of every key the store writes: `createRedisSessionStore` derives one from the database's id
   * unless given one (INVARIANTS 15). Must not contain `{` or `}` (the hash tags are the store's).
   * Default `latchkey:session:`.
   */
  readonly prefix?: string;
  readonly clock?: Clock;
  /** Quit `client` on `close()`. Leave it off (the default) when the application shares the client. */
  readonly quitOnClose?: boolean;
  /**
   * Replicas that must acknowledge a logout (`delete`, `deleteUserSessions`) within `timeoutMs` (Redis
   * `WAIT`) before it succeeds; if fewer do, it fails with `StoreUnavailableError` (the delete is done on
   * the primary and a retry is harmless). Default: none.
   */
  readonly waitReplicas?: { readonly replicas: number; readonly timeoutMs: number };
}

// How long a cache fill may take (see `reserveFill`), also how long a "user purged" marker lives. A
// database call slower than this could fill the cache with data older than a write that overtook it.
const FILL_LEASE_MS = 15_000;
const SCAN_BATCH = 500;

/** Whether a cache fill follows a database read or a database write (see `reserveFill`). */
export type FillIntent = 'read' | 'write';

function userArg(value: string | null | undefined): string {
  return value === null || value === undefined ? '' : `=${value}`;
}

function expiryArg(record: SessionRecord): string {
  const ms = record.expiresAt.getTime();
  if (!Number.isFinite(ms)) throw new TypeError('SessionRecord.expiresAt is not a valid date');
  return String(ms);
}

function unavailable(operation: string, cause: unknown): StoreUnavailableError {
  // INVARIANTS 9: ioredis attaches the failed command's arguments (session keys, payloads) to reply
  // errors; keep the error and the command name, drop the arguments.
  if (typeof cause === 'object' && cause !== null && 'command' in cause) {
    const { command } = cause as { command?: { name?: unknown } };
    Object.assign(cause, { command: { name: command?.name } });
  }
  return new StoreUnavailableError(`Session store unavailable: could not ${operation}`, { cause });
}

function isNoScript(error: unknown): boolean {
  return error instanceof Error && error.message.startsWith('NOSCRIPT');
}

function isTimeout(error: unknown): boolean {
  return error instanceof Error && error.message === 'Command timed out';
}

/** Whether a logged-in record may live under `key` (see `redis-scripts.ts`). */
function fits(key: string, record: SessionRecord): boolean {
  return record.userId === null || key.slice(0, TAG_LENGTH) === userTag(record.userId);
}

function checkFit(key: string, record: SessionRecord): void {
  if (!fits(key, record))
    throw new TypeError(
      "RedisSessionStore: a logged-in session's key must start with userKeyTag(userId); log users in with login(), which picks such a key",
    );
}

/** Where a script runs: a key of its slot (for routing) and that slot's base. */
interface Slot {
  readonly key: string;
  readonly base: string;
}

/**
 * A session store on Redis. Commands that fail reject with `StoreUnavailableError`.
 * @example
 * const store = new RedisSessionStore({ client: new Redis(url, { ...FAIL_FAST_REDIS_OPTIONS }) });
 */
export class RedisSessionStore implements SessionStore {
  readonly #client: RedisClient;
  readonly #prefix: string;
  readonly #clock: Clock;
  readonly #quitOnClose: boolean;
  readonly #wait: { readonly replicas: number; readonly timeoutMs: number } | null;

  constructor(options: RedisSessionStoreOptions) {
    const prefix = options.prefix ?? 'latchkey:session:';
    if (typeof prefix !== 'string' || prefix.length === 0 || /[{}]/.test(prefix)) {
      throw new TypeError('RedisSessionStore: prefix must be a non-empty string without { or }');
    }
    this.#client = options.client;
    this.#prefix = prefix;
    this.#clock = options.clock ?? systemClock;
    this.#quitOnClose = options.quitOnClose ?? false;
    const wait = options.waitReplicas;
    this.#wait = wait !== undefined && wait.replicas > 0 ? wait : null;
  }

  /** The prefix of every key this store writes. */
  get prefix(): string {
    return this.#prefix;
  }

  userKeyTag(userId: string): string {
    return userTag(userId);
  }

  async #call<T>(operation: string, work: () => Promise<T>): Promise<T> {
    try {
      return await work();
    } catch (error) {
      // A hung server (SIGSTOP, a stalled network) answers nothing: drop the connection, so that until
      // it answers again every command fails at once, as with a dead one, rather than each waiting for
      // its own timeout. A cluster client keeps its other shards' connections.
      if (isTimeout(error) && this.#client.nodes === undefined) this.#client.disconnect?.(true);
      throw unavailable(operation, error);
    }
  }

  #sessionSlot(key: string): Slot {
    return { key: recordName(this.#prefix, key), base: tagBase(this.#prefix, key.slice(0, TAG_LENGTH)) };
  }

  #userSlot(userId: string): Slot {
    return { key: indexName(this.#prefix, userId), base: tagBase(this.#prefix, userTag(userId)) };
  }

  /** Runs a script by its SHA1, sending its text only when Redis has not cached it (NOSCRIPT). */
  #run(operation: string, { lua, sha }: Script, slot: Slot, args: (string | number)[]): Promise<unknown> {
    const argv: (string | number)[] = [slot.key, slot.base, this.#clock.now(), ...args];
    return this.#call(operation, async () => {
      try {
        return await this.#client.evalsha(sha, 1, ...argv);
      } catch (error) {
        if (!isNoScript(error)) throw error;
        return await this.#client.eval(lua, 1, ...argv);
      }
    });
  }

  /** {@link #run}, then `WAIT` on the same node when `waitReplicas` asks for it. */
  #runDurably(operation: string, script: Script, slot: Slot, args: (string | number)[]): Promise<unknown> {
    const wait = this.#wait;
    const pipeline = this.#client.pipeline;
    if (wait === null || pipeline === undefined) return this.#run(operation, script, slot, args);
    const argv: (string | number)[] = [slot.key, slot.base, this.#clock.now(), ...args];
    return this.#call(operation, async () => {
      let replies = await pipeline
        .call(this.#client)
        .evalsha(script.sha, 1, ...argv)
        .wait(wait.replicas, wait.timeoutMs)
        .exec();
      if (isNoScript(replies?.[0]?.[0]))
        replies = await pipeline
          .call(this.#client)
          .eval(script.lua, 1, ...argv)
          .wait(wait.replicas, wait.timeoutMs)
          .exec();
      const [[error, result] = [null, null], [waitError, acked] = [null, 0]] = replies ?? [];
      if (error !== null) throw error;
      if (waitError !== null) throw waitError;
      if (Number(acked) < wait.replicas)
        throw new Error(
          `WAIT: ${acked} of ${wait.replicas} replicas acknowledged within ${wait.timeoutMs} ms`,
        );
      return result;
    });
  }

  async load(key: string): Promise<SessionRecord | null> {
    const now = this.#clock.now();
    const [data, expires, userId] = await this.#call('load a session', () =>
      this.#client.hmget(recordName(this.#prefix, key), 'd', 'e', 'u'),
    );
    const expiresAt = Number(expires ?? Number.NaN);
    if (data == null || !Number.isFinite(expiresAt) || expiresAt <= now) return null;
    return { data, expiresAt: new Date(expiresAt), userId: userId ?? null };
  }

  async exists(key: string): Promise<boolean> {
    const now = this.#clock.now();
    const [expires] = await this.#call('check a session', () =>
      this.#client.hmget(recordName(this.#prefix, key), 'e'),
    );
    return expires != null && Number(expires) > now;
  }

  async create(key: string, record: SessionRecord): Promise<void> {
    checkFit(key, record);
    const args = [key, record.data, expiryArg(record), userArg(record.userId)];
    if ((await this.#run('create a session', scripts.create, this.#sessionSlot(key), args)) !== 1)
      throw new CreateError();
  }

  async save(key: string, record: SessionRecord): Promise<void> {
    checkFit(key, record);
    const args = [key, record.data, expiryArg(record), userArg(record.userId)];
    if ((await this.#run('save a session', scripts.save, this.#sessionSlot(key), args)) !== 1)
      throw new UpdateError();
  }

  async delete(key: string): Promise<void> {
    await this.#runDurably('delete a session', scripts.delete, this.#sessionSlot(key), [key]);
  }

  /**
   * Redis drops records at their native TTL by itself. This removes, by SCAN over the prefix on every
   * primary, the records the injected clock says are expired (with their index entries) and index
   * entries whose record Redis already dropped; it returns how many records it removed.
   */
  async clearExpired(): Promise<number> {
    // One `now` for the whole run, as in the SQL store.
    const now = this.#clock.now();
    let removed = 0;
    for (const node of this.#client.nodes?.('master') ?? [this.#client]) {
      let cursor = '0';
      do {
        const [next, names] = await this.#call('clear expired sessions', () =>
          node.scan(cursor, 'MATCH', `${this.#prefix.replace(/[*?[\]\\]/g, '\\$&')}*`, 'COUNT', SCAN_BATCH),
        );
        cursor = next;
        const counts = await Promise.all(
          [...this.#bySlot(names)].map(([base, group]) =>
            this.#call('clear expired sessions', () =>
              this.#client
                .evalsha(scripts.clear.sha, group.length, ...group, base, now)
                .catch((error: unknown) => {
                  if (!isNoScript(error)) throw error;
                  return this.#client.eval(scripts.clear.lua, group.length, ...group, base, now);
                }),
            ),
          ),
        );
        for (const count of counts) removed += Number(count);
      } while (cursor !== '0');
    }
    return removed;
  }

  /** Groups SCAN results by their hash tag (one script per slot); names of another shape are left. */
  #bySlot(names: readonly string[]): Map<string, string[]> {
    const groups = new Map<string, string[]>();
    for (const name of names) {
      const close = name.indexOf('}', this.#prefix.length);
      if (name[this.#prefix.length] !== '{' || close < 0) continue;
      const base = name.slice(0, close + 1);
      const group = groups.get(base);
      if (group === undefined) groups.set(base, [name]);
      else group.push(name);
    }
    return groups;
  }

  async listUserSessions(userId: string): Promise<StoredSession[]> {
    const flat = (await this.#run('list user sessions', scripts.list, this.#userSlot(userId), [
      userId,
    ])) as string[];
    const sessions: StoredSession[] = [];
    for (let i = 0; i + 2 < flat.length; i += 3) {
      const [key, data, expires] = flat.slice(i, i + 3) as [string, string, string];
      sessions.push({ key, record: { data, expiresAt: new Date(Number(expires)), userId } });
    }
    return sessions;
  }

  async deleteUserSessions(userId: string, options?: DeleteUserSessionsOptions): Promise<number> {
    const args = [userId, userArg(options?.except), FILL_LEASE_MS];
    return Number(
      await this.#runDurably('delete user sessions', scripts.deleteUser, this.#userSlot(userId), args),
    );
  }

  /**
   * Cache protocol (used by `CachedDbSessionStore`): drops the cached copy of `key` and returns a token
   * for {@link fill}. Reserve before reading (`'read'`) or writing (`'write'`) the database, fill after:
   * a delete of the key or its user, or another write, in between voids the token, so a fill never
   * brings back a deleted session nor overwrites newer data.
   * @example
   * const token = await cache.reserveFill(key, 'read');
   * const record = await db.load(key);
   * if (record) await cache.fill(key, record, token);
   */
  async reserveFill(key: string, intent: FillIntent): Promise<string> {
    const args = [key, FILL_LEASE_MS, intent];
    return String(await this.#run('reserve a cache fill', scripts.reserveFill, this.#sessionSlot(key), args));
  }

  /**
   * Cache protocol: writes `record` under `key` if `token` is still valid; returns whether it did. A
   * logged-in record under a key without its user's tag (made before the store asked for tags) is
   * never cached: the database answers for it.
   * @example
   * await cache.fill(key, record, token);
   */
  async fill(key: string, record: SessionRecord, token: string): Promise<boolean> {
    if (!fits(key, record)) return false;
    const args = [key, token, record.data, expiryArg(record), userArg(record.userId)];
    return (await this.#run('fill the session cache', scripts.fill, this.#sessionSlot(key), args)) === 1;
  }

  /**
   * Records `owner` (the id of the database whose users these sessions belong to) under
   * `<prefix>owner`, or returns the owner already recorded there. A prefix owned by another database
   * is one an app on that database already uses: sharing it would mix two user tables' sessions.
   * @example
   * if ((await store.claimPrefix(id)) !== id) throw new Error('prefix taken');
   */
  async claimPrefix(owner: string): Promise<string> {
    const lua = `local o = redis.call('GET', KEYS[1]) if o then return o end redis.call('SET', KEYS[1], ARGV[1]) return ARGV[1]`;
    return String(
      await this.#call('claim the key prefix', () =>
        this.#client.eval(lua, 1, `${this.#prefix}owner`, owner),
      ),
    );
  }

  async close(): Promise<void> {
    if (!this.#quitOnClose) return;
    try {
      await this.#client.quit();
    } catch {
      // Already disconnected: make sure it stops reconnecting too.
      this.#client.disconnect?.();
    }
  }
}

export {
  type CreateRedisSessionStoreOptions,
  createRedisSessionStore,
  FAIL_FAST_REDIS_OPTIONS,
} from './redis-connect.js';
export { DEFAULT_REDIS_URL, type RedisSettings, redisSettingsFromEnv } from './redis-settings.js';
