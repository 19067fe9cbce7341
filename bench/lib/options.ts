/**
 * @module The command line of `npm run bench`: `--quick` (one short run of each, S4 at 10^5 only,
 * under 3 minutes), `--only=a,b` (contenders whose name contains one of these), `--scenarios=S1,S4`,
 * `--profile` / `--no-profile` (a CPU profile of Latchkey under S1; on by default in a full run).
 */

/** Every scenario id, in the order they run. */
export const SCENARIOS = ['S0', 'S1', 'S2', 'S3', 'S5', 'S4'] as const;
export type ScenarioId = (typeof SCENARIOS)[number];

/** How a run is sized. */
export interface BenchOptions {
  readonly quick: boolean;
  /** Runs per measurement, taken in alternation across contenders; the median is reported. */
  readonly runs: number;
  readonly warmupSeconds: number;
  readonly seconds: number;
  readonly connections: number;
  /** S4 population sizes. */
  readonly s4Totals: readonly number[];
  /** Timed "log out everywhere" calls per S4 measurement (Latchkey's stores; the scans get fewer). */
  readonly s4Trials: number;
  /** S5: S1's load as a fraction of the contender's own S1 throughput, and logins per second. */
  readonly s5LoadShare: number;
  readonly s5LoginsPerSecond: number;
  /** Contender name filters; empty = all. */
  readonly only: readonly string[];
  readonly scenarios: ReadonlySet<ScenarioId>;
  readonly profile: boolean;
}

/** Parses `argv` (without node and the script); returns a message for anything unknown. */
export function parseOptions(argv: readonly string[]): BenchOptions | string {
  const quick = argv.includes('--quick');
  let only: string[] = [];
  let scenarios = new Set<ScenarioId>(SCENARIOS);
  let profile = !quick;
  for (const arg of argv) {
    if (arg === '--quick') continue;
    else if (arg === '--profile') profile = true;
    else if (arg === '--no-profile') profile = false;
    else if (arg.startsWith('--only=')) only = arg.slice('--only='.length).split(',').filter(Boolean);
    else if (arg.startsWith('--scenarios=')) {
      const wanted = arg.slice('--scenarios='.length).toUpperCase().split(',').filter(Boolean);
      const unknown = wanted.filter((s) => !(SCENARIOS as readonly string[]).includes(s));
      if (unknown.length > 0)
        return `unknown scenario ${unknown.join(', ')} (known: ${SCENARIOS.join(', ')})`;
      scenarios = new Set(wanted as ScenarioId[]);
    } else
      return `unknown option ${arg} (known: --quick, --only=a,b, --scenarios=S1,S4, --profile, --no-profile)`;
  }
  return {
    quick,
    runs: quick ? 1 : 3,
    // A full run fits in about 25 minutes: with wrk, 4 s runs of 32 connections already hold
    // thousands of requests each, and the three rounds alternate.
    warmupSeconds: 1,
    seconds: quick ? 2 : 4,
    connections: 32,
    s4Totals: quick ? [100_000] : [100_000, 1_000_000],
    s4Trials: quick ? 3 : 7,
    s5LoadShare: 0.25,
    s5LoginsPerSecond: 10,
    only,
    scenarios,
    profile,
  };
}
