/**
 * @module S4 from the orchestrator: each approach at each population size runs in its own process
 * (bench/s4/worker.ts); Redis is emptied between approaches. Latchkey's stores get `s4Trials` timed
 * calls; the scans, which take seconds each, get three at 10^5 and one at 10^6.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { Redis } from 'ioredis';
import { type ServerDialect, serverLabel, serverProblem } from '../../test/support/sql-servers.js';
import type { BenchOptions } from '../lib/options.js';
import { startProcess } from '../lib/processes.js';
import type { LogoutAllRow } from '../lib/results.js';
import { median } from '../lib/stats.js';
import type { S4Measurement } from '../s4/fixture.js';
import { progress } from './http.js';

/**
 * The approaches S4 compares, whether each needs the run's Redis, and which of the machine's SQL
 * servers (a database is made for the measurement and dropped after it).
 */
export const S4_APPROACHES: readonly {
  readonly approach: string;
  readonly redis: boolean;
  readonly latchkey: boolean;
  readonly server?: ServerDialect;
}[] = [
  { approach: 'latchkey-memory', redis: false, latchkey: true },
  { approach: 'latchkey-sqlite', redis: false, latchkey: true },
  { approach: 'latchkey-redis', redis: true, latchkey: true },
  { approach: 'latchkey-postgres', redis: false, latchkey: true, server: 'postgres' },
  { approach: 'latchkey-mysql', redis: false, latchkey: true, server: 'mysql' },
  { approach: 'connect-redis-scan', redis: true, latchkey: false },
  { approach: 'django-decode-every-row', redis: false, latchkey: false },
];

async function runWorker(
  approach: string,
  total: number,
  trials: number,
  env: { dir: string; redisUrl: string | null },
): Promise<S4Measurement> {
  let line = '';
  const child = await startProcess(
    process.execPath,
    [
      '--max-old-space-size=8192',
      '--import',
      'tsx',
      'bench/s4/worker.ts',
      approach,
      String(total),
      String(trials),
    ],
    {
      env: {
        ...process.env,
        DATA_DIR: env.dir,
        ...(env.redisUrl === null ? {} : { REDIS_URL: env.redisUrl }),
      },
      readyLine: /^\{.*\}$/m,
      label: `S4 ${approach}`,
      timeoutMs: 30 * 60_000,
    },
  ).catch((error: Error) => {
    line = error.message;
    return null;
  });
  if (child === null) throw new Error(line);
  // The worker printed its JSON line and exits by itself; stop() only waits for that.
  const output = child.stdout();
  await child.stop();
  return JSON.parse(output.trim().split('\n').pop() ?? '') as S4Measurement;
}

/**
 * Runs S4 for every approach (those needing Redis only when `redisUrl` is set).
 * @example
 * const rows = await logoutEverywhere(options, { workDir, redisUrl });
 */
export async function logoutEverywhere(
  options: BenchOptions,
  env: { workDir: string; redisUrl: string | null },
): Promise<LogoutAllRow[]> {
  const rows: LogoutAllRow[] = [];
  for (const total of options.s4Totals) {
    for (const { approach, redis, latchkey, server } of S4_APPROACHES) {
      if (redis && env.redisUrl === null) continue;
      const unreachable = server === undefined ? null : await serverProblem(server);
      if (server !== undefined && unreachable !== null) {
        const problem = `skipped: cannot reach ${serverLabel(server)} (${unreachable})`;
        rows.push({ approach, total, medianMs: Number.NaN, trialsMs: [], loadSeconds: 0, problem });
        progress(`S4 ${approach} at ${total}: ${problem}`);
        continue;
      }
      const trials = latchkey ? options.s4Trials : total > 100_000 || options.quick ? 1 : 3;
      const dir = mkdtempSync(join(env.workDir, `s4-${approach}-`));
      try {
        const m = await runWorker(approach, total, trials, { dir, redisUrl: env.redisUrl });
        const wrong = m.ended.filter((n) => n !== 10).length;
        const row: LogoutAllRow = {
          approach,
          total,
          medianMs: median([...m.trialsMs]),
          trialsMs: m.trialsMs,
          loadSeconds: m.loadSeconds,
          problem: wrong > 0 ? `ended ${m.ended.join(', ')} sessions instead of 10` : null,
        };
        rows.push(row);
        progress(
          `S4 ${approach} at ${total}: ${row.medianMs.toFixed(2)} ms (loaded in ${m.loadSeconds.toFixed(1)} s)`,
        );
      } catch (error) {
        rows.push({
          approach,
          total,
          medianMs: Number.NaN,
          trialsMs: [],
          loadSeconds: 0,
          problem: String(error),
        });
        progress(`S4 ${approach} at ${total}: failed: ${String(error)}`);
      } finally {
        rmSync(dir, { recursive: true, force: true });
        if (env.redisUrl !== null && redis) {
          const client = new Redis(env.redisUrl);
          await client.flushall();
          client.disconnect();
        }
      }
    }
  }
  return rows;
}
