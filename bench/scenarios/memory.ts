/**
 * @module Memory under S1: the server's resident set (Linux `/proc/<pid>/status`, VmRSS) after
 * 10,000 and after 100,000 authenticated requests of one long run. A layer that keeps something
 * per request (a cache without a bound, a listener never removed) grows between the two.
 */
import { readFileSync } from 'node:fs';
import { runLoad } from '../lib/load.js';
import type { BenchOptions } from '../lib/options.js';
import type { MemoryRow } from '../lib/results.js';
import { progress, type Target } from './http.js';

/** Requests before each sample (a `--quick` run takes a tenth of each, as a smoke test). */
export const MEMORY_SAMPLES = { early: 10_000, late: 100_000 } as const;
/** Longest the late sample may take on a busy machine before the row is given up. */
const MAX_SECONDS = 240;

/** The resident set of process `pid`, in MiB, or `null` off Linux. */
export function residentMiB(pid: number): number | null {
  try {
    const kb = /VmRSS:\s+(\d+) kB/.exec(readFileSync(`/proc/${pid}/status`, 'utf8'))?.[1];
    return kb === undefined ? null : Math.round((Number(kb) / 1024) * 10) / 10;
  } catch {
    return null;
  }
}

/**
 * Drives `target` with S1 in short runs until 100,000 requests, sampling the resident set of
 * `pid` once 10,000 have been served and at the end.
 * @example
 * results.memory.push(await memoryGrowth(target, server.pid, options));
 */
export async function memoryGrowth(target: Target, pid: number, options: BenchOptions): Promise<MemoryRow> {
  const scale = options.quick ? 10 : 1;
  const samples = { early: MEMORY_SAMPLES.early / scale, late: MEMORY_SAMPLES.late / scale };
  let served = 0;
  let early: { requests: number; rss: number } | null = null;
  const started = Date.now();
  const spec = { origin: target.origin, connections: options.connections, ...target.sequence };
  while (served < samples.late) {
    if ((Date.now() - started) / 1000 > MAX_SECONDS) break;
    const result = await runLoad({ ...spec, seconds: 2 });
    served += result.requests;
    if (early === null && served >= samples.early)
      early = { requests: served, rss: residentMiB(pid) ?? Number.NaN };
  }
  const rssLate = residentMiB(pid) ?? Number.NaN;
  const problem =
    early === null || served < samples.late
      ? `only ${served} requests in ${MAX_SECONDS} s`
      : Number.isNaN(rssLate)
        ? 'no /proc (not Linux)'
        : null;
  progress(
    `memory ${target.name}: ${early?.rss ?? '?'} MiB after ${early?.requests ?? '?'}, ${rssLate} MiB after ${served}`,
  );
  return {
    contender: target.name,
    requestsEarly: early?.requests ?? 0,
    requestsLate: served,
    rssEarly: early?.rss ?? Number.NaN,
    rssLate,
    problem,
  };
}
