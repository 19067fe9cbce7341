/**
 * @module The per-user index of `django_session`, in a table of Latchkey's own
 * (`latchkey_django_session_user`): Django's table has no user column, so "log out everywhere"
 * would have to decode every row. Latchkey writes an index row with every session it creates or
 * saves; rows Django created are found by the one query "live sessions with no index row", decoded
 * once each, and indexed (anonymous ones too, so they are never decoded again). Django never moves
 * a session key to another user (its `login` cycles or flushes the key), so a row, once indexed,
 * stays right for its whole life (INVARIANTS 13).
 */
import { type Kysely, sql } from 'kysely';
import type { Clock } from '../core/clock.js';
import { dialectOf } from '../db/connect.js';
import { createTable } from '../db/migrations/ddl.js';
import type { SessionCodec } from '../sessions/codec.js';
import { AUTH_USER_ID_KEY } from '../sessions/session.js';
import { type DjangoDatabase, SESSION_INDEX_TABLE, toDjangoDateTime } from './schema.js';

/** Rows decoded per catch-up query, so a large backlog never holds one long read. */
const CATCH_UP_BATCH = 500;

/**
 * Creates the index table when it is missing. Not a numbered migration: it exists only in Django
 * mode, next to Django's tables, which it never references (no foreign key into Django's schema).
 * @example
 * await ensureSessionIndex(db);
 */
export async function ensureSessionIndex(db: Kysely<DjangoDatabase>): Promise<void> {
  await createTable(db as Kysely<unknown>, SESSION_INDEX_TABLE)
    .ifNotExists()
    .addColumn('session_key', 'varchar(40)', (col) => col.primaryKey())
    .addColumn('user_id', 'varchar(64)')
    .execute();
  await db.schema
    .createIndex(`${SESSION_INDEX_TABLE}_user_id`)
    .ifNotExists()
    .on(SESSION_INDEX_TABLE)
    .column('user_id')
    .execute();
}

/** The index's `user_id` column width. */
const MAX_USER_ID_LENGTH = 64;

/** The user id a decoded session holds, as the index keeps it; `null` when anonymous (or no user id fits). */
export function userIdOf(data: Record<string, unknown> | null): string | null {
  const id = data?.[AUTH_USER_ID_KEY];
  const text = typeof id === 'string' || typeof id === 'number' ? String(id) : null;
  return text !== null && text.length <= MAX_USER_ID_LENGTH ? text : null;
}

/**
 * Writes the index row of `key` (replacing any), inside the caller's transaction.
 * @example
 * await putIndexRow(trx, key, userId);
 */
export async function putIndexRow(
  db: Kysely<DjangoDatabase>,
  key: string,
  userId: string | null,
): Promise<void> {
  await db.deleteFrom(SESSION_INDEX_TABLE).where('session_key', '=', key).execute();
  await db.insertInto(SESSION_INDEX_TABLE).values({ session_key: key, user_id: userId }).execute();
}

/** Inserts index rows, skipping keys already indexed (SQLite/PostgreSQL `ON CONFLICT DO NOTHING`, MySQL `INSERT IGNORE`). */
async function insertIgnoringTaken(
  db: Kysely<DjangoDatabase>,
  entries: { session_key: string; user_id: string | null }[],
): Promise<void> {
  const insert = db.insertInto(SESSION_INDEX_TABLE).values(entries);
  if (dialectOf(db) === 'mysql') await insert.ignore().execute();
  else await insert.onConflict((conflict) => conflict.column('session_key').doNothing()).execute();
}

/**
 * Indexes every live `django_session` row that has no index row yet, decoding each once, and
 * returns how many user ids it found per user. A row indexed meanwhile by another process is skipped.
 * @example
 * const found = await catchUpIndex(db, codec, clock);
 */
export async function catchUpIndex(
  db: Kysely<DjangoDatabase>,
  codec: SessionCodec,
  clock: Clock,
): Promise<Map<string | null, number>> {
  const found = new Map<string | null, number>();
  const now = toDjangoDateTime(dialectOf(db), clock.now());
  for (;;) {
    const rows = await db
      .selectFrom('django_session as s')
      .select(['s.session_key', 's.session_data'])
      .where('s.expire_date', '>', now)
      .where(({ not, exists, selectFrom }) =>
        not(
          exists(
            selectFrom(`${SESSION_INDEX_TABLE} as i`)
              .select(sql<number>`1`.as('one'))
              .whereRef('i.session_key', '=', 's.session_key'),
          ),
        ),
      )
      .limit(CATCH_UP_BATCH)
      .execute();
    const entries = rows.map((row) => {
      const userId = userIdOf(codec.decode(row.session_data));
      found.set(userId, (found.get(userId) ?? 0) + 1);
      return { session_key: row.session_key, user_id: userId };
    });
    // One statement per batch; a row another process indexed meanwhile is left as it is.
    if (entries.length > 0) await insertIgnoringTaken(db, entries);
    if (rows.length < CATCH_UP_BATCH) return found;
  }
}
