/**
 * @module The Redis settings of the `redis` and `cached_db` engines, from environment variables, read
 * alike by the app and the CLI (so `latchkey logout-all` reaches the same keys as the app). Every bad
 * value is reported at once, one line naming its variable.
 */
import { ConfigurationError } from '../core/errors.js';
import { DEFAULT_REDIS_TIMEOUTS, type RedisConnectionOptions, type RedisEndpoint } from './redis-connect.js';

/** Everything the Redis engines read from the environment. */
export interface RedisSettings extends RedisConnectionOptions {
  /** `REDIS_KEY_PREFIX`, or `null` to derive it from the database (see `redis-namespace.ts`). */
  readonly prefix: string | null;
  /** `REDIS_WAIT_REPLICAS` and `REDIS_WAIT_TIMEOUT`; `null` when logouts wait for no replica. */
  readonly waitReplicas: { readonly replicas: number; readonly timeoutMs: number } | null;
}

/** The default `REDIS_URL`. */
export const DEFAULT_REDIS_URL = 'redis://127.0.0.1:6379/0';

function endpoints(name: string, raw: string | undefined, problems: string[]): RedisEndpoint[] {
  const text = raw?.trim() ?? '';
  if (text === '') return [];
  const out: RedisEndpoint[] = [];
  for (const item of text.split(',').map((entry) => entry.trim())) {
    const match = /^([A-Za-z0-9.-]+|\[[0-9A-Fa-f:]+\]):(\d{1,5})$/.exec(item);
    const port = Number(match?.[2]);
    if (match === null || port < 1 || port > 65535) {
      problems.push(`${name}: expected comma-separated host:port, got ${JSON.stringify(item)}`);
      continue;
    }
    out.push({ host: (match[1] as string).replace(/^\[|\]$/g, ''), port });
  }
  return out;
}

/** A duration in seconds (decimals allowed, as Django's and redis-py's socket timeouts), in ms. */
function seconds(name: string, raw: string | undefined, fallbackMs: number, problems: string[]): number {
  const text = raw?.trim() ?? '';
  if (text === '') return fallbackMs;
  if (!/^\d+(\.\d+)?$/.test(text) || Number(text) <= 0 || Number(text) > 3600) {
    problems.push(`${name}: expected seconds greater than 0 (e.g. 0.3), got ${JSON.stringify(raw)}`);
    return fallbackMs;
  }
  return Math.round(Number(text) * 1000);
}

/**
 * Reads the Redis settings; throws one {@link ConfigurationError} listing every bad variable.
 * @example
 * const redis = redisSettingsFromEnv(process.env);
 */
export function redisSettingsFromEnv(env: Readonly<Record<string, string | undefined>>): RedisSettings {
  const problems: string[] = [];
  const url = env.REDIS_URL?.trim() || DEFAULT_REDIS_URL;
  if (!/^rediss?:\/\//.test(url)) problems.push('REDIS_URL: expected redis://… or rediss://…');
  const prefix = env.REDIS_KEY_PREFIX?.trim() || null;
  if (prefix !== null && /[{}\s*?[\]]/.test(prefix))
    problems.push('REDIS_KEY_PREFIX: must not contain braces, blanks or glob characters (* ? [ ])');
  const clusterNodes = endpoints('REDIS_CLUSTER_NODES', env.REDIS_CLUSTER_NODES, problems);
  const sentinels = endpoints('REDIS_SENTINELS', env.REDIS_SENTINELS, problems);
  const sentinelName = env.REDIS_SENTINEL_NAME?.trim() || null;
  if (clusterNodes.length > 0 && sentinels.length > 0)
    problems.push(
      'REDIS_CLUSTER_NODES: contradicts REDIS_SENTINELS (a cluster fails over by itself); unset one',
    );
  if (sentinels.length > 0 && sentinelName === null)
    problems.push('REDIS_SENTINEL_NAME: must name the primary the Sentinels watch (as in their config)');
  if (sentinels.length === 0 && sentinelName !== null)
    problems.push('REDIS_SENTINEL_NAME: needs REDIS_SENTINELS');
  const connectTimeoutMs = seconds(
    'REDIS_SOCKET_CONNECT_TIMEOUT',
    env.REDIS_SOCKET_CONNECT_TIMEOUT,
    500,
    problems,
  );
  const commandTimeoutMs = seconds(
    'REDIS_SOCKET_TIMEOUT',
    env.REDIS_SOCKET_TIMEOUT,
    DEFAULT_REDIS_TIMEOUTS.commandTimeoutMs,
    problems,
  );
  const replicasText = env.REDIS_WAIT_REPLICAS?.trim() || '0';
  if (!/^\d{1,2}$/.test(replicasText))
    problems.push(
      `REDIS_WAIT_REPLICAS: expected a whole number of replicas, got ${JSON.stringify(replicasText)}`,
    );
  const timeoutMs = seconds('REDIS_WAIT_TIMEOUT', env.REDIS_WAIT_TIMEOUT, 500, problems);
  if (problems.length > 0) throw new ConfigurationError(problems);
  const replicas = Number(replicasText);
  return {
    url,
    prefix,
    ...(clusterNodes.length > 0 ? { clusterNodes } : {}),
    ...(sentinels.length > 0 && sentinelName !== null ? { sentinels, sentinelName } : {}),
    connectTimeoutMs,
    commandTimeoutMs,
    waitReplicas: replicas > 0 ? { replicas, timeoutMs } : null,
  };
}
