/**
 * @module The ordered list of migrations. Add a file `NNNN_name.ts` and list it here; never edit
 * one that has shipped. DDL that differs between SQLite, PostgreSQL and MySQL goes through `ddl.ts`.
 */
import type { Migration } from 'kysely';
import * as m0001 from './0001_sessions.js';
import * as m0002 from './0002_auth.js';
import * as m0003 from './0003_audit.js';
import * as m0004 from './0004_tokens.js';
import * as m0005 from './0005_session_revocation.js';
import * as m0006 from './0006_instance.js';
import * as m0007 from './0007_remember_tokens.js';

/** Every migration, by name; Kysely applies them in name order. */
export const migrations: Readonly<Record<string, Migration>> = {
  '0001_sessions': m0001,
  '0002_auth': m0002,
  '0003_audit': m0003,
  '0004_tokens': m0004,
  '0005_session_revocation': m0005,
  '0006_instance': m0006,
  '0007_remember_tokens': m0007,
};
