/**
 * @module S0–S3: the request sequence of each scenario per contender, and the measuring loop every
 * HTTP scenario shares — for each of `runs` rounds, each contender in turn (A B C A B C …) gets a
 * warm-up and then a measured run; each contender's line is the median of its runs.
 */

import { send } from '../contenders/browser.js';
import type { Contender, Framework, Sequence } from '../contenders/contender.js';
import { CookieJar } from '../lib/cookie-jar.js';
import { type LoadResult, loadProblem, runLoad } from '../lib/load.js';
import type { BenchOptions } from '../lib/options.js';
import { outputSince } from '../lib/processes.js';
import type { HttpRow } from '../lib/results.js';
import { median } from '../lib/stats.js';

/** One line of a scenario: a name, the server it hits, what it sends. */
export interface Target {
  readonly name: string;
  readonly origin: string;
  readonly sequence: Sequence;
  /** The server's latest standard error, shown beside a run that went wrong (a 503's cause). */
  readonly log?: () => string;
}

/** A contender's running server, as the scenarios see it. */
export interface RunningContender {
  readonly contender: Contender;
  readonly origin: string;
  readonly log?: () => string;
}

/** Prints progress to standard error (standard output carries only the report). */
export function progress(line: string): void {
  process.stderr.write(`${line}\n`);
}

function fmt(r: LoadResult): string {
  return `${r.perSecond.toFixed(0)}/s p50 ${r.p50.toFixed(2)} ms p99 ${r.p99.toFixed(2)} ms`;
}

/** The first lines a server wrote during a run that went wrong (its cause usually comes first). */
function excerpt(name: string, said: string): string {
  const lines = said.split('\n');
  const first = lines.slice(0, 3).map((line) => `    ${line.slice(0, 300)}`);
  const more = lines.length > 3 ? [`    … ${lines.length} lines in all`] : [];
  return [`  ${name} wrote during that run:`, ...first, ...more].join('\n');
}

/**
 * Measures `targets` in alternation and returns one row per target.
 * @example
 * const rows = await alternate('S1', targets, options);
 */
export async function alternate(
  scenario: string,
  targets: readonly Target[],
  options: BenchOptions,
  sizing: { connections?: number; seconds?: number } = {},
): Promise<HttpRow[]> {
  const runs = new Map<string, LoadResult[]>(targets.map((t) => [t.name, []]));
  const seconds = sizing.seconds ?? options.seconds;
  for (let round = 1; round <= options.runs; round++) {
    for (const target of targets) {
      const connections = sizing.connections ?? options.connections;
      const spec = { origin: target.origin, connections, ...target.sequence };
      await runLoad({ ...spec, seconds: options.warmupSeconds });
      const logBefore = target.log?.() ?? '';
      const result = await runLoad({ ...spec, seconds });
      runs.get(target.name)?.push(result);
      const problem = loadProblem(result);
      progress(
        `${scenario} ${target.name} run ${round}/${options.runs}: ${fmt(result)}${problem ? ` (${problem})` : ''}`,
      );
      const said = problem === null ? '' : outputSince(logBefore, target.log?.() ?? '').trim();
      if (said !== '') progress(excerpt(target.name, said));
    }
  }
  return targets.map((target) => {
    const results = runs.get(target.name) ?? [];
    const problems = results.map(loadProblem).filter((p): p is string => p !== null);
    return {
      scenario,
      contender: target.name,
      perSecond: median(results.map((r) => r.perSecond)),
      p50: median(results.map((r) => r.p50)),
      p99: median(results.map((r) => r.p99)),
      runs: results,
      problem: problems[0] ?? null,
    };
  });
}

const page = (path: string, expect: number, cookie?: string): Sequence => ({
  requests: [{ method: 'GET', path, ...(cookie === undefined ? {} : { headers: { cookie } }) }],
  expectStatus: [expect],
});

/** S0: the dashboard with no session, once per framework (on the first server of that framework). */
export function limitTargets(running: readonly RunningContender[]): Target[] {
  const seen = new Set<Framework>();
  const targets: Target[] = [];
  for (const { contender, origin, log } of running) {
    if (seen.has(contender.framework)) continue;
    seen.add(contender.framework);
    targets.push({ name: contender.framework, origin, sequence: page('/limit/', 200), log });
  }
  return targets;
}

/** S1: the dashboard with a session logged in just before. */
export async function authenticatedTargets(running: readonly RunningContender[]): Promise<Target[]> {
  const targets: Target[] = [];
  for (const { contender, origin, log } of running) {
    const jar = new CookieJar();
    await contender.login(origin, jar);
    const check = await send(origin, '/dashboard/', { jar: jar.clone() });
    if (check.status !== 200)
      throw new Error(`${contender.name}: dashboard answered ${check.status} after login`);
    targets.push({ name: contender.name, origin, sequence: page('/dashboard/', 200, jar.header()), log });
  }
  return targets;
}

/** S2: the dashboard without a session (a redirect to the login page). */
export function anonymousTargets(running: readonly RunningContender[]): Target[] {
  return running.map(({ contender, origin, log }) => ({
    name: contender.name,
    origin,
    sequence: page('/dashboard/', 302),
    log,
  }));
}

/** S3: login page, login, logout, again and again. */
export function cycleTargets(running: readonly RunningContender[]): Target[] {
  return running.map(({ contender, origin, log }) => ({
    name: contender.name,
    origin,
    sequence: contender.cycle(origin),
    log,
  }));
}

/**
 * Whether logging out ends the session on the server: a copy of the cookies taken before logout
 * must not open the dashboard afterwards (ASVS 3.3.1).
 */
export async function revokedAtLogout(contender: Contender, origin: string): Promise<boolean> {
  const jar = new CookieJar();
  await contender.login(origin, jar);
  const copy = jar.clone();
  await contender.logout(origin, jar);
  return (await send(origin, '/dashboard/', { jar: copy })).status !== 200;
}
