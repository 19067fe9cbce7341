/**
 * @module The shape of a run's results, as printed and as written to bench/results/latest.json.
 */
import type { LoadResult } from './load.js';
import type { Machine } from './machine.js';

/** One contender's line in an HTTP scenario (S0–S3): medians over the alternated runs. */
export interface HttpRow {
  /** `S0`, `S1`, `S2`, `S3-fast` or `S3-default`. */
  readonly scenario: string;
  readonly contender: string;
  /** Requests per second, or login-and-logout cycles per second in S3. */
  readonly perSecond: number;
  readonly p50: number;
  readonly p99: number;
  readonly runs: readonly LoadResult[];
  /** Why the numbers cannot be trusted (errors, wrong statuses), or `null`. */
  readonly problem: string | null;
}

/** S5: S1's latency at a fixed rate, alone and while logins with the real hasher run. */
export interface BusyRow {
  readonly contender: string;
  /** Dashboard requests per second sent in both phases. */
  readonly rate: number;
  readonly idleP50: number;
  readonly idleP99: number;
  readonly busyP50: number;
  readonly busyP99: number;
  /** Logins per second completed alongside. */
  readonly loginsPerSecond: number;
  readonly loginP50: number;
  readonly problem: string | null;
}

/** S4: one approach at one population size. */
export interface LogoutAllRow {
  readonly approach: string;
  readonly total: number;
  readonly medianMs: number;
  readonly trialsMs: readonly number[];
  readonly loadSeconds: number;
  readonly problem: string | null;
}

/** A goal of the issue, checked against this run. */
export interface Goal {
  readonly id: string;
  readonly description: string;
  /** The measured value (a ratio, or milliseconds), or `null` when it could not be measured. */
  readonly value: number | null;
  readonly target: string;
  readonly met: boolean | null;
  readonly note: string;
}

/** What the report says about each contender. */
export interface ContenderInfo {
  readonly name: string;
  readonly does: string;
  /** Whether a copy of the session cookie stops working when its browser logs out. */
  revokedAtLogout: boolean | null;
  skipped: string | null;
}

/** Top frames of a CPU profile. */
export interface ProfileSummary {
  readonly contender: string;
  readonly scenario: string;
  readonly file: string;
  /** Wall time the profiler ran, and how many samples it took. */
  readonly totalMs: number;
  readonly samples: number;
  readonly topFunctions: readonly { name: string; where: string; selfPercent: number }[];
  readonly byModule: readonly { module: string; selfPercent: number }[];
}

/** Everything one run produced. */
export interface BenchResults {
  readonly kind: 'full' | 'quick';
  readonly startedAt: string;
  finishedAt: string;
  readonly machine: Machine;
  readonly method: Readonly<Record<string, unknown>>;
  readonly contenders: ContenderInfo[];
  readonly http: HttpRow[];
  readonly busy: BusyRow[];
  readonly logoutAll: LogoutAllRow[];
  /** S1's resident set after 10,000 and 100,000 requests (no growth per request). */
  readonly memory: MemoryRow[];
  goals: Goal[];
  profiles: ProfileSummary[];
  headline: string;
}

/** The server's resident set size at two points of one long S1 run. */
export interface MemoryRow {
  readonly contender: string;
  /** Requests served when each sample was taken. */
  readonly requestsEarly: number;
  readonly requestsLate: number;
  /** Resident set, in MiB. */
  readonly rssEarly: number;
  readonly rssLate: number;
  readonly problem: string | null;
}
