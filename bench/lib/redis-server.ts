/**
 * @module The benchmark's own Redis: `redis-server` started on a free port with persistence off and
 * stopped at the end, so a fresh clone needs no Redis running. When `redis-server` is not installed
 * the run goes on without the Redis contenders and says so.
 */
import { freePort } from '../../test/support/ports.js';
import { type RunningProcess, startProcess } from './processes.js';

/** A Redis this run started. */
export interface BenchRedis {
  readonly url: string;
  readonly port: number;
  readonly version: string;
  stop(): Promise<void>;
}

/**
 * Starts `redis-server` (from PATH, or `REDIS_SERVER`), or returns why it could not.
 * @example
 * const redis = await startRedis();
 * if (typeof redis === 'string') console.log(`no Redis: ${redis}`);
 */
export async function startRedis(): Promise<BenchRedis | string> {
  const port = await freePort();
  const command = process.env.REDIS_SERVER ?? 'redis-server';
  let child: RunningProcess;
  try {
    child = await startProcess(
      command,
      [
        '--port',
        String(port),
        '--bind',
        '127.0.0.1',
        '--save',
        '',
        '--appendonly',
        'no',
        '--daemonize',
        'no',
      ],
      {
        env: process.env,
        readyLine: /Ready to accept connections/,
        label: 'redis-server',
        timeoutMs: 15_000,
      },
    );
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    return code === 'ENOENT' ? `${command} is not installed` : String((error as Error).message);
  }
  const { execFileSync } = await import('node:child_process');
  let version = 'unknown';
  try {
    version = /v=(\S+)/.exec(execFileSync(command, ['--version']).toString())?.[1] ?? version;
  } catch {
    // The version is only printed in the report.
  }
  return { url: `redis://127.0.0.1:${port}/0`, port, version, stop: () => child.stop() };
}
