/**
 * @module Connects the Redis session store to one server, to a primary that Sentinel watches, or to a
 * Redis Cluster, with timeouts that fail a request closed (503, INVARIANTS 10) well within a second
 * whether Redis is down, hung or failing over; the client reconnects, and follows a promoted replica, by
 * itself. ioredis loads only when a store is created.
 */
import type { ClusterOptions, RedisOptions } from 'ioredis';
import type { Clock } from '../core/clock.js';
import { StoreUnavailableError } from '../core/errors.js';
import { consoleLogger, type Logger } from '../core/logger.js';
import { type RedisClient, RedisSessionStore, type RedisSessionStoreOptions } from './redis.js';

/** A Redis server (a Cluster seed or a Sentinel). */
export interface RedisEndpoint {
  readonly host: string;
  readonly port: number;
}

/** Where Redis is and how long to wait for it. */
export interface RedisConnectionOptions {
  /**
   * `redis://[user:password@]host:port/db` (or `rediss://` for TLS). With `clusterNodes` or `sentinels`
   * only its credentials (and, for Sentinel, its database and TLS) count. Never logged.
   */
  readonly url: string;
  /** Redis Cluster seeds: any few nodes; the client learns the rest. */
  readonly clusterNodes?: readonly RedisEndpoint[];
  /** Sentinels watching the primary named `sentinelName`. */
  readonly sentinels?: readonly RedisEndpoint[];
  readonly sentinelName?: string;
  /** Milliseconds to open a connection (default 500). */
  readonly connectTimeoutMs?: number;
  /** Milliseconds a command may take before the request fails closed (default 500). */
  readonly commandTimeoutMs?: number;
}

/** Defaults of {@link RedisConnectionOptions}: a session read takes a millisecond when Redis is well. */
export const DEFAULT_REDIS_TIMEOUTS = { connectTimeoutMs: 500, commandTimeoutMs: 500 } as const;

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
  connectTimeout: DEFAULT_REDIS_TIMEOUTS.connectTimeoutMs,
  commandTimeout: DEFAULT_REDIS_TIMEOUTS.commandTimeoutMs,
  retryStrategy: (attempt: number): number => Math.min(attempt * 100, 1_000),
} as const satisfies RedisOptions;

/** Where the store connects, for messages: hosts and ports, never the password. */
export function describeRedis(options: RedisConnectionOptions): string {
  const list = (endpoints: readonly RedisEndpoint[]): string =>
    endpoints.map((e) => `${e.host}:${e.port}`).join(',');
  if (options.clusterNodes?.length) return `Redis Cluster ${list(options.clusterNodes)}`;
  if (options.sentinels?.length)
    return `Redis primary "${options.sentinelName}" via Sentinels ${list(options.sentinels)}`;
  try {
    const parsed = new URL(options.url);
    return `Redis ${parsed.hostname}:${parsed.port || '6379'}`;
  } catch {
    return 'Redis (unparseable REDIS_URL)';
  }
}

function credentials(url: string): Pick<RedisOptions, 'username' | 'password' | 'db' | 'tls'> {
  const parsed = new URL(url);
  const db = Number(parsed.pathname.slice(1) || '0');
  return {
    ...(parsed.username ? { username: decodeURIComponent(parsed.username) } : {}),
    ...(parsed.password ? { password: decodeURIComponent(parsed.password) } : {}),
    ...(Number.isInteger(db) && db > 0 ? { db } : {}),
    ...(parsed.protocol === 'rediss:' ? { tls: {} } : {}),
  };
}

/** An ioredis client (lazy: not yet connected) for `options`. */
async function newClient(options: RedisConnectionOptions): Promise<RedisClient & IoredisEvents> {
  const { Redis, Cluster } = await import('ioredis');
  const timeouts = {
    connectTimeout: options.connectTimeoutMs ?? DEFAULT_REDIS_TIMEOUTS.connectTimeoutMs,
    commandTimeout: options.commandTimeoutMs ?? DEFAULT_REDIS_TIMEOUTS.commandTimeoutMs,
  };
  if (options.clusterNodes?.length) {
    const { db: _db, ...auth } = credentials(options.url);
    const clusterOptions: ClusterOptions = {
      lazyConnect: true,
      enableOfflineQueue: false,
      redisOptions: { ...auth, ...timeouts, maxRetriesPerRequest: 1, autoResendUnfulfilledCommands: false },
      // While a primary is down its slots fail fast; after a replica's promotion the slot map is
      // refreshed (on MOVED or the next retry) and requests resume without a restart.
      retryDelayOnFailover: 50,
      retryDelayOnClusterDown: 50,
      retryDelayOnTryAgain: 50,
      maxRedirections: 4,
      slotsRefreshTimeout: timeouts.connectTimeout,
      clusterRetryStrategy: (attempt: number): number => Math.min(attempt * 100, 1_000),
    };
    return new Cluster([...options.clusterNodes], clusterOptions) as unknown as RedisClient & IoredisEvents;
  }
  const common: RedisOptions = {
    ...FAIL_FAST_REDIS_OPTIONS,
    ...timeouts,
    lazyConnect: true,
    // A demoted primary answers writes with READONLY until the client finds the new one: reconnect.
    reconnectOnError: (error: Error) => error.message.startsWith('READONLY'),
  };
  if (options.sentinels?.length) {
    return new Redis({
      ...common,
      ...credentials(options.url),
      sentinels: [...options.sentinels],
      name: options.sentinelName ?? 'mymaster',
      sentinelCommandTimeout: timeouts.commandTimeout,
      sentinelRetryStrategy: (attempt: number): number => Math.min(attempt * 100, 1_000),
      // Subscribes to the Sentinels' +switch-master: the client moves to a promoted replica at once.
      failoverDetector: true,
    });
  }
  return new Redis(options.url, common);
}

interface IoredisEvents {
  on(event: 'error', listener: (error: Error) => void): unknown;
  on(event: 'ready', listener: () => void): unknown;
  connect(): Promise<unknown>;
  disconnect(reconnect?: boolean): void;
}

/** Options of {@link createRedisSessionStore}. */
export interface CreateRedisSessionStoreOptions extends RedisConnectionOptions {
  readonly prefix?: string;
  readonly clock?: Clock;
  readonly waitReplicas?: RedisSessionStoreOptions['waitReplicas'];
  /** Where connection losses and recoveries are reported. Default: standard error. */
  readonly logger?: Logger;
}

/**
 * Connects an ioredis client (single server, Sentinel or Cluster) that fails fast and returns a store
 * that owns it: `close()` quits it. Rejects with `StoreUnavailableError` when Redis cannot be reached at
 * start; after that, commands fail fast while Redis is down or hung and work again once it answers.
 * @example
 * const store = await createRedisSessionStore({ url: 'redis://127.0.0.1:6379/0' });
 */
export async function createRedisSessionStore(
  options: CreateRedisSessionStoreOptions,
): Promise<RedisSessionStore> {
  const logger = options.logger ?? consoleLogger;
  const client = await newClient(options);
  // Report transitions only, not every reconnect attempt. ioredis messages name host and port, never
  // the password. Until the first connection, failures are the caller's to report (the rejection below).
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
    throw new StoreUnavailableError(`Cannot connect to the session store at ${describeRedis(options)}`, {
      cause: error,
    });
  }
  healthy = true;
  connected = true;
  return new RedisSessionStore({
    client,
    quitOnClose: true,
    ...(options.prefix === undefined ? {} : { prefix: options.prefix }),
    ...(options.clock === undefined ? {} : { clock: options.clock }),
    ...(options.waitReplicas === undefined ? {} : { waitReplicas: options.waitReplicas }),
  });
}
