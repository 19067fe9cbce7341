/** @module `latchkey migrate`: brings the database schema up to date (Django's `migrate`). */
import { parseArgs } from 'node:util';
import { migrateToLatest } from '../db/migrate.js';
import { type CliContext, EXIT, parseUsage } from './context.js';
import { withDatabase } from './database.js';

/** How `migrate` is called. */
export const MIGRATE_USAGE = 'migrate';

/**
 * Applies every pending migration and names each one; says so when there was none.
 * @example
 * await migrateCommand({ argv: [], env: process.env, stdin, stdout, stderr }); // "Applied 0002_auth"
 */
export async function migrateCommand(ctx: CliContext): Promise<number> {
  parseUsage(MIGRATE_USAGE, () => parseArgs({ args: [...ctx.argv], options: {}, allowPositionals: false }));
  const { applied } = await withDatabase(ctx, (db) => migrateToLatest(db), { migrate: false });
  if (applied.length === 0) ctx.stdout.write('No migrations to apply.\n');
  for (const name of applied) ctx.stdout.write(`Applied ${name}\n`);
  return EXIT.ok;
}
