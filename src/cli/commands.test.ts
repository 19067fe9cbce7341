import { mkdir, mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { PassThrough } from 'node:stream';
import type { Kysely } from 'kysely';
import { afterEach, beforeEach, describe, expect, test } from 'vitest';
import { AuditLog } from '../audit/log.js';
import { checkPassword, makePassword } from '../auth/hashers/index.js';
import { RememberTokenRepository } from '../auth/remember/repository.js';
import { UserRepository } from '../auth/users/repository.js';
import type { User } from '../auth/users/user.js';
import { createManualClock, type ManualClock } from '../core/clock.js';
import { migrateToLatest } from '../db/migrate.js';
import type { Database } from '../db/schema.js';
import { openSqlite } from '../db/sqlite.js';
import { generateSessionKey } from '../sessions/keys.js';
import { hashSessionKey } from '../sessions/public-id.js';
import { KyselySessionStore } from '../stores/sql.js';
import { runCli } from './main.js';

const HOUR = 3_600_000;

describe('latchkey commands (in-process, real SQLite file)', () => {
  let dir: string;
  let env: Record<string, string>;
  let clock: ManualClock;
  let db: Kysely<Database>;

  async function run(args: string[], options: { stdin?: string; tty?: boolean } = {}) {
    const out = { stdout: '', stderr: '' };
    const stdin = new PassThrough();
    stdin.end(options.stdin ?? '');
    const code = await runCli(args, {
      env,
      stdin,
      stdout: { write: (text: string) => (out.stdout += text), isTTY: options.tty ?? false },
      stderr: { write: (text: string) => (out.stderr += text) },
      clock,
    });
    return { code, ...out };
  }

  async function withUser(username: string, password: string): Promise<User> {
    await migrateToLatest(db);
    return new UserRepository(db, { clock }).createUser({ username, password: await makePassword(password) });
  }

  async function sessionsOf(user: User, count: number, expiresIn: number): Promise<string[]> {
    const store = new KyselySessionStore({ db, clock });
    const keys = Array.from({ length: count }, () => generateSessionKey());
    for (const key of keys) {
      await store.create(key, {
        data: 'payload',
        expiresAt: new Date(clock.now() + expiresIn),
        userId: user.id,
      });
    }
    return keys;
  }

  beforeEach(async () => {
    dir = await mkdtemp(join(tmpdir(), 'latchkey-cli-'));
    env = { DATABASE_URL: `sqlite:${join(dir, 'db.sqlite3')}` };
    clock = createManualClock(new Date('2026-03-01T12:00:00Z'));
    db = openSqlite(join(dir, 'db.sqlite3'));
  });

  afterEach(async () => {
    await db.destroy();
    await rm(dir, { recursive: true, force: true });
  });

  test('migrate names what it applied, then says there is nothing left', async () => {
    expect(await run(['migrate'])).toEqual({
      code: 0,
      stdout:
        'Applied 0001_sessions\nApplied 0002_auth\nApplied 0003_audit\nApplied 0004_tokens\nApplied 0005_session_revocation\nApplied 0006_instance\nApplied 0007_remember_tokens\n',
      stderr: '',
    });
    expect((await run(['migrate'])).stdout).toBe('No migrations to apply.\n');
  });

  test('changepassword sets the new hash, ends every session and audits both', async () => {
    const alice = await withUser('alice', 'old password!');
    const keys = await sessionsOf(alice, 2, HOUR);
    const result = await run(['changepassword', 'alice', '--password-stdin'], { stdin: 'new password!\n' });
    expect(result).toMatchObject({
      code: 0,
      stdout: 'Password changed for user "alice"; 2 sessions ended.\n',
    });
    const after = await new UserRepository(db).getById(alice.id);
    expect((await checkPassword('new password!', after?.password)).valid).toBe(true);
    expect((await checkPassword('old password!', after?.password)).valid).toBe(false);
    const store = new KyselySessionStore({ db, clock });
    for (const key of keys) expect(await store.load(key)).toBeNull();
    const records = await new AuditLog(db).list();
    expect(records.map((r) => [r.event, r.detail])).toEqual([
      ['sessions_revoked', { via: 'cli', count: 2 }],
      ['password_changed', { via: 'cli' }],
    ]);
  });

  test('changepassword fails clearly for an unknown user or an empty password; warns on a weak one', async () => {
    await withUser('alice', 'old password!');
    expect(await run(['changepassword', 'bob', '--password-stdin'], { stdin: 'new password!\n' })).toEqual({
      code: 1,
      stdout: '',
      stderr: 'latchkey changepassword: user "bob" does not exist\n',
    });
    const empty = await run(['changepassword', 'alice', '--password-stdin'], { stdin: '\n' });
    expect(empty.code).toBe(1);
    expect(empty.stderr).toContain('must not be empty');
    const weak = await run(['changepassword', 'alice', '--password-stdin'], { stdin: 'Alice\n' });
    expect(weak.code).toBe(0);
    expect(weak.stderr).toContain('warning: weak password accepted');
    expect(weak.stderr).toContain('too short');
    expect(weak.stderr).toContain('too similar to the username');
  });

  test('clearsessions deletes only expired sessions', async () => {
    const alice = await withUser('alice', 'a long password');
    const expired = await sessionsOf(alice, 5, HOUR);
    clock.advance(2 * HOUR);
    const live = await sessionsOf(alice, 2, HOUR);
    expect(await run(['clearsessions', '--batch-size', '2'])).toEqual({
      code: 0,
      stdout: 'Deleted 5 expired sessions.\n',
      stderr: '',
    });
    const rows = await db.selectFrom('latchkey_session').select('session_key').execute();
    expect(rows.map((r) => r.session_key).sort()).toEqual([...live].sort());
    expect(expired.some((key) => rows.some((r) => r.session_key === key))).toBe(false);
    expect((await run(['clearsessions'])).stdout).toBe('Deleted 0 expired sessions.\n');
  });

  test('clearsessions shows a progress line on a terminal', async () => {
    const alice = await withUser('alice', 'a long password');
    await sessionsOf(alice, 3, HOUR);
    clock.advance(2 * HOUR);
    const result = await run(['clearsessions', '--batch-size', '1'], { tty: true });
    expect(result.stdout).toContain('\rDeleting expired sessions… 1');
    expect(result.stdout).toContain('\rDeleting expired sessions… 3');
    expect(result.stdout.endsWith('Deleted 3 expired sessions.\n')).toBe(true);
    expect((await run(['clearsessions', '--batch-size', '0'])).code).toBe(2);
  });

  test('sessions lists hashes, never keys; logout-all ends them and is audited', async () => {
    const alice = await withUser('alice', 'a long password');
    const keys = await sessionsOf(alice, 2, HOUR);
    const listed = await run(['sessions', 'alice']);
    expect(listed.code).toBe(0);
    for (const key of keys) {
      expect(listed.stdout).toContain(hashSessionKey(key));
      expect(listed.stdout).not.toContain(key);
    }
    expect(await run(['logout-all', 'alice'])).toMatchObject({
      code: 0,
      stdout: 'Ended 2 sessions and revoked 0 API tokens of user "alice".\n',
    });
    expect((await run(['sessions', 'alice'])).stdout).toBe('User "alice" has no active sessions.\n');
    expect((await new AuditLog(db).list())[0]).toMatchObject({
      event: 'sessions_revoked',
      username: 'alice',
    });
    expect((await run(['logout-all', 'nobody'])).stderr).toBe(
      'latchkey logout-all: user "nobody" does not exist\n',
    );
  });

  test('INVARIANTS 14: changepassword and logout-all delete every remember-me token of the user; clearsessions the expired ones', async () => {
    const alice = await withUser('alice', 'a long password');
    const bob = await withUser('bob', 'another long password');
    const remembered = new RememberTokenRepository(db, { clock });
    const remember = (user: User) =>
      remembered.create(user.id, { expiresAt: new Date(clock.now() + HOUR), userAgent: null, ip: null });
    const aliceToken = await remember(alice);
    await remember(bob);
    expect((await run(['logout-all', 'alice'])).code).toBe(0);
    expect(await remembered.find(aliceToken.series)).toBeNull();
    const again = await remember(alice);
    expect(
      (await run(['changepassword', 'alice', '--password-stdin'], { stdin: 'new password!\n' })).code,
    ).toBe(0);
    expect(await remembered.find(again.series)).toBeNull();
    expect(await remembered.list(bob.id)).toHaveLength(1);
    clock.advance(2 * HOUR);
    expect((await run(['clearsessions'])).stdout).toBe(
      'Deleted 0 expired sessions.\nDeleted 1 expired remember-me token.\n',
    );
    expect(await db.selectFrom('latchkey_remember_token').selectAll().execute()).toEqual([]);
  });

  test('audit prints a table newest first, filtered and limited', async () => {
    await migrateToLatest(db);
    const audit = new AuditLog(db, { clock });
    const sessionKey = generateSessionKey();
    await audit.record({ event: 'user_login_failed', username: 'alice', ip: '203.0.113.5' });
    clock.advance(60_000);
    await audit.record({ event: 'user_logged_in', username: 'alice', ip: '203.0.113.5', sessionKey });
    clock.advance(60_000);
    await audit.record({ event: 'user_logged_in', username: 'bob', ip: '198.51.100.7' });

    const all = await run(['audit']);
    expect(all.code).toBe(0);
    expect(all.stdout.split('\n')).toEqual([
      'time                  event              user   ip            session',
      '2026-03-01 12:02:00Z  user_logged_in     bob    198.51.100.7  -',
      `2026-03-01 12:01:00Z  user_logged_in     alice  203.0.113.5   ${hashSessionKey(sessionKey)}`,
      '2026-03-01 12:00:00Z  user_login_failed  alice  203.0.113.5   -',
      '',
    ]);
    expect(all.stdout).not.toContain(sessionKey);
    const one = await run(['audit', '--user', 'alice', '--limit', '1']);
    expect(one.stdout.trim().split('\n')).toHaveLength(2);
    expect(one.stdout).toMatch(/^2026-03-01 12:01:00Z {2}user_logged_in {2}alice /m);
    expect((await run(['audit', '--user', 'carol'])).stdout).toBe('No audit records for "carol".\n');
    expect((await run(['audit', '--limit', 'ten'])).code).toBe(2);
  });

  test('unknown commands and options exit 2 with one line; help exits 0', async () => {
    expect(await run(['frobnicate'])).toEqual({
      code: 2,
      stdout: '',
      stderr: 'latchkey: unknown command "frobnicate"; run "latchkey help" for the list\n',
    });
    const unknownOption = await run(['audit', '--everything']);
    expect(unknownOption.code).toBe(2);
    expect(unknownOption.stderr.split('\n')).toHaveLength(2);
    expect((await run(['help'])).stdout).toContain(
      'createuser <username> [--email E] [--superuser] [--password-stdin]',
    );
    expect((await run(['audit', '--help'])).stdout).toBe(
      'Usage: latchkey audit [--user U] [--limit N]\nshow the audit log, newest first\n',
    );
    expect((await run([])).code).toBe(2);
  });

  test('a database that cannot be opened is one line with the cause, exit status 1', async () => {
    await mkdir(join(dir, 'a-directory'));
    env = { DATABASE_URL: `sqlite:${join(dir, 'a-directory')}` };
    const result = await run(['migrate']);
    expect(result.code).toBe(1);
    expect(result.stderr).toMatch(
      /^latchkey migrate: Could not open the sqlite database named by DATABASE_URL \(.+\)\n$/,
    );
  });
});
