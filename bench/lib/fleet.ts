/**
 * @module A fleet: one server process per contender, all started with the same hasher, each with a
 * fresh data directory and its own secret. They stay up for the scenarios that alternate between
 * them (an idle Node server costs no CPU) and are stopped together.
 */
import { randomBytes } from 'node:crypto';
import { mkdtempSync } from 'node:fs';
import { join } from 'node:path';
import type { Contender } from '../contenders/contender.js';
import { compiledServer, compileServers } from './build.js';
import { type RunningServer, startServer } from './processes.js';

/** Servers by contender name. */
export interface Fleet {
  readonly servers: ReadonlyMap<string, RunningServer>;
  /** Contenders whose server failed to start, with the reason. */
  readonly failed: ReadonlyMap<string, string>;
  stop(): Promise<void>;
}

/**
 * Starts a server for each contender (two at a time, so start-up does not take the whole machine).
 * @example
 * const fleet = await startFleet(contenders, { hasher: 'fast', redisUrl, workDir });
 */
export async function startFleet(
  contenders: readonly Contender[],
  options: {
    hasher: 'default' | 'fast';
    redisUrl: string | null;
    workDir: string;
    nodeFlags?: readonly string[];
  },
): Promise<Fleet> {
  await compileServers();
  const servers = new Map<string, RunningServer>();
  const failed = new Map<string, string>();
  const queue = [...contenders];
  const worker = async (): Promise<void> => {
    for (let c = queue.shift(); c !== undefined; c = queue.shift()) {
      const env: Record<string, string> = {
        ...c.env,
        HASHER: options.hasher,
        DATA_DIR: mkdtempSync(join(options.workDir, `${c.name}-${options.hasher}-`)),
        SECRET_KEY: randomBytes(48).toString('base64url'),
        ...(options.redisUrl === null ? {} : { REDIS_URL: options.redisUrl }),
      };
      try {
        servers.set(
          c.name,
          await startServer(compiledServer(c.script), env, {
            label: c.name,
            nodeFlags: options.nodeFlags ?? [],
          }),
        );
      } catch (error) {
        failed.set(c.name, (error as Error).message.split('\n').slice(0, 6).join(' | '));
      }
    }
  };
  await Promise.all([worker(), worker()]);
  return {
    servers,
    failed,
    async stop() {
      await Promise.all([...servers.values()].map((s) => s.stop()));
    },
  };
}
