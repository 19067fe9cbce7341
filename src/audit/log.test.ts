import { mkdtemp, readdir, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Kysely } from 'kysely';
import { afterEach, beforeEach, describe, expect, test } from 'vitest';
import { AuthEventEmitter, type EventOrigin } from '../auth/events.js';
import type { AuthUser } from '../auth/types.js';
import { createManualClock, type ManualClock } from '../core/clock.js';
import { StoreUnavailableError } from '../core/errors.js';
import { migrateToLatest } from '../db/migrate.js';
import type { Database } from '../db/schema.js';
import { openSqlite } from '../db/sqlite.js';
import { generateSessionKey } from '../sessions/keys.js';
import { hashSessionKey } from '../sessions/public-id.js';
import { type AuditEntry, AuditLog } from './log.js';
import { recordAuthEvents } from './subscribe.js';

describe('audit log on a real SQLite file', () => {
  let dir: string;
  let db: Kysely<Database>;
  let clock: ManualClock;
  let audit: AuditLog;

  beforeEach(async () => {
    dir = await mkdtemp(join(tmpdir(), 'latchkey-audit-'));
    db = openSqlite(join(dir, 'db.sqlite3'));
    await migrateToLatest(db);
    clock = createManualClock(new Date('2026-03-01T12:00:00Z'));
    audit = new AuditLog(db, { clock });
  });

  afterEach(async () => {
    await db.destroy();
    await rm(dir, { recursive: true, force: true });
  });

  test('a recorded event reads back with the clock time and every field', async () => {
    const sessionKey = generateSessionKey();
    await audit.record({
      event: 'user_logged_in',
      userId: '7',
      username: 'alice',
      ip: '203.0.113.9',
      userAgent: 'Mozilla/5.0',
      sessionKey,
      detail: { path: '/accounts/login/' },
    });
    expect(await audit.list()).toEqual([
      {
        id: expect.any(String),
        event: 'user_logged_in',
        userId: '7',
        username: 'alice',
        createdAt: new Date('2026-03-01T12:00:00Z'),
        ip: '203.0.113.9',
        userAgent: 'Mozilla/5.0',
        sessionHash: hashSessionKey(sessionKey),
        detail: { path: '/accounts/login/' },
      },
    ]);
  });

  test('INVARIANTS 9: the session key is stored nowhere, not even in the database files', async () => {
    const sessionKey = generateSessionKey();
    await audit.record({ event: 'user_logged_out', username: 'alice', sessionKey });
    const rows = await db.selectFrom('latchkey_audit').selectAll().execute();
    expect(JSON.stringify(rows)).not.toContain(sessionKey);
    expect(rows[0]?.session_hash).toMatch(/^[0-9a-f]{32}$/);
    for (const file of await readdir(dir)) {
      expect((await readFile(join(dir, file))).includes(sessionKey)).toBe(false);
    }
  });

  test('INVARIANTS 9: secret-looking detail values are redacted', async () => {
    await audit.record({
      event: 'user_login_failed',
      username: 'alice',
      detail: { reason: 'bad password', password: 'hunter2', nested: { csrfToken: 'abc', sessionKey: 'k' } },
    });
    const [row] = await db.selectFrom('latchkey_audit').select('detail').execute();
    expect(row?.detail).not.toContain('hunter2');
    expect(JSON.parse(row?.detail ?? 'null')).toEqual({
      reason: 'bad password',
      password: '[redacted]',
      nested: { csrfToken: '[redacted]', sessionKey: '[redacted]' },
    });
  });

  test('rows list newest first, limited, and filtered by username', async () => {
    for (const [event, username] of [
      ['user_login_failed', 'alice'],
      ['user_logged_in', 'alice'],
      ['user_logged_in', 'bob'],
      ['user_logged_out', 'alice'],
    ] as const) {
      await audit.record({ event, username });
      clock.advance(1_000);
    }
    expect((await audit.list()).map((r) => `${r.event}:${r.username}`)).toEqual([
      'user_logged_out:alice',
      'user_logged_in:bob',
      'user_logged_in:alice',
      'user_login_failed:alice',
    ]);
    expect((await audit.list({ limit: 2 })).map((r) => r.event)).toEqual([
      'user_logged_out',
      'user_logged_in',
    ]);
    expect((await audit.list({ user: 'alice' })).map((r) => r.event)).toEqual([
      'user_logged_out',
      'user_logged_in',
      'user_login_failed',
    ]);
    expect((await audit.list({ user: '\uFF41lice', limit: 1 })).map((r) => r.event)).toEqual([
      'user_logged_out',
    ]);
    expect(await audit.list({ user: 'carol' })).toEqual([]);
  });

  test('rows recorded in the same millisecond keep their order', async () => {
    await audit.record({ event: 'user_logged_in', username: 'alice' });
    await audit.record({ event: 'user_logged_out', username: 'alice' });
    expect((await audit.list()).map((r) => r.event)).toEqual(['user_logged_out', 'user_logged_in']);
  });

  test('request text is bounded and cleaned of control characters', async () => {
    await audit.record({
      event: 'user_login_failed',
      username: `evil\u001b[31m\u0000${'x'.repeat(300)}`,
      userAgent: `curl\r\n${'a'.repeat(1_000)}`,
    });
    const [record] = await audit.list();
    expect(record?.userAgent).toHaveLength(512);
    expect(record?.userAgent?.startsWith('curl\uFFFD\uFFFDaaa')).toBe(true);
    expect([...(record?.username ?? '')]).toHaveLength(150);
    expect(record?.username).not.toMatch(/\p{Cc}/u);
  });

  test('a bad limit, event name or oversized detail is refused', async () => {
    const bogus = { event: "Robert'); DROP TABLE" } as unknown as AuditEntry;
    await expect(audit.record(bogus)).rejects.toThrow(/lower_snake_case/);
    for (const limit of [0, -1, 1.5, 10_001, Number.NaN]) {
      await expect(audit.list({ limit })).rejects.toThrow(/limit/);
    }
    await expect(
      audit.record({ event: 'user_logged_in', detail: { blob: 'x'.repeat(5_000) } }),
    ).rejects.toThrow(/limit is 4096/);
  });

  test('a database that cannot answer throws StoreUnavailableError', async () => {
    await db.destroy();
    await expect(audit.record({ event: 'user_logged_in' })).rejects.toBeInstanceOf(StoreUnavailableError);
    await expect(audit.list()).rejects.toBeInstanceOf(StoreUnavailableError);
    db = openSqlite(join(dir, 'db.sqlite3'));
  });

  test('authentication events become audit rows, failed logins without the password', async () => {
    const events = new AuthEventEmitter<AuthUser>();
    const stop = recordAuthEvents(events, audit);
    const user: AuthUser = { id: '3', username: 'alice', password: 'argon2$secret-hash', isActive: true };
    const sessionKey = generateSessionKey();
    const origin: EventOrigin = {
      ip: '198.51.100.4',
      userAgent: 'Firefox',
      sessionKey,
      path: '/accounts/login/',
    };

    await events.emit('userLoginFailed', {
      credentials: { username: 'Alice ', password: '********' },
      origin,
    });
    clock.advance(1);
    await events.emit('userLoggedIn', { user, origin });
    clock.advance(1);
    await events.emit('passwordChanged', { user, origin });
    clock.advance(1);
    await events.emit('userLoggedOut', { user, origin });
    stop();
    await events.emit('userLoggedOut', { user: null, origin });

    const records = await audit.list();
    expect(records.map((r) => [r.event, r.username, r.userId])).toEqual([
      ['user_logged_out', 'alice', '3'],
      ['password_changed', 'alice', '3'],
      ['user_logged_in', 'alice', '3'],
      ['user_login_failed', 'Alice ', null],
    ]);
    expect(
      records.every((r) => r.sessionHash === hashSessionKey(sessionKey) && r.ip === '198.51.100.4'),
    ).toBe(true);
    const raw = JSON.stringify(await db.selectFrom('latchkey_audit').selectAll().execute());
    expect(raw).not.toContain('********');
    expect(raw).not.toContain('secret-hash');
    expect(raw).not.toContain(sessionKey);
  });
});

describe('hashSessionKey', () => {
  test('is the first 32 hex characters of SHA-256', () => {
    // FIPS 180-2 appendix B.1: SHA-256("abc").
    expect(hashSessionKey('abc')).toBe('ba7816bf8f01cfea414140de5dae2223');
    expect(hashSessionKey('abd')).not.toBe(hashSessionKey('abc'));
  });
});
