/**
 * @module Runs the REAL reference app (`node --import tsx app/server.ts`) as a child process for
 * browser tests, on a free port with its own SQLite file and data directory, and creates users with
 * the real CLI (`src/cli/main.ts createuser --password-stdin`), as an operator would.
 */
import { type ChildProcess, spawn } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { freePort } from '../../support/ports.js';

/** The repository root: both commands run from there, as `npm start` and `npx latchkey` do. */
export const REPO_ROOT = fileURLToPath(new URL('../../../', import.meta.url));

/** How long the app may take to print "listening" on a busy 2-core machine. */
const START_TIMEOUT_MS = 25_000;

/** A running reference app. */
export interface ReferenceApp {
  readonly port: number;
  /** The environment the app (and the CLI) run with. */
  readonly env: Readonly<Record<string, string>>;
  /** Everything the app wrote to stdout and stderr so far (its security log lines go to stderr). */
  output(): string;
  /** Creates a user through `latchkey createuser <username> [--email E] --password-stdin`. */
  createUser(username: string, password: string, options?: { email?: string }): Promise<void>;
  /** Stops the app (SIGTERM, then SIGKILL) and removes its data directory. */
  stop(): Promise<void>;
}

/**
 * How many `security.csrf_rejected` lines with `reason` the app has logged so far (its console
 * logger writes one JSON object per line to stderr).
 * @example
 * const before = csrfRejections(app, 'bad_origin');
 */
export function csrfRejections(app: ReferenceApp, reason: string): number {
  return app
    .output()
    .split('\n')
    .map(parseLogLine)
    .filter((entry) => entry?.event === 'security.csrf_rejected' && entry.reason === reason).length;
}

/** One JSON log line, or null for anything else (the start-up line, a line still being written). */
function parseLogLine(line: string): { event?: unknown; reason?: unknown } | null {
  if (!line.startsWith('{')) return null;
  try {
    return JSON.parse(line) as { event?: unknown; reason?: unknown };
  } catch {
    return null;
  }
}

/** Options of {@link startReferenceApp}. */
export interface ReferenceAppOptions {
  /** Extra settings (cookie names, TLS files…) on top of the defaults below. */
  readonly env?: Readonly<Record<string, string>>;
}

function run(args: readonly string[], env: Readonly<Record<string, string>>): ChildProcess {
  return spawn(process.execPath, ['--import', 'tsx', ...args], {
    cwd: REPO_ROOT,
    env: { ...process.env, ...env },
    stdio: ['pipe', 'pipe', 'pipe'],
  });
}

function waitForListening(child: ChildProcess, output: () => string): Promise<void> {
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => fail('did not print "listening" in time'), START_TIMEOUT_MS);
    const onExit = (code: number | null): void => fail(`exited with status ${code}`);
    const onData = (): void => {
      if (!output().includes('listening')) return;
      clearTimeout(timer);
      child.off('exit', onExit);
      child.stdout?.off('data', onData);
      resolve();
    };
    function fail(why: string): void {
      clearTimeout(timer);
      child.kill('SIGKILL');
      reject(new Error(`reference app ${why}:\n${output()}`));
    }
    child.stdout?.on('data', onData);
    child.once('exit', onExit);
  });
}

function exited(child: ChildProcess): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return Promise.resolve();
  return new Promise((resolve) => child.once('exit', () => resolve()));
}

async function createUserWithCli(
  env: Readonly<Record<string, string>>,
  username: string,
  password: string,
  email?: string,
): Promise<void> {
  const extra = email === undefined ? [] : ['--email', email];
  const child = run(['src/cli/main.ts', 'createuser', username, ...extra, '--password-stdin'], env);
  let output = '';
  child.stdout?.on('data', (chunk: Buffer) => {
    output += chunk.toString('utf8');
  });
  child.stderr?.on('data', (chunk: Buffer) => {
    output += chunk.toString('utf8');
  });
  child.stdin?.end(`${password}\n`);
  const code = await new Promise<number | null>((resolve) => child.once('exit', resolve));
  if (code !== 0) throw new Error(`latchkey createuser ${username} exited with ${code}: ${output}`);
}

async function startOnce(dir: string, options: ReferenceAppOptions): Promise<ReferenceApp> {
  const port = await freePort();
  const env: Record<string, string> = {
    PORT: String(port),
    HOST: '127.0.0.1',
    DATABASE_URL: `sqlite:${join(dir, 'db.sqlite3')}`,
    SECRET_KEY: randomBytes(48).toString('base64url'),
    LATCHKEY_DATA_DIR: dir,
    ALLOWED_HOSTS: '127.0.0.1,localhost',
    ...options.env,
  };
  const child = run(['app/server.ts'], env);
  let log = '';
  const output = (): string => log;
  const keep = (chunk: Buffer): void => {
    log += chunk.toString('utf8');
  };
  child.stdout?.on('data', keep);
  child.stderr?.on('data', keep);
  // Should the test process end without stop() (a crash, a failed hook), the app must not outlive it.
  const killOnExit = (): void => {
    child.kill('SIGKILL');
  };
  process.once('exit', killOnExit);
  try {
    await waitForListening(child, output);
  } catch (error) {
    process.off('exit', killOnExit);
    throw error;
  }
  return {
    port,
    env,
    output,
    createUser: (username, password, options) => createUserWithCli(env, username, password, options?.email),
    async stop() {
      const done = exited(child);
      child.kill('SIGTERM');
      const timer = setTimeout(() => child.kill('SIGKILL'), 5_000);
      await done;
      clearTimeout(timer);
      process.off('exit', killOnExit);
      await rm(dir, { recursive: true, force: true });
    },
  };
}

/**
 * Starts the reference app on a free port of 127.0.0.1 with a fresh temporary data directory.
 * @example
 * const app = await startReferenceApp();
 * await app.createUser('alice', 'a long password 1');
 * // … http://127.0.0.1:${app.port}/ …
 * await app.stop();
 */
export async function startReferenceApp(options: ReferenceAppOptions = {}): Promise<ReferenceApp> {
  const dir = await mkdtemp(join(tmpdir(), 'latchkey-browser-'));
  for (let attempt = 1; ; attempt++) {
    try {
      return await startOnce(dir, options);
    } catch (error) {
      // Another process may take the free port between the probe and the app's listen().
      const portTaken = error instanceof Error && error.message.includes('cannot listen');
      if (!portTaken || attempt === 3) {
        await rm(dir, { recursive: true, force: true });
        throw error;
      }
    }
  }
}
