/**
 * @module S4 on Latchkey's stores: load the population through each store's own layout, then time
 * `deleteUserSessions` (what "log out everywhere" calls) for the target user, trial after trial,
 * putting the user's ten sessions back between trials (untimed).
 */
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { migrateToLatest } from '../../src/db/migrate.js';
import { openSqlite } from '../../src/db/sqlite.js';
import type { SessionRecord, SessionStore } from '../../src/sessions/store.js';
import { MemorySessionStore } from '../../src/stores/memory.js';
import { createRedisSessionStore } from '../../src/stores/redis.js';
import { KyselySessionStore } from '../../src/stores/sql.js';
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

/** The Latchkey stores S4 runs on. */
export type S4Store = 'memory' | 'sqlite' | 'redis';

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
      store.create(sessionKey(user, index), { data: payload(user), expiresAt, userId: String(user) }),
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

async function openLoaded(
  kind: S4Store,
  total: number,
  options: { dir: string; redisUrl: string | undefined },
): Promise<SessionStore> {
  switch (kind) {
    case 'memory': {
      const store = new MemorySessionStore({ maxEntries: total + 1_000 });
      await loadThroughStore(store, total);
      return store;
    }
    case 'sqlite': {
      const filename = join(options.dir, 's4.sqlite3');
      const db = openSqlite(filename);
      await migrateToLatest(db);
      loadSqliteRows(filename, total);
      return new KyselySessionStore({ db, destroyOnClose: true });
    }
    case 'redis': {
      if (options.redisUrl === undefined) throw new Error('S4 on Redis needs REDIS_URL');
      const store = await createRedisSessionStore({ url: options.redisUrl, prefix: 'bench:s4:' });
      await loadThroughStore(store, total);
      return store;
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
  const store = load.value;
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
        await store.create(sessionKey(Number(TARGET_USER), index, trial), record);
      }
    }
    const run = await timed(() => store.deleteUserSessions(TARGET_USER));
    trialsMs.push(run.ms);
    ended.push(run.value);
  }
  await store.close();
  return { approach: `latchkey-${kind}`, total, loadSeconds: load.ms / 1000, trialsMs, ended };
}
