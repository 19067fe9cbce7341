/**
 * @module Runs the HTTP suite on the server stacks of issue 4's "Done when": Redis sessions over
 * PostgreSQL, and cached_db over MySQL; and of issue 14's: Redis sessions on a Redis Cluster (6
 * nodes) and cached_db under Sentinel (primary, replica, 3 Sentinels), both started here from
 * `redis-server` and stopped afterwards. A stack whose servers are unreachable is skipped with a
 * loud message — except under CI, where it fails.
 */
import { spawnSync } from 'node:child_process';
import { connect } from 'node:net';
import {
  hasRedisBinaries,
  type RedisTopology,
  startRedisCluster,
  startRedisSentinel,
} from '../test/support/redis-topology.js';

interface Stack {
  readonly database: 'postgres' | 'mysql' | 'sqlite';
  readonly engine: 'redis' | 'cached_db';
  readonly needs: readonly { readonly name: string; readonly port: number }[];
  /** A Redis topology started for this stack, instead of the Redis on 6379. */
  readonly topology?: 'cluster' | 'sentinel';
}

/** Starts `stack`'s topology and returns it with the variables that point the suite at it. */
async function startTopology(
  kind: 'cluster' | 'sentinel',
): Promise<{ topology: RedisTopology; env: Record<string, string> }> {
  if (kind === 'cluster') {
    const cluster = await startRedisCluster();
    return { topology: cluster, env: { LATCHKEY_TEST_REDIS_CLUSTER_NODES: cluster.seeds } };
  }
  const sentinel = await startRedisSentinel();
  return {
    topology: sentinel,
    env: {
      LATCHKEY_TEST_REDIS_SENTINELS: sentinel.sentinelList,
      LATCHKEY_TEST_REDIS_SENTINEL_NAME: sentinel.name,
    },
  };
}

const STACKS: readonly Stack[] = [
  {
    database: 'postgres',
    engine: 'redis',
    needs: [
      { name: 'PostgreSQL', port: 5432 },
      { name: 'Redis', port: 6379 },
    ],
  },
  {
    database: 'mysql',
    engine: 'cached_db',
    needs: [
      { name: 'MySQL/MariaDB', port: 3306 },
      { name: 'Redis', port: 6379 },
    ],
  },
  { database: 'sqlite', engine: 'redis', needs: [], topology: 'cluster' },
  { database: 'sqlite', engine: 'cached_db', needs: [], topology: 'sentinel' },
];

function reachable(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const socket = connect({ host: '127.0.0.1', port, timeout: 1000 });
    const done = (answer: boolean): void => {
      socket.destroy();
      resolve(answer);
    };
    socket.once('connect', () => done(true));
    socket.once('error', () => done(false));
    socket.once('timeout', () => done(false));
  });
}

const ci = ['1', 'true'].includes((process.env.CI ?? '').toLowerCase());
let failed = false;
for (const stack of STACKS) {
  const label = `SESSION_ENGINE=${stack.engine} on ${stack.database}${stack.topology ? ` and a Redis ${stack.topology}` : ''}`;
  const missing = [];
  if (stack.topology && !hasRedisBinaries()) missing.push('redis-server and redis-cli (not installed)');
  for (const need of stack.needs)
    if (!(await reachable(need.port))) missing.push(`${need.name} (127.0.0.1:${need.port})`);
  if (missing.length > 0) {
    const message = `HTTP suite with ${label}: cannot reach ${missing.join(', ')}`;
    if (ci) {
      console.error(`FAIL ${message}; CI never skips server tests.`);
      failed = true;
    } else {
      console.warn(`\n${'!'.repeat(78)}\n!! SKIPPING ${message}.\n${'!'.repeat(78)}\n`);
    }
    continue;
  }
  console.log(`\n== HTTP suite with ${label} ==`);
  const started = stack.topology ? await startTopology(stack.topology) : null;
  try {
    const run = spawnSync('npx', ['vitest', 'run', 'test/http'], {
      stdio: 'inherit',
      env: {
        ...process.env,
        ...started?.env,
        LATCHKEY_TEST_DATABASE: stack.database,
        LATCHKEY_TEST_SESSION_ENGINE: stack.engine,
      },
    });
    if (run.status !== 0) failed = true;
  } finally {
    await started?.topology.stop();
  }
}
process.exit(failed ? 1 : 0);
