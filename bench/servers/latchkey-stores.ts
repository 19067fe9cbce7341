/**
 * @module The session stores Latchkey's benchmark server can run on, chosen by `STORE`: `memory`,
 * `sqlite` (the users' database file), `redis`, `redis-cluster` (the Redis Cluster whose seeds
 * `REDIS_CLUSTER_NODES` lists), `cached-db` (SQLite behind a Redis copy), and `postgres` (a database made on the machine's PostgreSQL for this server and dropped when it stops).
 */
import type { Kysely } from 'kysely';
import { openDatabase } from '../../src/db/connect.js';
import { migrateToLatest } from '../../src/db/migrate.js';
import type { Database } from '../../src/db/schema.js';
import type { SessionStore } from '../../src/sessions/store.js';
import { CachedDbSessionStore } from '../../src/stores/cached-db.js';
import { MemorySessionStore } from '../../src/stores/memory.js';
import { createRedisSessionStore } from '../../src/stores/redis.js';
import { KyselySessionStore } from '../../src/stores/sql.js';
import { createServerDatabase } from '../../test/support/sql-servers.js';

/** The `STORE` values this server understands. */
export const LATCHKEY_STORES = [
  'memory',
  'sqlite',
  'redis',
  'redis-cluster',
  'cached-db',
  'postgres',
] as const;
export type LatchkeyStoreKind = (typeof LATCHKEY_STORES)[number];

/** Parses `STORE`; `null` for anything else. */
export function parseStoreKind(value: string | undefined): LatchkeyStoreKind | null {
  return (LATCHKEY_STORES as readonly string[]).includes(value ?? '') ? (value as LatchkeyStoreKind) : null;
}

/** An open store, and how to close it and release what it holds. */
export interface OpenedStore {
  readonly store: SessionStore;
  close(): Promise<void>;
}

/** Sessions on a database of their own on the machine's PostgreSQL, dropped at close. */
async function openPostgresStore(): Promise<OpenedStore> {
  const database = await createServerDatabase('postgres');
  try {
    const { db } = await openDatabase(database.url);
    await migrateToLatest(db);
    const store = new KyselySessionStore({ db, destroyOnClose: true });
    return {
      store,
      async close() {
        await store.close();
        await database.drop();
      },
    };
  } catch (error) {
    await database.drop();
    throw error;
  }
}

/**
 * Opens the store `kind` names. `db` is the migrated database that also holds the users.
 * @example
 * const { store, close } = await openLatchkeyStore('redis', { db, redisUrl: 'redis://127.0.0.1:6390/0' });
 */
export async function openLatchkeyStore(
  kind: LatchkeyStoreKind,
  options: { db: Kysely<Database>; redisUrl: string | undefined },
): Promise<OpenedStore> {
  if (kind === 'postgres') return openPostgresStore();
  const store = await openOwnStore(kind as Exclude<LatchkeyStoreKind, 'postgres'>, options);
  return { store, close: () => store.close() };
}

async function openOwnStore(
  kind: Exclude<LatchkeyStoreKind, 'postgres'>,
  options: { db: Kysely<Database>; redisUrl: string | undefined },
): Promise<SessionStore> {
  const redisUrl = (): string => {
    if (options.redisUrl === undefined) throw new Error(`STORE=${kind} needs REDIS_URL`);
    return options.redisUrl;
  };
  switch (kind) {
    case 'memory':
      // Room for every session a run creates: eviction would turn into logouts mid-run.
      return new MemorySessionStore({ maxEntries: 1_000_000 });
    case 'sqlite':
      return new KyselySessionStore({ db: options.db });
    case 'redis':
      return createRedisSessionStore({ url: redisUrl(), prefix: 'bench:session:' });
    case 'redis-cluster': {
      const { redisSettingsFromEnv } = await import('../../src/stores/redis-settings.js');
      const { clusterNodes } = redisSettingsFromEnv({ REDIS_CLUSTER_NODES: process.env.REDIS_CLUSTER_NODES });
      if (clusterNodes === undefined) throw new Error('STORE=redis-cluster needs REDIS_CLUSTER_NODES');
      return createRedisSessionStore({ url: redisUrl(), clusterNodes, prefix: 'bench:session:' });
    }
    case 'cached-db':
      return new CachedDbSessionStore({
        db: new KyselySessionStore({ db: options.db }),
        cache: await createRedisSessionStore({ url: redisUrl(), prefix: 'bench:cache:' }),
      });
  }
}
