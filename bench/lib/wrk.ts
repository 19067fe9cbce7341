/**
 * @module One load run with `wrk` (C, epoll; Debian package `wrk`), the bench's load generator
 * wherever it can do the job: a JavaScript generator on the same two cores took a third of the
 * machine and capped every figure (it reported the bare Hono page at a third of what wrk gets).
 * The generator's own CPU time is measured (the shell's `times` after wrk exits) and reported as
 * the share of one core it used, beside each figure.
 */
import { spawn, spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

/** Where wrk is, or `null` when it is not installed. */
export function wrkPath(): string | null {
  const found = spawnSync('sh', ['-c', 'command -v wrk'], { encoding: 'utf8' });
  const path = found.stdout.trim();
  return found.status === 0 && path !== '' ? path : null;
}

/** What to do when wrk is missing, in one line. */
export const WRK_MISSING =
  'wrk is not installed: install it with `sudo apt-get install wrk` (Debian/Ubuntu) or `brew install wrk`; until then the bench falls back to autocannon, whose own CPU use on the same cores caps the figures';

/** What one wrk run measured. */
export interface WrkResult {
  readonly requests: number;
  readonly seconds: number;
  readonly errors: number;
  readonly p50Ms: number;
  readonly p99Ms: number;
  readonly statuses: Readonly<Record<string, number>>;
  /** CPU seconds wrk used per second of the run (1 = one whole core). */
  readonly generatorCpu: number;
}

/** Parses wrk's output (the script's JSON line) and the shell's `times` line for its children. */
export function parseWrkOutput(stdout: string): WrkResult | null {
  const json = /WRK_JSON (\{.*\})/.exec(stdout)?.[1];
  if (json === undefined) return null;
  const data = JSON.parse(json) as {
    requests: number;
    durationUs: number;
    errors: number;
    p50Us: number;
    p99Us: number;
    statuses: Record<string, number>;
  };
  // `times` prints the shell's own times, then its children's: "0m1.230s 0m0.410s".
  const lines = stdout.trim().split('\n');
  const times = /(\d+)m([\d.]+)s\s+(\d+)m([\d.]+)s/.exec(lines.at(-1) ?? '');
  const seconds = data.durationUs / 1e6;
  const cpu =
    times === null
      ? Number.NaN
      : Number(times[1]) * 60 + Number(times[2]) + Number(times[3]) * 60 + Number(times[4]);
  return {
    requests: data.requests,
    seconds,
    errors: data.errors,
    p50Ms: data.p50Us / 1000,
    p99Ms: data.p99Us / 1000,
    statuses: data.statuses,
    generatorCpu: seconds > 0 ? cpu / seconds : Number.NaN,
  };
}

/**
 * Runs wrk with `script` against `origin`.
 * @example
 * const r = await runWrk({ origin, script, threads: 1, connections: 50, seconds: 10 });
 */
export async function runWrk(spec: {
  readonly origin: string;
  readonly script: string;
  readonly threads: number;
  readonly connections: number;
  readonly seconds: number;
}): Promise<WrkResult> {
  const dir = mkdtempSync(join(tmpdir(), 'latchkey-wrk-'));
  const scriptPath = join(dir, 'run.lua');
  writeFileSync(scriptPath, spec.script);
  const args = [
    '-t',
    String(spec.threads),
    '-c',
    String(spec.connections),
    '-d',
    `${spec.seconds}s`,
    '--timeout',
    '10s',
    '-s',
    scriptPath,
    spec.origin,
  ];
  try {
    const stdout = await new Promise<string>((resolve, reject) => {
      const child = spawn('bash', ['-c', 'wrk "$@" && times', 'wrk', ...args], {
        stdio: ['ignore', 'pipe', 'pipe'],
      });
      let out = '';
      let err = '';
      child.stdout.on('data', (chunk: Buffer) => {
        out += chunk.toString();
      });
      child.stderr.on('data', (chunk: Buffer) => {
        err += chunk.toString();
      });
      child.on('error', reject);
      child.on('close', (code) =>
        code === 0 ? resolve(out) : reject(new Error(`wrk exited with ${code}: ${err.trim().slice(0, 300)}`)),
      );
    });
    const result = parseWrkOutput(stdout);
    if (result === null) throw new Error(`wrk printed no result: ${stdout.slice(0, 300)}`);
    return result;
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}
