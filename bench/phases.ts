/**
 * @module The HTTP part of a run, in two fleets: servers with the fast hasher for S0, S1, S2 and S3
 * (fast), then servers with the default hasher for S3 (default) and S5. Then, when asked, a CPU
 * profile of Latchkey under S1 and S3. Every server started here is stopped here, or by the run's
 * cleanups on failure.
 */
import type { Contender } from './contenders/contender.js';
import { type Fleet, startFleet } from './lib/fleet.js';
import type { BenchOptions } from './lib/options.js';
import type { BenchResults } from './lib/results.js';
import { type BusyTarget, busyLogin } from './scenarios/busy-login.js';
import {
  alternate,
  anonymousTargets,
  authenticatedTargets,
  cycleTargets,
  limitTargets,
  progress,
  type RunningContender,
  revokedAtLogout,
} from './scenarios/http.js';
import { memoryGrowth } from './scenarios/memory.js';
import { profileLatchkey } from './scenarios/profile-run.js';

/** What the phases share with the run. */
export interface PhaseContext {
  readonly results: BenchResults;
  readonly redisUrl: string | null;
  readonly workDir: string;
  readonly cleanups: (() => Promise<void>)[];
}

/** Contenders of the default-hasher fleet (S3 default, S5) in a quick run; a full run takes all. */
const QUICK_DEFAULT_HASHER = ['latchkey-redis', 'express-passport-redis', 'better-auth'];
/** Contenders S5 runs on in a full run: the goal's Latchkey stores and the two main peers. */
const FULL_BUSY = [
  'latchkey-memory',
  'latchkey-sqlite',
  'latchkey-redis',
  'express-passport-redis',
  'better-auth',
];
/**
 * S3 with the default hasher runs on few connections: hashing bounds the rate whatever the count,
 * and 32 connections queued behind a 4-thread pool would only measure the queue.
 */
const SLOW_HASH_CONNECTIONS = 8;

async function fleetOf(
  contenders: readonly Contender[],
  hasher: 'default' | 'fast',
  ctx: PhaseContext,
): Promise<{ fleet: Fleet; running: RunningContender[] }> {
  progress(`starting ${contenders.length} servers (${hasher} hasher)`);
  const fleet = await startFleet(contenders, { hasher, redisUrl: ctx.redisUrl, workDir: ctx.workDir });
  ctx.cleanups.push(() => fleet.stop());
  for (const [name, reason] of fleet.failed) {
    progress(`${name}: server did not start: ${reason}`);
    const info = ctx.results.contenders.find((c) => c.name === name);
    if (info !== undefined) info.skipped = `server did not start: ${reason.slice(0, 200)}`;
  }
  const running = contenders.flatMap((contender) => {
    const server = fleet.servers.get(contender.name);
    return server === undefined ? [] : [{ contender, origin: server.origin, log: () => server.stderr() }];
  });
  return { fleet, running };
}

/**
 * Runs the HTTP scenarios the options select, on `contenders`, and appends their rows to the results.
 * @example
 * await runHttpPhases(contenders, options, { results, redisUrl, workDir, cleanups });
 */
export async function runHttpPhases(
  contenders: readonly Contender[],
  options: BenchOptions,
  ctx: PhaseContext,
): Promise<void> {
  const { results } = ctx;
  const has = (s: 'S0' | 'S1' | 'S2' | 'S3' | 'S5'): boolean => options.scenarios.has(s);
  if (contenders.length === 0) return;
  if (has('S0') || has('S1') || has('S2') || has('S3')) {
    const { fleet, running } = await fleetOf(contenders, 'fast', ctx);
    for (const { contender, origin } of running) {
      const info = results.contenders.find((c) => c.name === contender.name);
      if (info !== undefined) info.revokedAtLogout = await revokedAtLogout(contender, origin);
    }
    if (has('S0')) results.http.push(...(await alternate('S0', limitTargets(running), options)));
    if (has('S1')) {
      const s1 = await authenticatedTargets(running);
      results.http.push(...(await alternate('S1', s1, options)));
      const memory = s1.find((t) => t.name === 'latchkey-memory');
      const pid = fleet.servers.get('latchkey-memory')?.pid;
      if (memory !== undefined && pid !== undefined) {
        results.memory.push(await memoryGrowth(memory, pid, options));
      }
    }
    if (has('S2')) results.http.push(...(await alternate('S2', anonymousTargets(running), options)));
    if (has('S3')) results.http.push(...(await alternate('S3-fast', cycleTargets(running), options)));
    await fleet.stop();
  }
  if (has('S3') || has('S5')) {
    const slow = options.quick ? contenders.filter((c) => QUICK_DEFAULT_HASHER.includes(c.name)) : contenders;
    const { fleet, running } = await fleetOf(slow, 'default', ctx);
    if (has('S3')) {
      const sizing = { connections: SLOW_HASH_CONNECTIONS, seconds: Math.max(options.seconds, 3) };
      results.http.push(...(await alternate('S3-default', cycleTargets(running), options, sizing)));
    }
    if (has('S5')) {
      const chosen = options.quick ? running : running.filter((r) => FULL_BUSY.includes(r.contender.name));
      const dashboards = await authenticatedTargets(chosen);
      const targets: BusyTarget[] = chosen.map((r, i) => {
        const s1 = results.http.find(
          (h) => h.scenario === 'S1' && h.contender === r.contender.name,
        )?.perSecond;
        const rate =
          s1 === undefined || !Number.isFinite(s1)
            ? 200
            : Math.max(20, Math.round((s1 * options.s5LoadShare) / 10) * 10);
        const dashboard = dashboards[i]?.sequence ?? { requests: [], expectStatus: [] };
        return { contender: r.contender, origin: r.origin, rate, dashboard };
      });
      results.busy.push(...(await busyLogin(targets, options)));
    }
    await fleet.stop();
  }
  if (options.profile) {
    const target =
      contenders.find((c) => c.name === 'latchkey-redis') ?? contenders.find((c) => c.isLatchkey);
    if (target !== undefined) {
      for (const scenario of ['S1', 'S3-fast'] as const) {
        results.profiles.push(await profileLatchkey(target, scenario, options, ctx));
      }
    }
  }
}
