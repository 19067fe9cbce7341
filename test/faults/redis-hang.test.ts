/**
 * INVARIANTS 10 with a Redis that hangs rather than dies: a redis-server frozen with SIGSTOP holds its
 * connections open and answers nothing. Requests fail closed within the command timeout (default
 * 0.5 s), the ones after at once, as with a dead server; after SIGCONT service resumes by itself.
 */
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { type FailoverApp, PASSWORD, startFailoverApp } from '../support/failover-app.js';
import {
  type RedisNode,
  type RedisTopology,
  redisBinariesFor,
  startRedisServer,
} from '../support/redis-topology.js';

const available = redisBinariesFor('the hung-Redis test');

/** Milliseconds `work` took. */
async function timed(work: () => Promise<unknown>): Promise<number> {
  const started = performance.now();
  await work();
  return performance.now() - started;
}

describe.runIf(available)('INVARIANTS 10: a hung Redis (SIGSTOP) fails closed as fast as a dead one', () => {
  let server: RedisTopology & { node: RedisNode };
  let app: FailoverApp;

  beforeAll(async () => {
    server = await startRedisServer();
    // Default timeouts: what an app gets without setting REDIS_SOCKET_TIMEOUT.
    app = await startFailoverApp({ url: `redis://127.0.0.1:${server.node.port}/0` });
  });
  afterAll(async () => {
    server?.node.resume();
    await app?.close();
    await server?.stop();
  });

  test('frozen: 503 within the command timeout, then at once; thawed: the session is back', async () => {
    const alice = app.browser();
    expect((await alice.login('alice', PASSWORD)).status).toBe(302);
    expect((await alice.get('/dashboard/')).status).toBe(200);

    server.node.pause();
    let status = 0;
    const first = await timed(async () => {
      status = (await alice.get('/dashboard/')).status;
    });
    expect(status).toBe(503);
    // The 0.5 s command timeout, plus a loaded machine's slack; ioredis alone would wait ~forever.
    expect(first).toBeLessThan(1_500);
    for (let i = 0; i < 5; i++) {
      const next = await timed(async () => {
        status = (await alice.get('/api/me/')).status;
      });
      expect(status).toBe(503);
      expect(next).toBeLessThan(300);
    }
    const login = app.browser();
    expect(
      await timed(async () => expect((await login.login('alice', PASSWORD)).status).toBe(503)),
    ).toBeLessThan(1_500);

    server.node.resume();
    const deadline = Date.now() + 15_000;
    do {
      await new Promise((resolve) => setTimeout(resolve, 100));
      status = (await alice.get('/dashboard/')).status;
    } while (status === 503 && Date.now() < deadline);
    expect(status).toBe(200);
  }, 40_000);
});
