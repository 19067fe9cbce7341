/**
 * @module One load run with autocannon, from the orchestrator's process (never the server's): a
 * fixed number of keep-alive connections for a fixed time, each connection looping over a request
 * sequence. Latencies are taken from every response at full precision (autocannon's own histogram
 * keeps whole milliseconds only) and every status is counted, so a run that got the wrong answers
 * (a 403, a redirect to the login page) is flagged instead of reported as fast.
 */
import autocannon from 'autocannon';
import { percentile } from './stats.js';

/** What one run does. */
export interface LoadSpec {
  /** The server's origin, e.g. `http://127.0.0.1:4100`. */
  readonly origin: string;
  readonly connections: number;
  readonly seconds: number;
  /** One pass of the sequence; a connection repeats it (S3's login, logout cycle has three). */
  readonly requests: autocannon.Request[];
  /** Statuses a correct server answers with; anything else makes the run invalid. */
  readonly expectStatus: readonly number[];
  /** Requests per second over all connections; unlimited (closed loop, saturation) when absent. */
  readonly rate?: number;
}

/** What one run measured. */
export interface LoadResult {
  /** Completed sequences per second (requests per second when the sequence has one request). */
  readonly perSecond: number;
  /** Latency of single requests, in milliseconds. */
  readonly p50: number;
  readonly p99: number;
  readonly requests: number;
  /** Connection errors and timeouts. */
  readonly errors: number;
  /** Statuses outside `expectStatus`, by status. */
  readonly unexpected: Readonly<Record<string, number>>;
}

/** Whether a run can be trusted: no errors, and (nearly) every answer the expected one. */
export function loadProblem(result: LoadResult): string | null {
  const wrong = Object.values(result.unexpected).reduce((a, b) => a + b, 0);
  if (result.requests === 0) return 'no response at all';
  if (result.errors > result.requests / 1000) return `${result.errors} connection errors`;
  if (wrong > result.requests / 1000) return `unexpected statuses ${JSON.stringify(result.unexpected)}`;
  return null;
}

/**
 * Runs `spec` and returns its numbers.
 * @example
 * const r = await runLoad({ origin, connections: 32, seconds: 10, requests: [{ path: '/limit/' }], expectStatus: [200] });
 */
export async function runLoad(spec: LoadSpec): Promise<LoadResult> {
  const latencies: number[] = [];
  const expected = new Set(spec.expectStatus);
  const unexpected: Record<string, number> = {};
  const started = process.hrtime.bigint();
  let instance: autocannon.Instance | undefined;
  const done = new Promise<autocannon.Result>((resolve, reject) => {
    instance = autocannon(
      {
        url: spec.origin,
        connections: spec.connections,
        duration: spec.seconds,
        requests: spec.requests,
        timeout: 10,
        ...(spec.rate === undefined ? {} : { overallRate: spec.rate }),
      },
      (error, result) => (error ? reject(error) : resolve(result)),
    );
  });
  instance?.on('response', (_client, status, _bytes, responseTime) => {
    latencies.push(responseTime);
    if (!expected.has(status)) unexpected[status] = (unexpected[status] ?? 0) + 1;
  });
  const result = await done;
  const elapsed = Number(process.hrtime.bigint() - started) / 1e9;
  return {
    perSecond: latencies.length / spec.requests.length / elapsed,
    p50: percentile(latencies, 50),
    p99: percentile(latencies, 99),
    requests: latencies.length,
    errors: result.errors + result.timeouts,
    unexpected,
  };
}
