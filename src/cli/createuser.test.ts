import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { PassThrough } from 'node:stream';
import { afterEach, beforeEach, describe, expect, test } from 'vitest';
import { AuditLog } from '../audit/log.js';
import { checkPassword } from '../auth/hashers/index.js';
import { UserRepository } from '../auth/users/repository.js';
import { createManualClock } from '../core/clock.js';
import { openSqlite } from '../db/sqlite.js';
import type { CliInput } from './context.js';
import { runCli } from './main.js';

interface Outcome {
  readonly code: number;
  readonly stdout: string;
  readonly stderr: string;
}

describe('latchkey createuser (in-process, real SQLite file)', () => {
  let dir: string;
  let env: Record<string, string>;
  const clock = createManualClock(new Date('2026-03-01T12:00:00Z'));

  async function run(args: string[], input: { stdin?: string; typed?: string } = {}): Promise<Outcome> {
    const out = { stdout: '', stderr: '' };
    const stdin: PassThrough & CliInput =
      input.typed === undefined
        ? new PassThrough()
        : Object.assign(new PassThrough(), { isTTY: true, setRawMode: () => undefined });
    if (input.typed === undefined) stdin.end(input.stdin ?? '');
    else stdin.write(input.typed);
    const code = await runCli(args, {
      env,
      stdin,
      stdout: { write: (text: string) => (out.stdout += text) },
      stderr: { write: (text: string) => (out.stderr += text) },
      clock,
    });
    return { code, ...out };
  }

  async function inspectDb<T>(read: (users: UserRepository, audit: AuditLog) => Promise<T>): Promise<T> {
    const db = openSqlite(join(dir, 'db.sqlite3'));
    try {
      return await read(new UserRepository(db), new AuditLog(db));
    } finally {
      await db.destroy();
    }
  }

  beforeEach(async () => {
    dir = await mkdtemp(join(tmpdir(), 'latchkey-cli-'));
    env = { DATABASE_URL: `sqlite:${join(dir, 'db.sqlite3')}` };
  });

  afterEach(async () => {
    await rm(dir, { recursive: true, force: true });
  });

  test('creates a user from --password-stdin on a fresh database, migrating it first', async () => {
    const result = await run(['createuser', 'alice', '--email', 'alice@EXAMPLE.com', '--password-stdin'], {
      stdin: 'correct horse battery\n',
    });
    expect(result).toEqual({ code: 0, stdout: 'Created user "alice" (id 1).\n', stderr: '' });
    const user = await inspectDb((users) => users.getByUsername('alice'));
    expect(user).toMatchObject({ email: 'alice@example.com', isStaff: false, isSuperuser: false });
    expect((await checkPassword('correct horse battery', user?.password)).valid).toBe(true);
  });

  test('--superuser makes a staff superuser and the creation is audited', async () => {
    const result = await run(['createuser', 'root', '--superuser', '--password-stdin'], {
      stdin: 'a long password\n',
    });
    expect(result.stdout).toBe('Created superuser "root" (id 1).\n');
    const [user, records] = await inspectDb(
      async (users, audit) => [await users.getByUsername('root'), await audit.list()] as const,
    );
    expect(user).toMatchObject({ isStaff: true, isSuperuser: true });
    expect(records.map((r) => [r.event, r.username, r.detail])).toEqual([
      ['user_created', 'root', { via: 'cli', superuser: true }],
    ]);
  });

  test('prompts twice without echo on a terminal', async () => {
    const result = await run(['createuser', 'alice'], { typed: 'correct horse\rcorrect horse\r' });
    expect(result.code).toBe(0);
    expect(result.stderr).toBe('Password: \nPassword (again): \n');
    const user = await inspectDb((users) => users.getByUsername('alice'));
    expect((await checkPassword('correct horse', user?.password)).valid).toBe(true);
  });

  test('the username is NFKC-normalised, so a fullwidth duplicate is refused', async () => {
    expect(
      (await run(['createuser', '\uFB01ona', '--password-stdin'], { stdin: 'a long password\n' })).stdout,
    ).toBe('Created user "fiona" (id 1).\n');
    const again = await run(['createuser', 'fiona', '--password-stdin'], { stdin: 'another password\n' });
    expect(again).toEqual({
      code: 1,
      stdout: '',
      stderr: 'latchkey createuser: the username "fiona" is already taken\n',
    });
  });

  test('an empty password is refused, and no user is created', async () => {
    const result = await run(['createuser', 'alexander', '--password-stdin'], { stdin: '\n' });
    expect(result).toEqual({
      code: 1,
      stdout: '',
      stderr: 'latchkey createuser: password refused: The password must not be empty.\n',
    });
    expect(await inspectDb((users) => users.getByUsername('alexander'))).toBeNull();
  });

  test.each([
    ['a short password', 'pw\n', 'This password is too short. It must contain at least 8 characters.'],
    [
      'the username as password',
      'alexander\n',
      'The password is too similar to the username. This password is too common.',
    ],
    ['a common password', 'sunshine\n', 'This password is too common.'],
    ['an all-digit password', '73019468\n', 'This password is entirely numeric.'],
  ])(
    '%s from --password-stdin is accepted with a warning naming the rule (Django --noinput)',
    async (_, stdin, rule) => {
      const result = await run(['createuser', 'alexander', '--password-stdin'], { stdin });
      expect(result.code).toBe(0);
      expect(result.stderr).toBe(
        `latchkey: warning: weak password accepted from --password-stdin: ${rule}\n`,
      );
      expect(result.stderr).not.toContain(stdin.trim() === 'alexander' ? 'xx' : stdin.trim());
      expect(await inspectDb((users) => users.getByUsername('alexander'))).not.toBeNull();
    },
  );

  test('a short password typed at the prompt is refused', async () => {
    const result = await run(['createuser', 'alice'], { typed: 'short\rshort\r' });
    expect(result.code).toBe(1);
    expect(result.stderr).toContain('password refused: This password is too short');
    expect(await inspectDb((users) => users.getByUsername('alice'))).toBeNull();
  });

  test('a common password typed at the prompt is refused; AUTH_PASSWORD_VALIDATORS changes the rules', async () => {
    const common = await run(['createuser', 'alice'], { typed: 'Sunshine1\rSunshine1\r' });
    expect(common.code).toBe(1);
    expect(common.stderr).toContain('password refused: This password is too common.');
    env.AUTH_PASSWORD_VALIDATORS = 'MinimumLengthValidator:min_length=16';
    const short = await run(['createuser', 'alice'], { typed: 'a fine passphr\ra fine passphr\r' });
    expect(short.stderr).toContain('at least 16 characters');
    const accepted = await run(['createuser', 'alice'], {
      typed: 'Sunshine1 Sunshine1\rSunshine1 Sunshine1\r',
    });
    expect(accepted.code).toBe(0);
    env.AUTH_PASSWORD_VALIDATORS = 'ShortValidator';
    const bad = await run(['createuser', 'bob'], { typed: 'whatever it is\rwhatever it is\r' });
    expect(bad.code).toBe(1);
    expect(bad.stderr).toContain('unknown validator "ShortValidator"');
  });

  test('mismatched passwords at the prompt are refused', async () => {
    const result = await run(['createuser', 'alice'], { typed: 'correct horse\rcorrect house\r' });
    expect(result.code).toBe(1);
    expect(result.stderr).toContain("latchkey createuser: the two passwords didn't match\n");
  });

  test('without a terminal and without --password-stdin the error says what to do', async () => {
    const result = await run(['createuser', 'alice'], { stdin: 'correct horse\n' });
    expect(result.code).toBe(1);
    expect(result.stderr).toBe(
      'latchkey createuser: standard input is not a terminal, so no password can be typed: use --password-stdin\n',
    );
  });

  test('bad input fails before any password is asked for', async () => {
    const invalid = await run(['createuser', 'alice smith', '--password-stdin'], {
      stdin: 'correct horse\n',
    });
    expect(invalid.code).toBe(1);
    expect(invalid.stderr).toMatch(/^latchkey createuser: invalid username: Enter a valid username\./);
    const email = await run(['createuser', 'alice', '--email', 'nope', '--password-stdin']);
    expect(email.stderr).toBe('latchkey createuser: invalid email: Enter a valid email address.\n');
    expect((await run(['createuser'])).code).toBe(2);
    expect((await run(['createuser', 'a', 'b'])).stderr).toMatch(/expected one <username>/);
    expect((await run(['createuser', 'alice', '--admin'])).code).toBe(2);
  });

  test('a bad DATABASE_URL is one line naming it, exit status 1', async () => {
    env = { DATABASE_URL: 'mongodb://user:s3cret@host/db' };
    const result = await run(['createuser', 'alice', '--password-stdin'], { stdin: 'correct horse\n' });
    expect(result.code).toBe(1);
    expect(result.stderr).toMatch(/^latchkey createuser: DATABASE_URL: expected sqlite:[^\n]*\n$/);
    expect(result.stderr).not.toContain('s3cret');
  });
});
