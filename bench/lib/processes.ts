/**
 * @module Child processes of a benchmark run (and of tests that start a script): a process that is
 * ready once its output matches a line, a server started as `node --import tsx bench/servers/<file>.ts`
 * that says `ready` when it listens, and stopping them (SIGTERM, then SIGKILL if it lingers). Only processes this module started are ever signalled.
 */
import { type ChildProcess, spawn } from 'node:child_process';
import { once } from 'node:events';
import { freePort } from '../../test/support/ports.js';

/** How much of a process's standard output and error is kept (the last characters). */
export const TAIL_CHARS = 4_000;

/** A running child process and how to stop it. */
export interface RunningProcess {
  readonly pid: number;
  /** The last lines it wrote to standard output. */
  stdout(): string;
  /** The last lines it wrote to standard error, for failure messages. */
  stderr(): string;
  /** Sends `signal` to this process (e.g. SIGUSR2 to start a server's profiler). */
  signal(signal: NodeJS.Signals): void;
  stop(): Promise<void>;
}

/** Starts `command`, resolves once a line of its standard output matches `readyLine`. */
export async function startProcess(
  command: string,
  args: readonly string[],
  options: { env: NodeJS.ProcessEnv; readyLine: RegExp; label: string; timeoutMs?: number; cwd?: string },
): Promise<RunningProcess> {
  const child = spawn(command, args, {
    env: options.env,
    stdio: ['ignore', 'pipe', 'pipe'],
    ...(options.cwd === undefined ? {} : { cwd: options.cwd }),
  });
  let errors = '';
  let out = '';
  child.stderr?.on('data', (chunk: Buffer) => {
    errors = (errors + chunk.toString()).slice(-TAIL_CHARS);
  });
  const running: RunningProcess = {
    pid: child.pid ?? -1,
    stdout: () => out,
    stderr: () => errors,
    signal: (signal) => {
      child.kill(signal);
    },
    stop: () => stopChild(child),
  };
  await new Promise<void>((resolve, reject) => {
    const timer = setTimeout(() => {
      void stopChild(child);
      reject(new Error(`${options.label}: not ready after ${options.timeoutMs ?? 60_000} ms\n${errors}`));
    }, options.timeoutMs ?? 60_000);
    child.stdout?.on('data', (chunk: Buffer) => {
      out = (out + chunk.toString()).slice(-TAIL_CHARS);
      if (options.readyLine.test(out)) {
        clearTimeout(timer);
        resolve();
      }
    });
    child.once('error', (error) => {
      clearTimeout(timer);
      reject(error);
    });
    child.once('exit', (code, signal) => {
      clearTimeout(timer);
      reject(new Error(`${options.label}: exited (${signal ?? code}) before it was ready\n${errors}`));
    });
  });
  child.removeAllListeners('exit');
  return running;
}

/**
 * What a process wrote between two readings of its output tail (`stdout()`/`stderr()` keep the
 * last 4,000 characters): the new part, or, when the earlier tail rolled out, the later one from its
 * first whole line.
 * @example
 * const before = server.stderr(); await runLoad(spec); const said = outputSince(before, server.stderr());
 */
export function outputSince(before: string, after: string): string {
  if (after === before) return '';
  const rolled = after.length >= TAIL_CHARS || !after.startsWith(before);
  if (!rolled) return after.slice(before.length);
  const newline = after.indexOf('\n');
  return newline < 0 ? after : after.slice(newline + 1);
}

async function stopChild(child: ChildProcess): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return;
  const exited = once(child, 'exit');
  child.kill('SIGTERM');
  const timer = setTimeout(() => child.kill('SIGKILL'), 5_000);
  await exited;
  clearTimeout(timer);
}

/** A benchmark server (one contender) listening on 127.0.0.1. */
export interface RunningServer extends RunningProcess {
  readonly origin: string;
}

/**
 * Starts a benchmark server with `env`, on a free port, in production mode: a compiled `.js`
 * (bench/lib/build.ts, as every run does) with plain `node`, a `.ts` through tsx.
 * @example
 * const server = await startServer('bench/servers/latchkey.ts', { STORE: 'redis', ... });
 */
export async function startServer(
  script: string,
  env: Readonly<Record<string, string>>,
  options: { label: string; nodeFlags?: readonly string[] },
): Promise<RunningServer> {
  const port = await freePort();
  const child = await startProcess(
    process.execPath,
    // A compiled server (bench/lib/build.ts) runs as it is; TypeScript through tsx (bench/ab.ts).
    [...(options.nodeFlags ?? []), ...(script.endsWith('.js') ? [] : ['--import', 'tsx']), script],
    {
      env: { ...process.env, NODE_ENV: 'production', ...env, PORT: String(port) },
      readyLine: /^ready$/m,
      label: options.label,
    },
  );
  return { ...child, origin: `http://127.0.0.1:${port}` };
}
