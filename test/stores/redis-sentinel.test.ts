/**
 * The Redis store on a real primary + replica watched by three Sentinels, started by this file: the
 * store conformance suite through Sentinel, `SENTINEL FAILOVER` under a login/logout loop (logouts
 * wait for the replica, so none is lost with the old primary), and the primary killed: 503s until
 * the Sentinels promote the replica, then service resumes without a restart.
 */
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, test } from 'vitest';
import { createRedisSessionStore } from '../../src/stores/redis-connect.js';
import { storeConformanceSuite } from '../../src/testing/store-suite.js';
import {
  type FailoverApp,
  loginLogoutLoop,
  PASSWORD,
  servedAgainAfter,
  startFailoverApp,
} from '../support/failover-app.js';
import { uniquePrefix } from '../support/redis.js';
import {
  ask,
  type RedisSentinelTopology,
  redisBinariesFor,
  startRedisSentinel,
  until,
} from '../support/redis-topology.js';

const available = redisBinariesFor('the Redis Sentinel tests');

let topology: RedisSentinelTopology;
const sentinels = (): { host: string; port: number }[] =>
  topology.sentinels.map((s) => ({ host: '127.0.0.1', port: s.port }));

/** The port of the primary the Sentinels currently name. */
async function currentPrimary(): Promise<number> {
  const port = topology.sentinels[0]?.port as number;
  const [, primary] = (await ask(port, 'SENTINEL', 'GET-MASTER-ADDR-BY-NAME', topology.name)) as [
    string,
    string,
  ];
  return Number(primary);
}

describe.runIf(available)('Redis Sentinel', () => {
  beforeAll(async () => {
    topology = await startRedisSentinel();
  }, 60_000);
  afterAll(async () => {
    await topology?.stop();
  });

  storeConformanceSuite(
    'redis (Sentinel: primary + replica)',
    async (clock) => ({
      store: await createRedisSessionStore({
        url: 'redis://127.0.0.1:6379/0',
        sentinels: sentinels(),
        sentinelName: topology.name,
        prefix: uniquePrefix('sentinel'),
        // A loaded CI machine can stall a command for longer than the default; timeouts have their own test.
        commandTimeoutMs: 2_000,
        clock,
      }),
    }),
    { describe, test, beforeEach, afterEach },
  );

  describe('failover', () => {
    let app: FailoverApp;
    beforeAll(async () => {
      app = await startFailoverApp({
        sentinels: sentinels(),
        sentinelName: topology.name,
        waitReplicas: { replicas: 1, timeoutMs: 500 },
      });
    });
    afterAll(async () => {
      await app?.close();
    });

    test('SENTINEL FAILOVER during a login/logout loop: nothing resurrects, service resumes without a restart', async () => {
      const before = await currentPrimary();
      const report = await loginLogoutLoop(app, async () => {
        await new Promise((resolve) => setTimeout(resolve, 300));
        await ask(topology.sentinels[0]?.port as number, 'SENTINEL', 'FAILOVER', topology.name);
        await until(async () => (await currentPrimary()) !== before, 'the replica is promoted');
        // The old primary rejoins as a replica, so logouts can be acknowledged again.
        await until(
          async () =>
            String(await ask(await currentPrimary(), 'INFO', 'replication')).includes('connected_slaves:1'),
          'the old primary replicates from the new one',
        );
      });
      expect(report.resurrected).toBe(0);
      expect(report.logouts).toBeGreaterThanOrEqual(10);
      expect(await currentPrimary()).not.toBe(before);
    }, 60_000);

    test('INVARIANTS 10: while the primary is dead requests get 503, never an anonymous page; the promoted replica then serves', async () => {
      const b = app.browser();
      expect((await b.login('alice', PASSWORD)).status).toBe(302);
      expect((await b.get('/dashboard/')).status).toBe(200);
      const primary = await currentPrimary();
      const status = await servedAgainAfter(b, async () =>
        topology.nodes.find((n) => n.port === primary)?.kill(),
      );
      // The replica had her session (her login waited for nothing, but the replica was in sync).
      expect(status).toBe(200);
      expect(await currentPrimary()).not.toBe(primary);
    }, 90_000);
  });
});
