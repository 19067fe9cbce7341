/**
 * @module The test Redis: where it is (`LATCHKEY_TEST_REDIS_URL`, default `redis://127.0.0.1:6379/0`),
 * whether Redis tests run, a fresh key prefix per test, and deleting that prefix's keys afterwards.
 *
 * Without a reachable Redis the tests are skipped with a loud message on a developer's machine; under
 * `CI` they never are: the test file fails, so a missing Redis service cannot pass for a green build.
 */
import { randomBytes } from 'node:crypto';
import { Redis } from 'ioredis';
import { FAIL_FAST_REDIS_OPTIONS } from '../../src/stores/redis.js';

/** The Redis the tests use. Keys go under unique prefixes, so a shared development Redis is fine. */
export const TEST_REDIS_URL = process.env.LATCHKEY_TEST_REDIS_URL ?? 'redis://127.0.0.1:6379/0';

const RUN_ID = randomBytes(6).toString('hex');
let prefixes = 0;

function inCi(): boolean {
  const ci = process.env.CI;
  return ci !== undefined && ci !== '' && ci !== '0' && ci.toLowerCase() !== 'false';
}

/**
 * A key prefix no other test run or test uses.
 * @example
 * uniquePrefix('store'); // 'latchkey-test:3f9a0c21b7e4:store:1:'
 */
export function uniquePrefix(label: string): string {
  prefixes += 1;
  return `latchkey-test:${RUN_ID}:${label}:${prefixes}:`;
}

/**
 * A connected client to the test Redis with the store's fail-fast settings. The caller quits it.
 * @example
 * const client = await connectTestRedis();
 */
export async function connectTestRedis(): Promise<Redis> {
  const client = new Redis(TEST_REDIS_URL, { ...FAIL_FAST_REDIS_OPTIONS, lazyConnect: true });
  // Failures surface as rejected commands; without a listener ioredis would also print each one.
  client.on('error', () => {});
  try {
    await client.connect();
  } catch (error) {
    client.disconnect();
    throw error;
  }
  return client;
}

/**
 * Deletes every key under `prefix` (SCAN + UNLINK, in batches) and returns how many there were.
 * @example
 * await deleteKeysWithPrefix(client, prefix);
 */
export async function deleteKeysWithPrefix(client: Redis, prefix: string): Promise<number> {
  const pattern = `${prefix.replace(/[*?[\]\\]/g, '\\$&')}*`;
  let cursor = '0';
  let deleted = 0;
  do {
    const [next, keys] = await client.scan(cursor, 'MATCH', pattern, 'COUNT', 1_000);
    cursor = next;
    if (keys.length > 0) deleted += await client.unlink(...keys);
  } while (cursor !== '0');
  return deleted;
}

/** A client and a fresh prefix for one test. */
export interface TestRedis {
  readonly client: Redis;
  readonly prefix: string;
  /** Deletes the prefix's keys and quits the client. */
  cleanup(): Promise<void>;
}

/**
 * Connects to the test Redis and reserves a fresh prefix.
 * @example
 * const redis = await openTestRedis('store');
 * afterEach(() => redis.cleanup());
 */
export async function openTestRedis(label: string): Promise<TestRedis> {
  const client = await connectTestRedis();
  const prefix = uniquePrefix(label);
  return {
    client,
    prefix,
    async cleanup(): Promise<void> {
      await deleteKeysWithPrefix(client, prefix);
      await client.quit();
    },
  };
}

/**
 * Whether the Redis tests of `suite` run: `true` when the test Redis answers PING. When it does not,
 * warns loudly and returns `false`, or, under `CI`, throws so the test file fails.
 * @example
 * const runRedis = await redisTestsRun('redis session store');
 * const suite = runRedis ? describe : describe.skip;
 */
export async function redisTestsRun(suite: string): Promise<boolean> {
  try {
    const client = await connectTestRedis();
    await client.ping();
    await client.quit();
    return true;
  } catch (error) {
    const reason = error instanceof Error ? error.message : String(error);
    if (inCi()) {
      throw new Error(
        `${suite}: the test Redis at ${new URL(TEST_REDIS_URL).host} is unreachable (${reason}) and CI is set; Redis tests are never skipped in CI.`,
        { cause: error },
      );
    }
    const line = '!'.repeat(78);
    console.warn(
      `\n${line}\n!! SKIPPING ${suite}: no Redis at ${new URL(TEST_REDIS_URL).host} (${reason}).\n` +
        '!! Start one: redis-server --daemonize yes --bind 127.0.0.1 --port 6379 --save "" --appendonly no\n' +
        `!! or set LATCHKEY_TEST_REDIS_URL. Under CI=true these tests fail instead.\n${line}\n`,
    );
    return false;
  }
}
