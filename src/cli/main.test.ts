import { execFile } from 'node:child_process';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterEach, beforeEach, describe, expect, test } from 'vitest';
import { checkPassword } from '../auth/hashers/index.js';
import { UserRepository } from '../auth/users/repository.js';
import { openSqlite } from '../db/sqlite.js';

const root = resolve(fileURLToPath(import.meta.url), '../../..');

interface Outcome {
  readonly code: number;
  readonly stdout: string;
  readonly stderr: string;
}

/** Runs a shell pipeline from the repository root, as a user would type it. */
function shell(command: string, env: Record<string, string>): Promise<Outcome> {
  return new Promise((done) => {
    execFile(
      '/bin/sh',
      ['-c', command],
      { cwd: root, env: { ...process.env, ...env }, timeout: 30_000 },
      (error, stdout, stderr) => {
        const code = error === null ? 0 : typeof error.code === 'number' ? error.code : -1;
        done({ code, stdout, stderr });
      },
    );
  });
}

describe('the real latchkey process', () => {
  let dir: string;
  let env: Record<string, string>;
  const cli = `"${process.execPath}" --import tsx src/cli/main.ts`;

  beforeEach(async () => {
    dir = await mkdtemp(join(tmpdir(), 'latchkey-bin-'));
    env = { DATABASE_URL: `sqlite:${join(dir, 'data', 'latchkey.sqlite3')}` };
  });

  afterEach(async () => {
    await rm(dir, { recursive: true, force: true });
  });

  test('printf … | latchkey createuser alice --password-stdin creates a user who can log in, once', async () => {
    const created = await shell(
      `printf 'correct horse battery\\n' | ${cli} createuser alice --password-stdin`,
      env,
    );
    expect(created).toEqual({ code: 0, stdout: 'Created user "alice" (id 1).\n', stderr: '' });

    const db = openSqlite(join(dir, 'data', 'latchkey.sqlite3'));
    try {
      const alice = await new UserRepository(db).getByUsername('alice');
      expect((await checkPassword('correct horse battery', alice?.password)).valid).toBe(true);
    } finally {
      await db.destroy();
    }

    const duplicate = await shell(
      `printf 'another password\\n' | ${cli} createuser alice --password-stdin`,
      env,
    );
    expect(duplicate).toEqual({
      code: 1,
      stdout: '',
      stderr: 'latchkey createuser: the username "alice" is already taken\n',
    });
  }, 60_000);

  test('a bad DATABASE_URL and an unknown command exit non-zero with one line on stderr', async () => {
    const badUrl = await shell(`${cli} migrate`, { DATABASE_URL: 'nonsense' });
    expect(badUrl.code).toBe(1);
    expect(badUrl.stdout).toBe('');
    expect(badUrl.stderr.trim().split('\n')).toEqual([
      expect.stringMatching(/^latchkey migrate: DATABASE_URL: /),
    ]);
    const unknown = await shell(`${cli} nonsense < /dev/null`, env);
    expect(unknown).toMatchObject({
      code: 2,
      stderr: expect.stringMatching(/^latchkey: unknown command "nonsense"/),
    });
  }, 60_000);
});
