import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import SQLite from 'better-sqlite3';
import { Kysely, SqliteDialect } from 'kysely';
import { afterEach, beforeEach, describe, expect, test } from 'vitest';
import { createManualClock, type ManualClock } from '../core/clock.js';
import { StoreUnavailableError } from '../core/errors.js';
import { migrateToLatest } from '../db/migrate.js';
import type { Database } from '../db/schema.js';
import { generateSessionKey } from '../sessions/keys.js';
import { MemoryRevocationRegistry, type RevocationRegistry } from './revocation.js';
import { SqlRevocationRegistry } from './revocation-sql.js';

const HOUR = 3_600_000;

interface Fixture {
  registry: RevocationRegistry;
  cleanup(): Promise<void>;
}

const registries: Record<string, (clock: ManualClock) => Promise<Fixture>> = {
  memory: async (clock) => ({ registry: new MemoryRevocationRegistry({ clock }), cleanup: async () => {} }),
  'sql (SQLite file)': async (clock) => {
    const dir = await mkdtemp(join(tmpdir(), 'latchkey-revocation-'));
    const db = new Kysely<Database>({
      dialect: new SqliteDialect({ database: new SQLite(join(dir, 'db.sqlite3')) }),
    });
    await migrateToLatest(db);
    return {
      registry: new SqlRevocationRegistry({ db, clock }),
      cleanup: async () => {
        await db.destroy();
        await rm(dir, { recursive: true, force: true });
      },
    };
  },
};

for (const [name, make] of Object.entries(registries)) {
  describe(`revocation registry: ${name}`, () => {
    let clock: ManualClock;
    let fixture: Fixture;
    let registry: RevocationRegistry;
    beforeEach(async () => {
      clock = createManualClock(new Date('2026-03-01T12:00:00.000Z'));
      fixture = await make(clock);
      registry = fixture.registry;
    });
    afterEach(async () => {
      await registry.close();
      await fixture.cleanup();
    });

    test('a fresh key is not denied and a fresh user is at epoch 0', async () => {
      expect(await registry.status(generateSessionKey(), 'alice')).toEqual({
        denied: false,
        epoch: 0,
        keptKey: null,
      });
    });

    test('a denied key stays denied until its expiry, then clearExpired prunes and counts it', async () => {
      const key = generateSessionKey();
      await registry.deny(key, new Date(clock.now() + HOUR));
      await registry.deny(key, new Date(clock.now() + 60_000)); // never shortens a denial
      expect((await registry.status(key, null)).denied).toBe(true);
      expect(await registry.clearExpired()).toBe(0);
      clock.advance(HOUR);
      expect((await registry.status(key, null)).denied).toBe(false);
      expect(await registry.clearExpired()).toBe(1);
      expect(await registry.clearExpired()).toBe(0);
    });

    test('bumpEpoch increments one user’s epoch and records the kept key', async () => {
      const keep = generateSessionKey();
      expect(await registry.bumpEpoch('alice')).toBe(1);
      expect(await registry.bumpEpoch('alice', { keep })).toBe(2);
      expect(await registry.status(generateSessionKey(), 'alice')).toMatchObject({ epoch: 2, keptKey: keep });
      expect((await registry.status(generateSessionKey(), 'bob')).epoch).toBe(0);
      await registry.bumpEpoch('alice');
      expect(await registry.status(keep, 'alice')).toMatchObject({ epoch: 3, keptKey: null });
    });

    test('concurrent bumps of one user are all counted', async () => {
      await Promise.all(Array.from({ length: 10 }, () => registry.bumpEpoch('carol')));
      expect((await registry.status(generateSessionKey(), 'carol')).epoch).toBe(10);
    });
  });
}

test('INVARIANTS 10: the SQL registry fails closed when its tables cannot be read', async () => {
  const db = new Kysely<Database>({ dialect: new SqliteDialect({ database: new SQLite(':memory:') }) });
  const registry = new SqlRevocationRegistry({ db });
  // Not migrated: every query fails, and none may read as "not revoked".
  await expect(registry.status(generateSessionKey(), 'alice')).rejects.toBeInstanceOf(StoreUnavailableError);
  await expect(registry.deny(generateSessionKey(), new Date())).rejects.toBeInstanceOf(StoreUnavailableError);
  await expect(registry.bumpEpoch('alice')).rejects.toBeInstanceOf(StoreUnavailableError);
  await db.destroy();
});
