/**
 * @module One load run, with wrk wherever it can do the job (see `wrk.ts`), else autocannon from
 * the orchestrator's process (never the server's; S5's fixed rates, and cycles wrk's Lua cannot
 * drive). With autocannon: a
 * fixed number of keep-alive connections for a fixed time, each connection looping over a request
 * sequence. Latencies are taken from every response at full precision (autocannon's own histogram
 * keeps whole milliseconds only) and every status is counted, so a run that got the wrong answers
 * (a 403, a redirect to the login page) is flagged instead of reported as fast.
 */
import autocannon from 'autocannon';
import { percentile } from './stats.js';
import { runWrk, wrkPath } from './wrk.js';
import { type CycleStep, cycleScript, singleRequestScript } from './wrk-scripts.js';

const WRK = wrkPath();

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
  /** The same sequence as wrk cycle steps, when wrk can drive it (see `wrk-scripts.ts`). */
  readonly steps?: readonly CycleStep[];
}

/** Which generator runs `spec`. */
export type Generator = 'wrk' | 'autocannon';

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
  readonly generator: Generator;
  /** CPU the load generator itself used, in cores (1 = one whole core of the machine's two). */
  readonly generatorCpu: number;
}

function isStatic(request: autocannon.Request | undefined): boolean {
  return request !== undefined && request.setupRequest === undefined && request.onResponse === undefined;
}

/**
 * wrk, unless the run needs a fixed rate (wrk has none: S5 keeps autocannon), wrk is missing, or
 * the sequence carries per-connection state that has no wrk form (`steps`).
 */
export function generatorFor(spec: Pick<LoadSpec, 'rate' | 'steps' | 'requests'>): Generator {
  if (spec.rate !== undefined || WRK === null) return 'autocannon';
  if (spec.steps !== undefined) return 'wrk';
  return spec.requests.length === 1 && isStatic(spec.requests[0]) ? 'wrk' : 'autocannon';
}

async function runWithWrk(spec: LoadSpec): Promise<LoadResult> {
  const [first] = spec.requests;
  const cycle = spec.steps !== undefined;
  const script = cycle
    ? cycleScript(spec.steps ?? [])
    : singleRequestScript({
        method: first?.method ?? 'GET',
        path: first?.path ?? '/',
        ...(first?.headers ? { headers: first.headers as Record<string, string> } : {}),
        ...(typeof first?.body === 'string' ? { body: first.body } : {}),
      });
  // One thread serves every connection of a fixed request; a cycle keeps per-connection state, and
  // wrk's Lua state is per thread, so each of its connections gets a thread of its own.
  const threads = cycle ? spec.connections : 1;
  const r = await runWrk({
    origin: spec.origin,
    script,
    threads,
    connections: spec.connections,
    seconds: spec.seconds,
  });
  const expected = new Set(spec.expectStatus.map(String));
  const unexpected: Record<string, number> = {};
  for (const [status, n] of Object.entries(r.statuses)) if (!expected.has(status)) unexpected[status] = n;
  const perStep = cycle ? (spec.steps?.length ?? 1) : 1;
  return {
    perSecond: r.requests / perStep / r.seconds,
    p50: r.p50Ms,
    p99: r.p99Ms,
    requests: r.requests,
    errors: r.errors,
    unexpected,
    generator: 'wrk',
    generatorCpu: r.generatorCpu,
  };
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
  if (generatorFor(spec) === 'wrk') return runWithWrk(spec);
  const cpuBefore = process.cpuUsage();
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
    generator: 'autocannon',
    // autocannon runs in this process: its CPU is this process's over the run.
    generatorCpu: cpuSeconds(process.cpuUsage(cpuBefore)) / elapsed,
  };
}

function cpuSeconds(usage: NodeJS.CpuUsage): number {
  return (usage.user + usage.system) / 1e6;
}
