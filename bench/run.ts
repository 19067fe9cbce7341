/**
 * @module `npm run bench` (`node --import tsx bench/run.ts [--quick] [--only=…] [--scenarios=…]`):
 * starts its own Redis, one server process per contender, runs S0–S5 with wrk (autocannon where
 * wrk cannot: S5's fixed rates), prints the tables, writes bench/results/*.json, stops everything it started, and ends
 * with the headline ratio. The method is in bench/README.md.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Contender } from './contenders/contender.js';
import { allContenders } from './contenders/index.js';
import { evaluateGoals, headline } from './lib/goals.js';
import { currentLoad, describeMachine, machineLine } from './lib/machine.js';
import { type BenchOptions, parseOptions } from './lib/options.js';
import { updateReadme, writeJson } from './lib/output.js';
import { type BenchRedis, startRedis } from './lib/redis-server.js';
import type { BenchResults, ContenderInfo } from './lib/results.js';
import { renderText } from './lib/tables.js';
import { WRK_MISSING, wrkPath } from './lib/wrk.js';
import { runHttpPhases } from './phases.js';
import { progress } from './scenarios/http.js';
import { logoutEverywhere } from './scenarios/logout-everywhere.js';

const options = parseOptions(process.argv.slice(2));
if (typeof options === 'string') {
  process.stderr.write(`bench: ${options}\n`);
  process.exit(2);
}

function selected(all: readonly Contender[], opts: BenchOptions): Contender[] {
  if (opts.only.length === 0) return opts.quick ? all.filter((c) => c.inQuick) : [...all];
  return all.filter((c) => opts.only.some((o) => c.name.includes(o)));
}

const machine = describeMachine();
progress(machineLine(machine));
const wrk = wrkPath();
if (wrk === null) progress(`bench: ${WRK_MISSING}`);
if (machine.loadBefore > 1) {
  progress(`warning: load average is ${machine.loadBefore} before the run; other work skews the numbers`);
}
const workDir = mkdtempSync(join(tmpdir(), 'latchkey-bench-'));
const contenders = selected(allContenders(), options);
const results: BenchResults = {
  kind: options.quick ? 'quick' : 'full',
  startedAt: new Date().toISOString(),
  finishedAt: '',
  machine,
  method: {
    runs: options.runs,
    warmupSeconds: options.warmupSeconds,
    seconds: options.seconds,
    connections: options.connections,
    loadGenerator:
      wrk === null
        ? 'autocannon 9 (wrk missing), one process (the orchestrator), keep-alive connections, no pipelining'
        : 'wrk 4 (C): one thread for fixed requests, one thread per connection for the S3 cycle (Lua); autocannon 9 only for S5 (fixed rate) and cycles wrk cannot drive; keep-alive, no pipelining',
    servers: 'compiled by tsc (bench/tsconfig.json), run with node',
    s4Totals: options.s4Totals,
    s4Trials: options.s4Trials,
    s5LoadShare: options.s5LoadShare,
    s5LoginsPerSecond: options.s5LoginsPerSecond,
  },
  contenders: await Promise.all(
    contenders.map(
      async (c): Promise<ContenderInfo> => ({
        name: c.name,
        does: c.does,
        revokedAtLogout: null,
        skipped: await c.unavailable(),
      }),
    ),
  ),
  http: [],
  busy: [],
  logoutAll: [],
  memory: [],
  goals: [],
  profiles: [],
  headline: '',
};

let redis: BenchRedis | null = null;
const cleanups: (() => Promise<void>)[] = [];
process.once('SIGINT', () => {
  progress('bench: interrupted, stopping what it started');
  void Promise.allSettled(cleanups.map((c) => c())).finally(() => process.exit(130));
});

try {
  const wantsRedis = contenders.some((c) => c.needsRedis) || options.scenarios.has('S4');
  if (wantsRedis) {
    const started = await startRedis();
    if (typeof started === 'string') {
      progress(`bench: no Redis (${started}); the Redis contenders are skipped`);
    } else {
      redis = started;
      machine.redis = started.version;
      cleanups.push(() => started.stop());
    }
  }
  for (const info of results.contenders) {
    const c = contenders.find((x) => x.name === info.name);
    if (info.skipped === null && c?.needsRedis && redis === null) info.skipped = 'no redis-server';
  }
  const runnable = contenders.filter(
    (c) => results.contenders.find((i) => i.name === c.name)?.skipped === null,
  );
  for (const c of runnable) if (c.start) cleanups.push(await c.start());
  await runHttpPhases(runnable, options, { results, redisUrl: redis?.url ?? null, workDir, cleanups });
  if (options.scenarios.has('S4')) {
    results.logoutAll.push(...(await logoutEverywhere(options, { workDir, redisUrl: redis?.url ?? null })));
  }
} finally {
  await Promise.allSettled(cleanups.map((c) => c()));
  rmSync(workDir, { recursive: true, force: true });
}

machine.loadAfter = currentLoad();
results.finishedAt = new Date().toISOString();
results.goals = evaluateGoals(results);
results.headline = headline(results);
process.stdout.write(renderText(results));
const complete = options.only.length === 0 && options.scenarios.size === 6;
const json = writeJson(results, { complete });
const readmes = results.kind === 'full' && complete ? updateReadme(results) : [];
process.stdout.write(`results: ${[json, ...readmes].join(', ')}\n`);
process.stdout.write(`${results.headline}\n`);
