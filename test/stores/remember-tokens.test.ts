/**
 * The remember-me series store on every SQL dialect (SQLite, PostgreSQL, MySQL), each on a
 * throwaway database: hashed storage, expiry, the compare-and-swap rotation that lets exactly one of
 * several parallel requests rotate, and the deletions that end series (INVARIANTS 14).
 */
import { afterAll, beforeAll, beforeEach, expect, test } from 'vitest';
import { RememberTokenRepository } from '../../src/auth/remember/repository.js';
import { hashRememberPart, judgeRememberSecret } from '../../src/auth/remember/token.js';
import { createManualClock, type ManualClock } from '../../src/core/clock.js';
import { StoreUnavailableError } from '../../src/core/errors.js';
import {
  createTestDatabase,
  describeOnDialect,
  TEST_DIALECTS,
  type TestDatabase,
} from '../support/databases.js';

const DAY = 86_400_000;

for (const dialect of TEST_DIALECTS) {
  await describeOnDialect(dialect, `remember-me series on ${dialect}`, () => {
    let database: TestDatabase;
    let clock: ManualClock;
    let repo: RememberTokenRepository;
    const start = (userId: string, days = 30) =>
      repo.create(userId, {
        expiresAt: new Date(clock.now() + days * DAY),
        userAgent: 'Browser/1.0',
        ip: '203.0.113.7',
      });

    beforeAll(async () => {
      database = await createTestDatabase(dialect);
    });
    afterAll(async () => {
      await database?.drop();
    });
    beforeEach(async () => {
      await database.db.deleteFrom('latchkey_remember_token').execute();
      clock = createManualClock(new Date('2026-05-01T10:00:00Z'));
      repo = new RememberTokenRepository(database.db, { clock });
    });

    test('INVARIANTS 14: a series is stored only as hashes, and found by its id until it expires', async () => {
      const token = await start('7', 1);
      const rows = await database.db.selectFrom('latchkey_remember_token').selectAll().execute();
      expect(JSON.stringify(rows)).not.toContain(token.series);
      expect(JSON.stringify(rows)).not.toContain(token.secret);
      const found = await repo.find(token.series);
      expect(found).toMatchObject({ userId: '7', secretHash: hashRememberPart(token.secret) });
      expect(found?.previousSecretHash).toBeNull();
      clock.advance(DAY);
      expect(await repo.find(token.series)).toBeNull();
      expect(await repo.clearExpired()).toBe(1);
    });

    test('rotation is a compare-and-swap: of parallel rotations exactly one wins', async () => {
      const token = await start('7');
      const stored = (await repo.find(token.series)) as NonNullable<Awaited<ReturnType<typeof repo.find>>>;
      clock.advance(1000);
      const results = await Promise.all(
        Array.from({ length: 5 }, () => repo.rotate(token.series, stored.secretHash)),
      );
      const winners = results.filter((secret) => secret !== null);
      expect(winners).toHaveLength(1);
      const after = await repo.find(token.series);
      expect(after?.secretHash).toBe(hashRememberPart(winners[0] as string));
      expect(after?.previousSecretHash).toBe(stored.secretHash);
      expect(after?.rotatedAt).toBe(clock.now());
      // The old secret is within the grace window for a while, then theft.
      const judge = (secret: string) =>
        judgeRememberSecret(after as NonNullable<typeof after>, secret, {
          now: clock.now(),
          graceMs: 10_000,
        });
      expect(judge(winners[0] as string)).toBe('current');
      expect(judge(token.secret)).toBe('grace');
      clock.advance(10_001);
      expect(judge(token.secret)).toBe('theft');
    });

    test('deleteAll ends a user’s series (optionally but one); forget ends one by its public id', async () => {
      const [a, b, c] = [await start('7'), await start('7'), await start('7')];
      const other = await start('8');
      expect(await repo.deleteAll('7', { exceptSeries: a.series })).toBe(2);
      expect(await repo.find(a.series)).not.toBeNull();
      expect(await repo.find(b.series)).toBeNull();
      expect(await repo.find(c.series)).toBeNull();
      const [device] = await repo.list('7');
      expect(device).toMatchObject({ userAgent: 'Browser/1.0', ip: '203.0.113.7' });
      expect(device?.publicId).toMatch(/^[0-9a-f]{32}$/);
      expect(await repo.forget('8', device?.publicId as string)).toBe(false);
      expect(await repo.forget('7', device?.publicId as string)).toBe(true);
      expect(await repo.find(a.series)).toBeNull();
      expect(await repo.find(other.series)).not.toBeNull();
      await repo.delete(other.series);
      expect(await repo.list('8')).toEqual([]);
    });
  });
}

test('INVARIANTS 10: a database that cannot answer is StoreUnavailableError, never "no series"', async () => {
  const database = await createTestDatabase('sqlite');
  const repo = new RememberTokenRepository(database.db);
  await database.drop();
  await expect(repo.find('A'.repeat(24))).rejects.toBeInstanceOf(StoreUnavailableError);
});
