/**
 * @module Latchkey on Hono with its sessions on a Redis Cluster of 3 primaries and 3 replicas, started
 * for the run from `redis-server` (test/support/redis-topology.ts) and stopped after it: S1 compares
 * it with `latchkey-redis` on one Redis (issue 14's goal: within 15%).
 */
import { hasRedisBinaries, startRedisCluster } from '../../test/support/redis-topology.js';
import type { Contender } from './contender.js';
import { latchkeyOn, PER_REQUEST } from './latchkey.js';

/**
 * The `latchkey-redis-cluster` contender.
 * @example
 * const contender = latchkeyClusterContender();
 */
export function latchkeyClusterContender(): Contender {
  const env: Record<string, string> = { STORE: 'redis-cluster' };
  return {
    ...latchkeyOn('redis-cluster', {
      does: `${PER_REQUEST}; sessions on a Redis Cluster (ioredis Cluster, one HMGET on the key's shard)`,
      needsRedis: true,
      inQuick: false,
    }),
    env,
    unavailable: () => (hasRedisBinaries() ? null : 'no redis-server/redis-cli to start a cluster'),
    async start() {
      const cluster = await startRedisCluster();
      env.REDIS_CLUSTER_NODES = cluster.seeds;
      return () => cluster.stop();
    },
  };
}
