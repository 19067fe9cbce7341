import { describe, expect, test } from 'vitest';
import { ConfigurationError } from '../core/errors.js';
import { redisSettingsFromEnv } from './redis-settings.js';

describe('REDIS_* settings', () => {
  test('defaults: the local Redis, a prefix from the database, sub-second timeouts, no WAIT', () => {
    expect(redisSettingsFromEnv({})).toEqual({
      url: 'redis://127.0.0.1:6379/0',
      prefix: null,
      connectTimeoutMs: 500,
      commandTimeoutMs: 500,
      waitReplicas: null,
    });
  });

  test('Cluster seeds, Sentinels, timeouts in seconds and WAIT', () => {
    expect(
      redisSettingsFromEnv({
        REDIS_CLUSTER_NODES: '10.0.0.1:7000, redis-b:7001,[::1]:7002',
        REDIS_SOCKET_TIMEOUT: '0.25',
        REDIS_WAIT_REPLICAS: '1',
        REDIS_KEY_PREFIX: 'shop:',
      }),
    ).toMatchObject({
      prefix: 'shop:',
      clusterNodes: [
        { host: '10.0.0.1', port: 7000 },
        { host: 'redis-b', port: 7001 },
        { host: '::1', port: 7002 },
      ],
      commandTimeoutMs: 250,
      waitReplicas: { replicas: 1, timeoutMs: 500 },
    });
    expect(
      redisSettingsFromEnv({ REDIS_SENTINELS: '127.0.0.1:26379', REDIS_SENTINEL_NAME: 'mymaster' }),
    ).toMatchObject({ sentinels: [{ host: '127.0.0.1', port: 26379 }], sentinelName: 'mymaster' });
  });

  test('every bad value is reported at once, one line naming its variable', () => {
    let error: unknown;
    try {
      redisSettingsFromEnv({
        REDIS_CLUSTER_NODES: 'a:1,nope',
        REDIS_SENTINELS: '127.0.0.1:26379',
        REDIS_KEY_PREFIX: 'a{b}',
        REDIS_SOCKET_TIMEOUT: '-1',
        REDIS_WAIT_REPLICAS: 'all',
      });
    } catch (caught) {
      error = caught;
    }
    expect(error).toBeInstanceOf(ConfigurationError);
    const problems = (error as ConfigurationError).problems.map((line) => line.split(':')[0]);
    expect(problems.sort()).toEqual(
      [
        'REDIS_CLUSTER_NODES',
        'REDIS_CLUSTER_NODES',
        'REDIS_KEY_PREFIX',
        'REDIS_SENTINEL_NAME',
        'REDIS_SOCKET_TIMEOUT',
        'REDIS_WAIT_REPLICAS',
      ].sort(),
    );
  });
});
