import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, test } from 'vitest';
import { REPO_ROOT } from '../browser/support/reference-app.js';
import { TEST_SECRET } from '../support/app.js';

const dataDir = mkdtempSync(join(tmpdir(), 'latchkey-startup-'));
afterAll(() => rmSync(dataDir, { recursive: true, force: true }));

/** Runs `npm start`'s server with `env` and returns how it ended. */
function start(env: Record<string, string>): { status: number | null; stderr: string } {
  const result = spawnSync(process.execPath, ['--import', 'tsx', 'app/server.ts'], {
    cwd: REPO_ROOT,
    env: { ...process.env, PORT: '0', SECRET_KEY: TEST_SECRET, LATCHKEY_DATA_DIR: dataDir, ...env },
    encoding: 'utf8',
    timeout: 30_000,
  });
  return { status: result.status, stderr: result.stderr };
}

describe('start-up fails with one clear line and a non-zero exit', () => {
  test.each([
    [
      'a PostgreSQL that refuses connections',
      { DATABASE_URL: 'postgres://latchkey:s3cret@127.0.0.1:1/latchkey' },
      /PostgreSQL/,
    ],
    [
      'a MySQL that refuses connections',
      { DATABASE_URL: 'mysql://root:s3cret@127.0.0.1:1/latchkey' },
      /MySQL/i,
    ],
    [
      'a Redis that refuses connections',
      { SESSION_ENGINE: 'redis', REDIS_URL: 'redis://:s3cret@127.0.0.1:1/0' },
      /Redis/,
    ],
    ['a malformed DATABASE_URL', { DATABASE_URL: 'nonsense' }, /DATABASE_URL/],
    ['a bad setting', { SESSION_COOKIE_AGE: 'forever' }, /SESSION_COOKIE_AGE/],
  ])('%s', (_, env, mentions) => {
    const { status, stderr } = start(env);
    expect(status).not.toBe(0);
    expect(status).not.toBeNull();
    const lines = stderr.trim().split('\n');
    expect(lines).toHaveLength(1);
    expect(lines[0]).toMatch(/^latchkey: /);
    expect(lines[0]).toMatch(mentions);
    // The password in the URL never reaches the output.
    expect(stderr).not.toContain('s3cret');
  });
});
