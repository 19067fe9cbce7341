/**
 * @module Runs the tests' own Django project (`test/django/project/`) with Debian's python3-django
 * under gunicorn on a free port: `manage.py migrate` on the given database, users made with
 * Django's `create_user`, and the WSGI app served until `stop()`.
 */
import { type ChildProcess, spawn, spawnSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { test } from 'vitest';
import type { TestDialect } from '../../support/databases.js';
import { freePort } from '../../support/ports.js';

/** Debian's interpreter, where python3-django lives (not a pyenv shim on PATH). */
export const PYTHON = '/usr/bin/python3';
const PROJECT = fileURLToPath(new URL('../project/', import.meta.url));
const START_TIMEOUT_MS = 30_000;

/** Why the Django tests cannot run here (no Django, gunicorn or psycopg2), or `null`. */
export function djangoProblem(options: { postgres?: boolean } = {}): string | null {
  const modules = ['django', 'gunicorn', ...(options.postgres ? ['psycopg2'] : [])];
  const probe = spawnSync(PYTHON, ['-c', `import ${modules.join(', ')}`], { encoding: 'utf8' });
  if (probe.error !== undefined) return `${PYTHON} is missing`;
  return probe.status === 0
    ? null
    : `${PYTHON} cannot import ${modules.join(', ')} (apt-get install python3-django gunicorn python3-psycopg2)`;
}

function manage(env: Readonly<Record<string, string>>, args: readonly string[], input?: string): string {
  const result = spawnSync(PYTHON, ['manage.py', ...args], {
    cwd: PROJECT,
    env: { ...process.env, ...env },
    encoding: 'utf8',
    ...(input === undefined ? {} : { input }),
  });
  if (result.status !== 0) throw new Error(`manage.py ${args[0]} failed: ${result.stderr}`);
  return result.stdout;
}

/** Runs Django's `migrate` on the database `env.DATABASE_URL` names. */
export function migrateDjango(env: Readonly<Record<string, string>>): void {
  manage(env, ['migrate', '--verbosity', '0']);
}

/**
 * Creates a user with Django's `create_user` (so the hash is Django's own), or with a hash of
 * `hasher` (one of the project's `PASSWORD_HASHERS`, e.g. `pbkdf2_sha1`), as an older project has.
 */
export function createDjangoUser(
  env: Readonly<Record<string, string>>,
  username: string,
  password: string,
  options: { hasher?: string } = {},
): void {
  const script = [
    'import sys',
    'from django.contrib.auth.hashers import make_password',
    'from django.contrib.auth.models import User',
    'name, pw, hasher = sys.stdin.read().split("\\n")[:3]',
    'user = User.objects.create_user(name, password=pw)',
    'if hasher:',
    '    user.password = make_password(pw, hasher=hasher)',
    '    user.save()',
  ].join('\n');
  manage(
    env,
    ['shell', '--command', `exec(${JSON.stringify(script)})`],
    `${username}\n${password}\n${options.hasher ?? ''}\n`,
  );
}

/** A running Django project. */
export interface DjangoServer {
  readonly port: number;
  readonly origin: string;
  /** What gunicorn and Django wrote (Django's security log lines go to stderr). */
  output(): string;
  stop(): Promise<void>;
}

async function answers(origin: string): Promise<boolean> {
  try {
    return (await fetch(`${origin}/dj/whoami/`)).ok;
  } catch {
    return false;
  }
}

/**
 * Serves the project with gunicorn (one sync worker) on a free port of 127.0.0.1.
 * @example
 * const django = await startDjango({ SECRET_KEY, DATABASE_URL });
 */
export async function startDjango(env: Readonly<Record<string, string>>): Promise<DjangoServer> {
  const port = await freePort();
  const origin = `http://127.0.0.1:${port}`;
  const child: ChildProcess = spawn(
    PYTHON,
    ['-m', 'gunicorn', '--bind', `127.0.0.1:${port}`, '--workers', '1', 'testproject.wsgi:application'],
    { cwd: PROJECT, env: { ...process.env, ...env }, stdio: ['ignore', 'pipe', 'pipe'] },
  );
  let log = '';
  const keep = (chunk: Buffer): void => {
    log += chunk.toString('utf8');
  };
  child.stdout?.on('data', keep);
  child.stderr?.on('data', keep);
  const killOnExit = (): void => {
    child.kill('SIGKILL');
  };
  process.once('exit', killOnExit);
  const deadline = Date.now() + START_TIMEOUT_MS;
  while (!(await answers(origin))) {
    if (child.exitCode !== null || Date.now() > deadline) {
      child.kill('SIGKILL');
      process.off('exit', killOnExit);
      throw new Error(`gunicorn did not start:\n${log}`);
    }
    await new Promise((resolve) => setTimeout(resolve, 200));
  }
  return {
    port,
    origin,
    output: () => log,
    async stop() {
      if (child.exitCode === null) {
        const exited = new Promise((resolve) => child.once('exit', resolve));
        child.kill('SIGTERM');
        const timer = setTimeout(() => child.kill('SIGKILL'), 5_000);
        await exited;
        clearTimeout(timer);
      }
      process.off('exit', killOnExit);
    },
  };
}

/**
 * Registers `suite(dialect)` when Django can run here; otherwise skips it with a loud warning, or
 * under `CI` registers one failing test instead (the Django tests are never silently skipped there).
 * @example
 * describe('on SQLite', () => whenDjangoRuns('sqlite', suite));
 */
export function whenDjangoRuns(dialect: TestDialect, suite: (dialect: TestDialect) => void): void {
  const problem = djangoProblem({ postgres: dialect === 'postgres' });
  if (problem === null) {
    suite(dialect);
    return;
  }
  const ci = process.env.CI;
  if (ci !== undefined && ci !== '' && ci !== '0' && ci.toLowerCase() !== 'false') {
    test('Django is installed (CI never skips the Django tests)', () => {
      throw new Error(problem);
    });
    return;
  }
  console.warn(`\n!! SKIPPING the Django tests on ${dialect}: ${problem}\n`);
  test.skip('Django tests', () => undefined);
}
