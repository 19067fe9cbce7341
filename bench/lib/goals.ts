/**
 * @module The goals, each a ratio or a time from this run only, and the headline line.
 * A goal whose inputs are missing or untrustworthy is reported as unmeasured, never as met.
 */
import type { BenchResults, Goal, HttpRow } from './results.js';
import { ratio } from './stats.js';

function row(results: BenchResults, scenario: string, contender: string): HttpRow | undefined {
  const found = results.http.find((r) => r.scenario === scenario && r.contender === contender);
  return found?.problem === null ? found : undefined;
}

function ratioGoal(
  results: BenchResults,
  spec: {
    id: string;
    scenario: string;
    a: string;
    b: string;
    bScenario?: string;
    atLeast: number;
    what: string;
  },
): Goal {
  const a = row(results, spec.scenario, spec.a);
  const b = row(results, spec.bScenario ?? spec.scenario, spec.b);
  const value = ratio(a?.perSecond, b?.perSecond);
  return {
    id: spec.id,
    description: `${spec.what}: ${spec.a} / ${spec.b}`,
    value,
    target: `≥ ${spec.atLeast}`,
    met: value === null ? null : value >= spec.atLeast,
    note: value === null ? 'not measured in this run' : '',
  };
}

function logoutAllGoal(results: BenchResults, approach: string): Goal {
  const rows = results.logoutAll.filter((r) => r.approach === approach && r.problem === null);
  const largest = rows.sort((x, y) => y.total - x.total)[0];
  const value = largest === undefined ? null : Math.round(largest.medianMs * 100) / 100;
  const short = largest !== undefined && largest.total < 1_000_000;
  return {
    id: `S4 ${approach}`,
    description: `S4 log out everywhere at 10^6 sessions, ${approach} (ms)`,
    value,
    target: '< 10 ms',
    met: value === null || short ? null : value < 10,
    note:
      value === null
        ? 'not measured in this run'
        : short
          ? `measured at ${largest?.total} sessions only`
          : '',
  };
}

function busyGoal(results: BenchResults, contender: string): Goal {
  const found = results.busy.find((r) => r.contender === contender && r.problem === null);
  const value = found === undefined ? null : ratio(found.busyP99, found.idleP99);
  return {
    id: `S5 ${contender}`,
    description: `S5 S1 p99 with logins / alone, ${contender}`,
    value,
    target: '≤ 2',
    met: value === null ? null : value <= 2,
    note: value === null ? 'not measured in this run' : '',
  };
}

function memoryGoal(results: BenchResults): Goal {
  const found = results.memory.find((r) => r.problem === null);
  const value = found === undefined ? null : ratio(found.rssLate, found.rssEarly);
  return {
    id: 'S1 memory',
    description: `S1 resident set after ${found?.requestsLate ?? '100,000'} / after ${found?.requestsEarly ?? '10,000'} requests, ${found?.contender ?? 'latchkey-memory'}`,
    value: value === null ? null : Math.round(value * 1000) / 1000,
    target: '≤ 1.1',
    met: value === null ? null : value <= 1.1,
    note: value === null ? 'not measured in this run' : `${found?.rssEarly} MiB → ${found?.rssLate} MiB`,
  };
}

/**
 * Checks every goal of the issue against `results`.
 * @example
 * results.goals = evaluateGoals(results);
 */
export function evaluateGoals(results: BenchResults): Goal[] {
  return [
    ratioGoal(results, {
      id: 'S1 vs S0',
      scenario: 'S1',
      a: 'latchkey-memory',
      b: 'hono',
      bScenario: 'S0',
      atLeast: 0.6,
      what: 'S1 memory store vs the S0 limit',
    }),
    ratioGoal(results, {
      id: 'S1 vs express',
      scenario: 'S1',
      a: 'latchkey-redis',
      b: 'express-passport-redis',
      atLeast: 3,
      what: 'S1 req/s',
    }),
    ratioGoal(results, {
      id: 'S1 fastify',
      scenario: 'S1',
      a: 'latchkey-fastify-redis',
      b: 'fastify-session-redis',
      atLeast: 1,
      what: 'S1 req/s on Fastify',
    }),
    ratioGoal(results, {
      id: 'S3 vs express',
      scenario: 'S3-fast',
      a: 'latchkey-redis',
      b: 'express-passport-redis',
      atLeast: 1.5,
      what: 'S3 cycles/s, fast hasher',
    }),
    logoutAllGoal(results, 'latchkey-sqlite'),
    logoutAllGoal(results, 'latchkey-redis'),
    logoutAllGoal(results, 'latchkey-postgres'),
    logoutAllGoal(results, 'latchkey-mysql'),
    busyGoal(results, 'latchkey-memory'),
    busyGoal(results, 'latchkey-sqlite'),
    busyGoal(results, 'latchkey-redis'),
    memoryGoal(results),
  ];
}

/** The last line of a run: S1 Latchkey on Redis over express-session + passport + connect-redis. */
export function headline(results: BenchResults): string {
  const value = ratio(
    row(results, 'S1', 'latchkey-redis')?.perSecond,
    row(results, 'S1', 'express-passport-redis')?.perSecond,
  );
  return `S1 latchkey-redis/express-passport-redis = ${value === null ? 'n/a' : value.toFixed(2)}`;
}
