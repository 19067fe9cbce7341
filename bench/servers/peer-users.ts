/**
 * @module The user table of the peers: a SQLite file read with better-sqlite3 prepared statements,
 * one primary-key lookup per request, as Latchkey reads its `latchkey_user` table. (Latchkey goes
 * through Kysely, which costs a little more per query; the peers get the leaner path.)
 */
import { join } from 'node:path';
import Database from 'better-sqlite3';

/** A row of the peers' `users` table. */
export interface PeerUser {
  readonly id: number;
  readonly username: string;
  readonly password: string;
  readonly is_active: number;
}

/** Lookups the peers' login and session code uses. */
export interface PeerUserTable {
  byId(id: number): PeerUser | null;
  byUsername(username: string): PeerUser | null;
  close(): void;
}

/**
 * Creates `users.sqlite3` under `dir` (WAL, as Latchkey opens its own) holding one user.
 * @example
 * const users = openPeerUsers(dataDir, { username: 'alice', password: await passwords.hash(pw) });
 */
export function openPeerUsers(dir: string, user: { username: string; password: string }): PeerUserTable {
  const db = new Database(join(dir, 'users.sqlite3'));
  db.pragma('journal_mode = WAL');
  db.pragma('synchronous = NORMAL');
  db.exec(`CREATE TABLE IF NOT EXISTS users (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    username TEXT NOT NULL UNIQUE,
    password TEXT NOT NULL,
    is_active INTEGER NOT NULL DEFAULT 1
  )`);
  db.prepare('INSERT OR REPLACE INTO users (username, password) VALUES (?, ?)').run(
    user.username,
    user.password,
  );
  const byId = db.prepare<[number], PeerUser>(
    'SELECT id, username, password, is_active FROM users WHERE id = ?',
  );
  const byUsername = db.prepare<[string], PeerUser>(
    'SELECT id, username, password, is_active FROM users WHERE username = ?',
  );
  return {
    byId: (id) => byId.get(id) ?? null,
    byUsername: (username) => byUsername.get(username) ?? null,
    close: () => db.close(),
  };
}
