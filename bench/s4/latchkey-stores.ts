/**
 * @module S4 on Latchkey's stores: load the population through each store's own layout, then time
 * `deleteUserSessions` (what "log out everywhere" calls) for the target user, trial after trial,
 * putting the user's ten sessions back between trials (untimed).
 */
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { type Kysely, sql } from 'kysely';
import { openDatabase } from '../../src/db/connect.js';
import { migrateToLatest } from '../../src/db/migrate.js';
import type { Database as Schema } from '../../src/db/schema.js';
import { openSqlite } from '../../src/db/sqlite.js';
import type { SessionRecord, SessionStore } from '../../src/sessions/store.js';
import { MemorySessionStore } from '../../src/stores/memory.js';
import { createRedisSessionStore } from '../../src/stores/redis.js';
import { KyselySessionStore } from '../../src/stores/sql.js';
import { createServerDatabase, type ServerDialect } from '../../test/support/sql-servers.js';
import {
  FIXTURE_TTL_MS,
  fixtureCodec,
  forEachSession,
  payloadFor,
  type S4Measurement,
  SESSIONS_PER_USER,
  sessionKey,
  TARGET_USER,
  timed,
} from './fixture.js';

/** The Latchkey stores S4 runs on; PostgreSQL and MySQL on a database made for the run and dropped. */
export type S4Store = 'memory' | 'sqlite' | 'redis' | ServerDialect;

const ROWS_PER_STATEMENT = 500;
const IN_FLIGHT = 2_000;

function payloads(): (user: number) => string {
  const codec = fixtureCodec();
  let lastUser = -1;
  let last = '';
  return (user) => {
    if (user !== lastUser) {
      lastUser = user;
      last = payloadFor(codec, user);
    }
    return last;
  };
}

/** Loads through `store.create`, many calls in flight (Redis pipelines them on one connection). */
async function loadThroughStore(store: SessionStore, total: number): Promise<void> {
  const payload = payloads();
  const expiresAt = new Date(Date.now() + FIXTURE_TTL_MS);
  let pending: Promise<void>[] = [];
  const jobs: [number, number][] = [];
  forEachSession(total, (user, index) => jobs.push([user, index]));
  for (const [user, index] of jobs) {
    pending.push(
      store.create(sessionKey(user, index, 0, store.userKeyTag?.(String(user))), {
        data: payload(user),
        expiresAt,
        userId: String(user),
      }),
    );
    if (pending.length >= IN_FLIGHT) {
      await Promise.all(pending);
      pending = [];
    }
  }
  await Promise.all(pending);
}

/** Loads SQLite rows straight into `latchkey_session`: multi-row INSERTs in one transaction. */
function loadSqliteRows(filename: string, total: number): void {
  const raw = new Database(filename);
  const payload = payloads();
  const expires = Date.now() + FIXTURE_TTL_MS;
  const placeholders = (n: number): string => Array.from({ length: n }, () => '(?, ?, ?, ?)').join(', ');
  const sql = 'INSERT INTO latchkey_session (session_key, session_data, expire_date, user_id) VALUES ';
  const full = raw.prepare(sql + placeholders(ROWS_PER_STATEMENT));
  let values: (string | number)[] = [];
  const insertAll = raw.transaction(() => {
    forEachSession(total, (user, index) => {
      values.push(sessionKey(user, index), payload(user), expires, String(user));
      if (values.length === ROWS_PER_STATEMENT * 4) {
        full.run(values);
        values = [];
      }
    });
    if (values.length > 0) raw.prepare(sql + placeholders(values.length / 4)).run(values);
  });
  insertAll();
  raw.close();
}

/**
 * Loads rows into a server's `latchkey_session` with multi-row INSERTs, a few statements in flight,
 * then settles it.
 */
async function loadServerRows(db: Kysely<Schema>, dialect: ServerDialect, total: number): Promise<void> {
  const payload = payloads();
  const expires = Date.now() + FIXTURE_TTL_MS;
  const batches: { session_key: string; session_data: string; expire_date: number; user_id: string }[][] = [
    [],
  ];
  forEachSession(total, (user, index) => {
    if (batches[batches.length - 1]?.length === ROWS_PER_STATEMENT) batches.push([]);
    batches[batches.length - 1]?.push({
      session_key: sessionKey(user, index),
      session_data: payload(user),
      expire_date: expires,
      user_id: String(user),
    });
  });
  let next = 0;
  const lane = async (): Promise<void> => {
    while (next < batches.length) {
      const batch = batches[next++] as (typeof batches)[number];
      if (batch.length > 0) await db.insertInto('latchkey_session').values(batch).execute();
    }
  };
  await Promise.all(Array.from({ length: 4 }, lane));
  await settleSessionTable(db, dialect);
}

/**
 * After a bulk load, before timing: fresh statistics, and on PostgreSQL the visibility map set and
 * the dirty pages written, so a background checkpoint does not land in the middle of the runs.
 */
export async function settleSessionTable(db: Kysely<Schema>, dialect: ServerDialect): Promise<void> {
  if (dialect === 'mysql') await sql`analyze table latchkey_session`.execute(db);
  else {
    await sql`vacuum analyze latchkey_session`.execute(db);
    await sql`checkpoint`.execute(db).catch(() => undefined);
  }
}

/** A loaded store, and what to do after it is closed. */
interface Loaded {
  readonly store: SessionStore;
  readonly afterClose: () => Promise<void>;
}

async function openLoaded(
  kind: S4Store,
  total: number,
  options: { dir: string; redisUrl: string | undefined },
): Promise<Loaded> {
  const nothing = async (): Promise<void> => {};
  switch (kind) {
    case 'memory': {
      const store = new MemorySessionStore({ maxEntries: total + 1_000 });
      await loadThroughStore(store, total);
      return { store, afterClose: nothing };
    }
    case 'sqlite': {
      const filename = join(options.dir, 's4.sqlite3');
      const db = openSqlite(filename);
      await migrateToLatest(db);
      loadSqliteRows(filename, total);
      return { store: new KyselySessionStore({ db, destroyOnClose: true }), afterClose: nothing };
    }
    case 'redis': {
      if (options.redisUrl === undefined) throw new Error('S4 on Redis needs REDIS_URL');
      const store = await createRedisSessionStore({ url: options.redisUrl, prefix: 'bench:s4:' });
      await loadThroughStore(store, total);
      return { store, afterClose: nothing };
    }
    case 'postgres':
    case 'mysql': {
      const database = await createServerDatabase(kind);
      try {
        const { db } = await openDatabase(database.url);
        await migrateToLatest(db);
        await loadServerRows(db, kind, total);
        return { store: new KyselySessionStore({ db, destroyOnClose: true }), afterClose: database.drop };
      } catch (error) {
        await database.drop();
        throw error;
      }
    }
  }
}

/**
 * Loads `total` sessions into a fresh `kind` store and times `trials` runs of "log out everywhere".
 * @example
 * const m = await measureLatchkeyStore('redis', 1_000_000, 5, { dir, redisUrl });
 */
export async function measureLatchkeyStore(
  kind: S4Store,
  total: number,
  trials: number,
  options: { dir: string; redisUrl: string | undefined },
): Promise<S4Measurement> {
  const load = await timed(() => openLoaded(kind, total, options));
  const { store, afterClose } = load.value;
  const codec = fixtureCodec();
  const trialsMs: number[] = [];
  const ended: number[] = [];
  // One untimed call on another user first (as bench/logout-all.ts warms up): Redis caches the
  // script, V8 compiles the path; production pays that once per process, not per logout.
  await store.deleteUserSessions(String(Number(TARGET_USER) + 1));
  for (let trial = 0; trial < trials; trial++) {
    if (trial > 0) {
      const record: SessionRecord = {
        data: payloadFor(codec, Number(TARGET_USER)),
        expiresAt: new Date(Date.now() + FIXTURE_TTL_MS),
        userId: TARGET_USER,
      };
      for (let index = 0; index < SESSIONS_PER_USER; index++) {
        await store.create(
          sessionKey(Number(TARGET_USER), index, trial, store.userKeyTag?.(TARGET_USER)),
          record,
        );
      }
    }
    const run = await timed(() => store.deleteUserSessions(TARGET_USER));
    trialsMs.push(run.ms);
    ended.push(run.value);
  }
  await store.close();
  await afterClose();
  return { approach: `latchkey-${kind}`, total, loadSeconds: load.ms / 1000, trialsMs, ended };
}
