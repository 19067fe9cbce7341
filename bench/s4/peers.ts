/**
 * @module S4 the way the peers leave it to their users, since neither keeps a per-user index:
 * - connect-redis: its own `store.all()` (SCAN every `sess:*` key, MGET them, JSON.parse each), keep
 *   the ones whose `passport.user` is the user, `store.destroy` each.
 * - Django's documentation (topics/http/sessions, "Using sessions out of views"): walk every row of
 *   `django_session`, `get_decoded()` it (verify the signature, decode, parse), delete the matches.
 *   Run here on SQLite with the same signed format, in one synchronous pass (better-sqlite3).
 */
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { RedisStore } from 'connect-redis';
import { createClient } from 'redis';
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

const BATCH = 5_000;

/** What express-session writes for a logged-in passport user. */
function expressSession(user: number, expires: Date): string {
  return JSON.stringify({
    cookie: { originalMaxAge: FIXTURE_TTL_MS, expires, httpOnly: true, path: '/', sameSite: 'lax' },
    passport: { user },
  });
}

/**
 * connect-redis: loads `total` `sess:` keys (pipelined SETs with a TTL), then times the scan.
 * @example
 * await measureConnectRedisScan(100_000, 3, redisUrl);
 */
export async function measureConnectRedisScan(
  total: number,
  trials: number,
  url: string,
): Promise<S4Measurement> {
  const client = createClient({ url });
  await client.connect();
  const store = new RedisStore({ client, prefix: 'sess:' });
  const ttl = Math.round(FIXTURE_TTL_MS / 1000);
  const expires = new Date(Date.now() + FIXTURE_TTL_MS);
  const put = (user: number, index: number, round = 0): Promise<unknown> =>
    client.set(`sess:${sessionKey(user, index, round)}`, expressSession(user, expires), { EX: ttl });
  const load = await timed(async () => {
    let batch = client.multi();
    let size = 0;
    const flush = async (): Promise<void> => {
      if (size > 0) await batch.execAsPipeline();
      batch = client.multi();
      size = 0;
    };
    const jobs: [number, number][] = [];
    forEachSession(total, (user, index) => jobs.push([user, index]));
    for (const [user, index] of jobs) {
      batch.set(`sess:${sessionKey(user, index)}`, expressSession(user, expires), { EX: ttl });
      if (++size === BATCH) await flush();
    }
    await flush();
  });
  const trialsMs: number[] = [];
  const ended: number[] = [];
  const target = Number(TARGET_USER);
  for (let trial = 0; trial < trials; trial++) {
    if (trial > 0) for (let i = 0; i < SESSIONS_PER_USER; i++) await put(target, i, trial);
    const run = await timed(async () => {
      const sessions = (await store.all()) as { id: string; passport?: { user?: unknown } }[];
      const mine = sessions.filter((s) => s.passport?.user === target);
      await Promise.all(mine.map((s) => store.destroy(s.id)));
      return mine.length;
    });
    trialsMs.push(run.ms);
    ended.push(run.value);
  }
  await client.quit();
  return { approach: 'connect-redis-scan', total, loadSeconds: load.ms / 1000, trialsMs, ended };
}

/**
 * Django's documented approach on SQLite: loads `total` rows, then times decode-every-row.
 * @example
 * await measureDjangoDecode(100_000, 3, dir);
 */
export async function measureDjangoDecode(
  total: number,
  trials: number,
  dir: string,
): Promise<S4Measurement> {
  const db = new Database(join(dir, 'django.sqlite3'));
  db.pragma('journal_mode = WAL');
  db.pragma('synchronous = NORMAL');
  // Django's django_session: no user column, so nothing to index a user's sessions by.
  db.exec(`CREATE TABLE django_session (
    session_key varchar(40) NOT NULL PRIMARY KEY, session_data text NOT NULL, expire_date bigint NOT NULL)`);
  db.exec('CREATE INDEX django_session_expire_date ON django_session (expire_date)');
  const codec = fixtureCodec();
  const expires = Date.now() + FIXTURE_TTL_MS;
  const insert = db.prepare('INSERT INTO django_session VALUES (?, ?, ?)');
  const load = await timed(async () => {
    let lastUser = -1;
    let payload = '';
    db.transaction(() => {
      forEachSession(total, (user, index) => {
        if (user !== lastUser) {
          lastUser = user;
          payload = payloadFor(codec, user);
        }
        insert.run(sessionKey(user, index), payload, expires);
      });
    })();
  });
  const select = db.prepare<[number], { session_key: string; session_data: string }>(
    'SELECT session_key, session_data FROM django_session WHERE expire_date > ?',
  );
  const remove = db.prepare('DELETE FROM django_session WHERE session_key = ?');
  const trialsMs: number[] = [];
  const ended: number[] = [];
  for (let trial = 0; trial < trials; trial++) {
    if (trial > 0) {
      const payload = payloadFor(codec, Number(TARGET_USER));
      for (let i = 0; i < SESSIONS_PER_USER; i++)
        insert.run(sessionKey(Number(TARGET_USER), i, trial), payload, expires);
    }
    const run = await timed(async () => {
      const mine: string[] = [];
      for (const row of select.iterate(Date.now())) {
        if (codec.decode(row.session_data)?._auth_user_id === TARGET_USER) mine.push(row.session_key);
      }
      db.transaction(() => {
        for (const key of mine) remove.run(key);
      })();
      return mine.length;
    });
    trialsMs.push(run.ms);
    ended.push(run.value);
  }
  db.close();
  return { approach: 'django-decode-every-row', total, loadSeconds: load.ms / 1000, trialsMs, ended };
}
