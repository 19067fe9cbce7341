/**
 * @module `latchkey/stores/redis`: a session store on Redis (standalone or Sentinel; not Cluster, whose
 * slots a per-user index cannot span atomically).
 *
 * Layout under `prefix`: `<prefix><key>` is a hash `{d: data, e: expiresAt ms, u: userId}` with a native
 * TTL; `<prefix>user:<userId>` is the set of that user's session keys. Only the cache protocol of
 * `CachedDbSessionStore` uses `<prefix>lease:<key>`, `<prefix>purged:<userId>` (both short-lived) and the
 * counter `<prefix>seq`. Session keys are `[a-z0-9]{32}`, so they never contain the `:` of the others. Every write that touches a record and the index is
 * one Lua script, so the index stays exact under any interleaving (INVARIANTS 13). Expiry is judged by
 * the injected clock, and native TTLs are computed from it too (INVARIANTS 11).
 */
import { createHash } from 'node:crypto';
import type { RedisOptions } from 'ioredis';
import { type Clock, systemClock } from '../core/clock.js';
import { CreateError, StoreUnavailableError, UpdateError } from '../core/errors.js';
import { consoleLogger, type Logger } from '../core/logger.js';
import { importPeer } from '../core/peers.js';
import type {
  DeleteUserSessionsOptions,
  SessionRecord,
  SessionStore,
  StoredSession,
} from '../sessions/store.js';

/**
 * The few client methods the store calls, so any client of that shape works (ioredis fits as is) and
 * this module needs the driver only in {@link createRedisSessionStore}.
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
  disconnect?(): void;
}

/** Options of {@link RedisSessionStore}. */
export interface RedisSessionStoreOptions {
  readonly client: RedisClient;
  /** Prefix of every key the store writes. Default `latchkey:session:`. */
  readonly prefix?: string;
  readonly clock?: Clock;
  /** Quit `client` on `close()`. Leave it off (the default) when the application shares the client. */
  readonly quitOnClose?: boolean;
}

/**
 * ioredis settings that make commands fail at once while Redis is unreachable (a quick 503, INVARIANTS 10)
 * instead of queueing until it returns; the client still reconnects by itself. Spread them into a client
 * you create yourself.
 * @example
 * const client = new Redis(url, { ...FAIL_FAST_REDIS_OPTIONS });
 */
export const FAIL_FAST_REDIS_OPTIONS = {
  enableOfflineQueue: false,
  maxRetriesPerRequest: 1,
  autoResendUnfulfilledCommands: false,
  connectTimeout: 2_000,
  commandTimeout: 5_000,
  retryStrategy: (attempt: number): number => Math.min(attempt * 100, 1_000),
} as const satisfies RedisOptions;

// How long a cache fill may take (see `reserveFill`), also how long a "user purged" marker lives. A
// database call slower than this could fill the cache with data older than a write that overtook it.
const FILL_LEASE_MS = 15_000;
const SCAN_BATCH = 500;

/** Whether a cache fill follows a database read or a database write (see `reserveFill`). */
export type FillIntent = 'read' | 'write';

interface Script {
  readonly lua: string;
  readonly sha: string;
}

// ARGV[1] is the prefix and ARGV[2] the clock's now; a user argument is '' (anonymous) or '=' .. id.
const PRELUDE = `
local prefix, now = ARGV[1], tonumber(ARGV[2])
local function rkey(k) return prefix .. k end
local function ikey(u) return prefix .. 'user:' .. u end
local function user(arg) if arg == '' then return nil end return string.sub(arg, 2) end
local function live(k)
  local e = redis.call('HGET', rkey(k), 'e')
  return e ~= false and tonumber(e) > now
end
local function remove(k)
  local u = redis.call('HGET', rkey(k), 'u')
  redis.call('DEL', rkey(k))
  if u then redis.call('SREM', ikey(u), k) end
end
local function write(k, data, e, u)
  local ttl = tonumber(e) - now
  if ttl <= 0 then return end
  if u then
    redis.call('HSET', rkey(k), 'd', data, 'e', e, 'u', u)
    redis.call('SADD', ikey(u), k)
    -- The index outlives its longest session, so it never expires under a live one.
    if redis.call('PTTL', ikey(u)) < ttl then redis.call('PEXPIRE', ikey(u), ttl) end
  else
    redis.call('HSET', rkey(k), 'd', data, 'e', e)
  end
  redis.call('PEXPIRE', rkey(k), ttl)
end
`;

function script(body: string): Script {
  const lua = `${PRELUDE}${body}`;
  return { lua, sha: createHash('sha1').update(lua).digest('hex') };
}

const scripts = {
  // ARGV: prefix, now, key, data, expiresAt, user. A record expired by the clock is replaced.
  create: script(`local k = ARGV[3]
if live(k) then return 0 end
remove(k)
write(k, ARGV[4], ARGV[5], user(ARGV[6]))
return 1`),
  // INVARIANTS 1: update only a live record, never insert.
  save: script(`local k = ARGV[3]
if not live(k) then return 0 end
remove(k)
write(k, ARGV[4], ARGV[5], user(ARGV[6]))
return 1`),
  delete: script(`remove(ARGV[3])
redis.call('DEL', prefix .. 'lease:' .. ARGV[3])
return 1`),
  // ARGV: prefix, now, userId. Members whose record is gone, another user's, or expired are pruned; an
  // expired record goes too, so a clock stepped back cannot revive a session missing from the index.
  list: script(`local u, out = ARGV[3], {}
for _, k in ipairs(redis.call('SMEMBERS', ikey(u))) do
  local r = redis.call('HMGET', rkey(k), 'd', 'e', 'u')
  if not r[2] or r[3] ~= u then redis.call('SREM', ikey(u), k)
  elseif tonumber(r[2]) <= now then remove(k)
  else table.insert(out, k); table.insert(out, r[1]); table.insert(out, r[2]) end
end
return out`),
  // ARGV: prefix, now, userId, except ('' or '=' .. key), lease ms. Counts live sessions only. The
  // marker refuses cache fills that started before this purge (see reserveFill).
  deleteUser: script(`local u, except, count = ARGV[3], user(ARGV[4]), 0
for _, k in ipairs(redis.call('SMEMBERS', ikey(u))) do
  if k ~= except then
    local r = redis.call('HMGET', rkey(k), 'e', 'u')
    if r[1] and r[2] == u then
      redis.call('DEL', rkey(k))
      if tonumber(r[1]) > now then count = count + 1 end
    end
    redis.call('SREM', ikey(u), k)
  end
end
redis.call('SET', prefix .. 'purged:' .. u, redis.call('INCR', prefix .. 'seq'), 'PX', ARGV[5])
return count`),
  // ARGV: prefix, now, then full key names from SCAN. Counts the records expired by the clock.
  clear: script(`local ip, count = prefix .. 'user:', 0
for i = 3, #ARGV do
  local name = ARGV[i]
  local t = redis.call('TYPE', name)['ok']
  if t == 'hash' then
    local e = redis.call('HGET', name, 'e')
    if e and tonumber(e) <= now then remove(string.sub(name, #prefix + 1)); count = count + 1 end
  elseif t == 'set' and string.sub(name, 1, #ip) == ip then
    local u = string.sub(name, #ip + 1)
    for _, k in ipairs(redis.call('SMEMBERS', name)) do
      if redis.call('HGET', rkey(k), 'u') ~= u then redis.call('SREM', name, k) end
    end
  end
end
return count`),
  // ARGV: prefix, now, key, lease ms, intent. Drops the cached copy and hands out a fill token, or '0'
  // (never valid) when a lease is already out. A writer arriving then voids that lease too: the fill
  // could otherwise carry data older than its write. A reader leaves it: it changes nothing.
  reserveFill: script(`local k, lk = ARGV[3], prefix .. 'lease:' .. ARGV[3]
remove(k)
if redis.call('EXISTS', lk) == 0 then
  local token = tostring(redis.call('INCR', prefix .. 'seq'))
  redis.call('SET', lk, token, 'PX', ARGV[4])
  return token
end
if ARGV[5] == 'write' then redis.call('SET', lk, '0', 'PX', ARGV[4]) end
return '0'`),
  // ARGV: prefix, now, key, token, data, expiresAt, user.
  fill: script(`local k, lk, u = ARGV[3], prefix .. 'lease:' .. ARGV[3], user(ARGV[7])
if ARGV[4] == '0' or redis.call('GET', lk) ~= ARGV[4] then return 0 end
redis.call('DEL', lk)
if u then
  local purged = redis.call('GET', prefix .. 'purged:' .. u)
  if purged and tonumber(purged) >= tonumber(ARGV[4]) then return 0 end
end
remove(k)
write(k, ARGV[5], ARGV[6], u)
return 1`),
};

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

  constructor(options: RedisSessionStoreOptions) {
    const prefix = options.prefix ?? 'latchkey:session:';
    if (typeof prefix !== 'string' || prefix.length === 0) {
      throw new TypeError('RedisSessionStore: prefix must be a non-empty string');
    }
    this.#client = options.client;
    this.#prefix = prefix;
    this.#clock = options.clock ?? systemClock;
    this.#quitOnClose = options.quitOnClose ?? false;
  }

  async #call<T>(operation: string, work: () => Promise<T>): Promise<T> {
    try {
      return await work();
    } catch (error) {
      throw unavailable(operation, error);
    }
  }

  /** Runs a script by its SHA1, sending its text only when Redis has not cached it (NOSCRIPT). */
  #run(operation: string, { lua, sha }: Script, args: (string | number)[]): Promise<unknown> {
    const argv = [this.#prefix, ...args];
    return this.#call(operation, async () => {
      try {
        return await this.#client.evalsha(sha, 0, ...argv);
      } catch (error) {
        if (!isNoScript(error)) throw error;
        return await this.#client.eval(lua, 0, ...argv);
      }
    });
  }

  async load(key: string): Promise<SessionRecord | null> {
    const now = this.#clock.now();
    const [data, expires, userId] = await this.#call('load a session', () =>
      this.#client.hmget(this.#prefix + key, 'd', 'e', 'u'),
    );
    const expiresAt = Number(expires ?? Number.NaN);
    if (data == null || !Number.isFinite(expiresAt) || expiresAt <= now) return null;
    return { data, expiresAt: new Date(expiresAt), userId: userId ?? null };
  }

  async exists(key: string): Promise<boolean> {
    const now = this.#clock.now();
    const [expires] = await this.#call('check a session', () => this.#client.hmget(this.#prefix + key, 'e'));
    return expires != null && Number(expires) > now;
  }

  async create(key: string, record: SessionRecord): Promise<void> {
    const args = [this.#clock.now(), key, record.data, expiryArg(record), userArg(record.userId)];
    if ((await this.#run('create a session', scripts.create, args)) !== 1) throw new CreateError();
  }

  async save(key: string, record: SessionRecord): Promise<void> {
    const args = [this.#clock.now(), key, record.data, expiryArg(record), userArg(record.userId)];
    if ((await this.#run('save a session', scripts.save, args)) !== 1) throw new UpdateError();
  }

  async delete(key: string): Promise<void> {
    await this.#run('delete a session', scripts.delete, [this.#clock.now(), key]);
  }

  /**
   * Redis drops records at their native TTL by itself. This removes, by SCAN over the prefix, the
   * records the injected clock says are expired (with their index entries) and index entries whose
   * record Redis already dropped; it returns how many records it removed.
   */
  async clearExpired(): Promise<number> {
    // One `now` for the whole run, as in the SQL store.
    const now = this.#clock.now();
    const pattern = `${this.#prefix.replace(/[*?[\]\\]/g, '\\$&')}*`;
    let cursor = '0';
    let removed = 0;
    do {
      const [next, names] = await this.#call('clear expired sessions', () =>
        this.#client.scan(cursor, 'MATCH', pattern, 'COUNT', SCAN_BATCH),
      );
      cursor = next;
      if (names.length > 0)
        removed += Number(await this.#run('clear expired sessions', scripts.clear, [now, ...names]));
    } while (cursor !== '0');
    return removed;
  }

  async listUserSessions(userId: string): Promise<StoredSession[]> {
    const flat = (await this.#run('list user sessions', scripts.list, [
      this.#clock.now(),
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
    const args = [this.#clock.now(), userId, userArg(options?.except), FILL_LEASE_MS];
    return Number(await this.#run('delete user sessions', scripts.deleteUser, args));
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
    const args = [this.#clock.now(), key, FILL_LEASE_MS, intent];
    return String(await this.#run('reserve a cache fill', scripts.reserveFill, args));
  }

  /**
   * Cache protocol: writes `record` under `key` if `token` is still valid; returns whether it did.
   * @example
   * await cache.fill(key, record, token);
   */
  async fill(key: string, record: SessionRecord, token: string): Promise<boolean> {
    const args = [this.#clock.now(), key, token, record.data, expiryArg(record), userArg(record.userId)];
    return (await this.#run('fill the session cache', scripts.fill, args)) === 1;
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

/** `host:port` of a Redis URL, for messages: never the password. */
function redisHost(url: string): string {
  try {
    const parsed = new URL(url);
    return `${parsed.hostname}:${parsed.port || '6379'}`;
  } catch {
    return '(unparseable REDIS_URL)';
  }
}

/** Options of {@link createRedisSessionStore}. */
export interface CreateRedisSessionStoreOptions {
  /** `redis://[user:password@]host:port/db` (or `rediss://` for TLS). Never logged. */
  readonly url: string;
  readonly prefix?: string;
  readonly clock?: Clock;
  /** Where connection losses and recoveries are reported. Default: standard error. */
  readonly logger?: Logger;
}

/**
 * Connects an ioredis client with {@link FAIL_FAST_REDIS_OPTIONS} and returns a store that owns it:
 * `close()` quits it. Rejects with `StoreUnavailableError` when Redis cannot be reached at start; after
 * that, commands fail fast while Redis is down and work again once the client has reconnected.
 * @example
 * const store = await createRedisSessionStore({ url: 'redis://127.0.0.1:6379/0' });
 */
export async function createRedisSessionStore(
  options: CreateRedisSessionStoreOptions,
): Promise<RedisSessionStore> {
  // Loaded here so that importing this module (e.g. for the RedisClient type) does not need ioredis.
  const { Redis } = await importPeer('ioredis', 'The Redis session store', () => import('ioredis'));
  const logger = options.logger ?? consoleLogger;
  const client = new Redis(options.url, { ...FAIL_FAST_REDIS_OPTIONS, lazyConnect: true });
  // Report transitions only, not every reconnect attempt. ioredis messages name host and port, never
  // the password.
  // Until the first connection, failures are the caller's to report (the rejection below), not log lines.
  let healthy = false;
  let connected = false;
  client.on('error', (error: Error) => {
    if (!healthy) return;
    healthy = false;
    logger.log('warn', 'store.redis_unavailable', { error: error.message });
  });
  client.on('ready', () => {
    if (healthy || !connected) return;
    healthy = true;
    logger.log('info', 'store.redis_reconnected');
  });
  try {
    await client.connect();
  } catch (error) {
    client.disconnect();
    throw new StoreUnavailableError(
      `Cannot connect to the Redis session store at ${redisHost(options.url)}`,
      {
        cause: error,
      },
    );
  }
  healthy = true;
  connected = true;
  return new RedisSessionStore({ client, prefix: options.prefix, clock: options.clock, quitOnClose: true });
}
