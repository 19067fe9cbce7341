/**
 * @module A private redis-server for fault and multi-process tests: on a spare port, no
 * persistence, stoppable and restartable on the same port, so a test can take the store away
 * from a running app and give it back.
 */
import { type ChildProcess, spawn, spawnSync } from 'node:child_process';
import { freePort, isListening as listening } from './ports.js';

/** A redis-server the test controls. */
export interface PrivateRedis {
  readonly port: number;
  readonly url: string;
  /** Kills the server (SIGKILL: the store vanishes as in a crash). */
  stop(): Promise<void>;
  /** Starts it again on the same port, empty. */
  start(): Promise<void>;
}

/** Whether `redis-server` is on the PATH. */
export function hasRedisServer(): boolean {
  return spawnSync('redis-server', ['--version']).status === 0;
}

async function until(condition: () => Promise<boolean>, what: string): Promise<void> {
  for (let attempt = 0; attempt < 100; attempt++) {
    if (await condition()) return;
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
  throw new Error(`redis-server: timed out waiting until ${what}`);
}

/**
 * Starts a private redis-server.
 * @example
 * const redis = await startPrivateRedis();
 * await redis.stop(); await redis.start();
 */
export async function startPrivateRedis(): Promise<PrivateRedis> {
  const port = await freePort();
  let child: ChildProcess | null = null;
  const kill = (): void => {
    child?.kill('SIGKILL');
  };
  process.once('exit', kill);
  const server: PrivateRedis = {
    port,
    url: `redis://127.0.0.1:${port}/0`,
    async start() {
      child = spawn(
        'redis-server',
        ['--port', String(port), '--bind', '127.0.0.1', '--save', '', '--appendonly', 'no'],
        {
          stdio: 'ignore',
        },
      );
      await until(() => listening(port), `port ${port} listens`);
    },
    async stop() {
      const running = child;
      child = null;
      if (running === null) return;
      const exited = new Promise((resolve) => running.once('exit', resolve));
      running.kill('SIGKILL');
      await exited;
      await until(async () => !(await listening(port)), `port ${port} is closed`);
    },
  };
  await server.start();
  return server;
}
