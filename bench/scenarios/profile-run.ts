/**
 * @module The CPU profile behind a missed goal: one Latchkey server alone, warmed up, then profiled
 * (V8's sampling profiler, started by SIGUSR2 after the warm-up) through one measured S1 or S3 run.
 * The .cpuprofile lands in bench/results/profiles/ (open it in Chrome DevTools); its summary goes
 * into the report.
 */
import { mkdirSync } from 'node:fs';
import { resolve } from 'node:path';
import type { Contender } from '../contenders/contender.js';
import { startFleet } from '../lib/fleet.js';
import { runLoad } from '../lib/load.js';
import type { BenchOptions } from '../lib/options.js';
import { summarizeProfile } from '../lib/profile.js';
import type { ProfileSummary } from '../lib/results.js';
import { authenticatedTargets, cycleTargets, progress } from './http.js';

const PROFILE_DIR = 'bench/results/profiles';

async function waitFor(read: () => string, text: string, timeoutMs: number): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!read().includes(text)) {
    if (Date.now() > deadline) throw new Error(`server did not say "${text}"`);
    await new Promise((r) => setTimeout(r, 20));
  }
}

/**
 * Profiles `contender` under `scenario` and returns the summary.
 * @example
 * const summary = await profileLatchkey(latchkeyRedis, 'S1', options, { redisUrl, workDir, cleanups });
 */
export async function profileLatchkey(
  contender: Contender,
  scenario: 'S1' | 'S3-fast',
  options: BenchOptions,
  ctx: { redisUrl: string | null; workDir: string; cleanups: (() => Promise<void>)[] },
): Promise<ProfileSummary> {
  mkdirSync(PROFILE_DIR, { recursive: true });
  const file = resolve(PROFILE_DIR, `${contender.name}-${scenario}.cpuprofile`);
  const profiled: Contender = { ...contender, env: { ...contender.env, BENCH_CPU_PROFILE: file } };
  const fleet = await startFleet([profiled], {
    hasher: 'fast',
    redisUrl: ctx.redisUrl,
    workDir: ctx.workDir,
  });
  ctx.cleanups.push(() => fleet.stop());
  const server = fleet.servers.get(contender.name);
  if (server === undefined) throw new Error(`${contender.name}: ${fleet.failed.get(contender.name)}`);
  const running = [{ contender, origin: server.origin }];
  const [target] = scenario === 'S1' ? await authenticatedTargets(running) : cycleTargets(running);
  if (target === undefined) throw new Error('no target to profile');
  const spec = { origin: target.origin, connections: options.connections, ...target.sequence };
  await runLoad({ ...spec, seconds: options.warmupSeconds });
  server.signal('SIGUSR2');
  await waitFor(() => server.stdout(), 'profiling', 5_000);
  const measured = await runLoad({ ...spec, seconds: options.seconds });
  await fleet.stop();
  progress(`profiled ${contender.name} under ${scenario} at ${measured.perSecond.toFixed(0)}/s: ${file}`);
  return summarizeProfile(file, { contender: contender.name, scenario });
}
