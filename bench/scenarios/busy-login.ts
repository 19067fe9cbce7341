/**
 * @module S5: does hashing block other requests? S1 is sent at a fixed rate (a share of the
 * contender's own S1 throughput, so every stack is equally loaded) once alone and once while logins
 * with the real hasher arrive at a fixed rate on other connections. With hashing off the event loop,
 * S1's p99 barely moves; a hasher on the event loop adds a whole hash to the requests behind it.
 */
import type { Contender, Sequence } from '../contenders/contender.js';
import { type LoadResult, loadProblem, runLoad } from '../lib/load.js';
import type { BenchOptions } from '../lib/options.js';
import type { BusyRow } from '../lib/results.js';
import { median } from '../lib/stats.js';
import { progress } from './http.js';

/** A contender to load, at `rate` dashboard requests per second. */
export interface BusyTarget {
  readonly contender: Contender;
  readonly origin: string;
  readonly rate: number;
  readonly dashboard: Sequence;
}

const LOGIN_CONNECTIONS = 2;

/**
 * Runs S5 for each target, in alternation, and returns one row each.
 * @example
 * const rows = await busyLogin(targets, options);
 */
export async function busyLogin(targets: readonly BusyTarget[], options: BenchOptions): Promise<BusyRow[]> {
  const idle = new Map<string, LoadResult[]>();
  const busy = new Map<string, LoadResult[]>();
  const logins = new Map<string, LoadResult[]>();
  const keep = (map: Map<string, LoadResult[]>, name: string, r: LoadResult): void => {
    map.set(name, [...(map.get(name) ?? []), r]);
  };
  for (let round = 1; round <= options.runs; round++) {
    for (const t of targets) {
      const page = {
        origin: t.origin,
        connections: Math.max(4, Math.ceil(t.rate / 50)),
        rate: t.rate,
        ...t.dashboard,
      };
      const login = await t.contender.repeatableLogin(t.origin);
      await runLoad({ ...page, seconds: options.warmupSeconds });
      const alone = await runLoad({ ...page, seconds: options.seconds });
      const [together, loginRun] = await Promise.all([
        runLoad({ ...page, seconds: options.seconds }),
        runLoad({
          origin: t.origin,
          connections: LOGIN_CONNECTIONS,
          rate: options.s5LoginsPerSecond,
          seconds: options.seconds,
          ...login,
        }),
      ]);
      keep(idle, t.contender.name, alone);
      keep(busy, t.contender.name, together);
      keep(logins, t.contender.name, loginRun);
      progress(
        `S5 ${t.contender.name} run ${round}/${options.runs} at ${t.rate}/s: p99 ${alone.p99.toFixed(2)} ms alone, ` +
          `${together.p99.toFixed(2)} ms with ${loginRun.perSecond.toFixed(1)} logins/s (login p50 ${loginRun.p50.toFixed(0)} ms)`,
      );
    }
  }
  return targets.map((t) => {
    const name = t.contender.name;
    const all = [...(idle.get(name) ?? []), ...(busy.get(name) ?? []), ...(logins.get(name) ?? [])];
    const problems = all.map(loadProblem).filter((p): p is string => p !== null);
    const of = (map: Map<string, LoadResult[]>, pick: (r: LoadResult) => number): number =>
      median((map.get(name) ?? []).map(pick));
    return {
      contender: name,
      rate: t.rate,
      idleP50: of(idle, (r) => r.p50),
      idleP99: of(idle, (r) => r.p99),
      busyP50: of(busy, (r) => r.p50),
      busyP99: of(busy, (r) => r.p99),
      loginsPerSecond: of(logins, (r) => r.perSecond),
      loginP50: of(logins, (r) => r.p50),
      problem: problems[0] ?? null,
    };
  });
}
