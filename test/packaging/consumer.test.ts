/**
 * Issue 15 item 2: the package as a consumer meets it. `npm pack`s the tarball, installs it into one
 * empty project with the repository's own versions of Hono, Express, Fastify, Kysely, pg and argon2
 * — and without better-sqlite3, ioredis or mysql2 — type-checks the consumer's code with
 * `skipLibCheck: false`, and runs a real login and logout on each framework over PostgreSQL (and on
 * `latchkey/web`, served by @hono/node-server). A missing optional peer is one line naming the
 * package and its install command.
 */
import { execFileSync, spawnSync } from 'node:child_process';
import { copyFileSync, existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { type RunningProcess, startProcess } from '../../bench/lib/processes.js';
import { REPO_ROOT } from '../browser/support/reference-app.js';
import { TEST_SECRET } from '../support/app.js';
import { freePort } from '../support/ports.js';
import { createServerDatabase, serverProblem } from '../support/sql-servers.js';
import { ensureBuilt } from './build.js';
import { loginAndLogout } from './flow.js';

const PASSWORD = 'consumer test password 1';
const FRAMEWORKS = ['hono', 'express', 'fastify', 'web'] as const;
/** What the consumer installs besides the tarball, at the versions the repository locks. */
const INSTALLED = [
  'hono',
  '@hono/node-server',
  'express',
  '@types/express',
  'fastify',
  'kysely',
  'pg',
  'argon2',
];
const TOOLS = ['typescript', '@types/node'];

const lock = JSON.parse(readFileSync(join(REPO_ROOT, 'package-lock.json'), 'utf8')) as {
  packages: Record<string, { version: string }>;
};
const locked = (name: string): string =>
  `${name}@${lock.packages[`node_modules/${name}`]?.version ?? 'latest'}`;

function run(command: string, args: readonly string[], cwd: string, env: NodeJS.ProcessEnv = {}): string {
  return execFileSync(command, args, {
    cwd,
    env: { ...process.env, ...env },
    encoding: 'utf8',
    stdio: 'pipe',
  });
}

const ci = ['1', 'true'].includes((process.env.CI ?? '').toLowerCase());
const pgProblem = await serverProblem('postgres');
if (pgProblem !== null && !ci)
  console.warn(`\n!! SKIPPING the consumer-tarball test: PostgreSQL is unreachable (${pgProblem})\n`);

describe.skipIf(pgProblem !== null && !ci)('the packed tarball in an empty project (issue 15 item 2)', () => {
  const project = mkdtempSync(join(tmpdir(), 'latchkey-consumer-'));
  let database: { url: string; drop: () => Promise<void> } | undefined;
  /** The `latchkey` command as npm installed it (`node_modules/.bin`), without npx's start-up. */
  const BIN = join(project, 'node_modules/.bin/latchkey');
  const env = (): NodeJS.ProcessEnv => ({ DATABASE_URL: database?.url ?? '', SECRET_KEY: TEST_SECRET });

  beforeAll(async () => {
    await ensureBuilt();
    const packed = JSON.parse(
      run('npm', ['pack', '--ignore-scripts', '--json', '--pack-destination', project], REPO_ROOT),
    ) as [{ filename: string }];
    writeFileSync(
      join(project, 'package.json'),
      JSON.stringify({ name: 'consumer', private: true, type: 'module' }),
    );
    writeFileSync(
      join(project, 'tsconfig.json'),
      JSON.stringify({
        compilerOptions: {
          target: 'ES2022',
          module: 'NodeNext',
          moduleResolution: 'NodeNext',
          strict: true,
          skipLibCheck: false, // the published .d.ts and everything they reach are checked
          types: ['node'],
          outDir: 'dist',
        },
        include: ['*.ts'],
      }),
    );
    run(
      'npm',
      [
        'install',
        '--prefer-offline',
        '--no-audit',
        '--no-fund',
        `./${packed[0].filename}`,
        ...[...INSTALLED, ...TOOLS].map(locked),
      ],
      project,
    );
    for (const file of ['setup.ts', ...FRAMEWORKS.map((f) => `${f}.ts`)])
      copyFileSync(join(REPO_ROOT, 'test/packaging/consumer', file), join(project, file));
    database = await createServerDatabase('postgres');
  }, 600_000);

  afterAll(async () => {
    await database?.drop();
    rmSync(project, { recursive: true, force: true });
  });

  test('installs lean: no native SQLite build, no Hono for nobody, no drivers it was not asked for', () => {
    const modules = join(project, 'node_modules');
    for (const absent of ['better-sqlite3', 'ioredis', 'mysql2', 'fastify-plugin'])
      expect(existsSync(join(modules, absent)), absent).toBe(false);
    const manifest = JSON.parse(readFileSync(join(modules, 'latchkey/package.json'), 'utf8')) as {
      dependencies: Record<string, string>;
    };
    // Pure JavaScript only: the native modules and the frameworks are the app's choice.
    expect(Object.keys(manifest.dependencies).sort()).toEqual([
      '@zxcvbn-ts/language-common',
      'bcryptjs',
      'nodemailer',
    ]);
  });

  test('type-checks with skipLibCheck: false and compiles', () => {
    const result = spawnSync('npx', ['tsc', '-p', '.'], { cwd: project, encoding: 'utf8' });
    expect(result.stdout + result.stderr).toBe('');
    expect(result.status).toBe(0);
  }, 300_000);

  test('the CLI migrates and creates a user through the installed bin', () => {
    run(BIN, ['migrate'], project, env());
    const result = spawnSync(BIN, ['createuser', 'alice', '--password-stdin'], {
      cwd: project,
      env: { ...process.env, ...env() },
      input: `${PASSWORD}\n`,
      encoding: 'utf8',
    });
    expect(result.status, result.stderr).toBe(0);
  }, 60_000);

  for (const framework of FRAMEWORKS) {
    test(`${framework}: a real login and logout`, async () => {
      const port = await freePort();
      let app: RunningProcess | undefined;
      try {
        app = await startProcess(process.execPath, [`dist/${framework}.js`], {
          env: { ...process.env, ...env(), PORT: String(port), NODE_ENV: 'production' },
          readyLine: new RegExp(`${framework} consumer ready on ${port}`),
          label: `consumer ${framework}`,
          cwd: project,
        });
        await loginAndLogout(`http://127.0.0.1:${port}`, 'alice', PASSWORD);
      } finally {
        await app?.stop();
      }
    }, 60_000);
  }

  test.each([
    ['SESSION_ENGINE=redis', { SESSION_ENGINE: 'redis' }, 'The Redis session store', 'ioredis'],
    [
      'a sqlite: DATABASE_URL',
      { DATABASE_URL: 'sqlite:./data/x.sqlite3' },
      'The SQLite database',
      'better-sqlite3',
    ],
    ['a mysql: DATABASE_URL', { DATABASE_URL: 'mysql://root@127.0.0.1:3306/x' }, 'A mysql://', 'mysql2'],
  ])(
    'a missing peer for %s is one line naming the package and the install command',
    (_, extra, purpose, pkg) => {
      const result = spawnSync(BIN, ['clearsessions'], {
        cwd: project,
        env: { ...process.env, ...env(), ...extra },
        encoding: 'utf8',
      });
      expect(result.status).not.toBe(0);
      const lines = result.stderr.trim().split('\n');
      expect(lines).toHaveLength(1);
      expect(lines[0]).toMatch(
        new RegExp(`^latchkey clearsessions: ${purpose.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}`),
      );
      expect(lines[0]).toContain(`needs the "${pkg}" package, which is not installed: npm install ${pkg}`);
    },
  );
});
