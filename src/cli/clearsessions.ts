/**
 * @module `latchkey clearsessions`: deletes expired sessions (Django's `clearsessions`), in
 * batches so a large backlog never holds the write lock for long, and expired remember-me tokens;
 * run it from cron.
 */
import { parseArgs } from 'node:util';
import { RememberTokenRepository } from '../auth/remember/repository.js';
import { type CliContext, CliError, EXIT, parseUsage } from './context.js';
import { withDatabase, withUserSessions } from './database.js';

/** How `clearsessions` is called. */
export const CLEARSESSIONS_USAGE = 'clearsessions [--batch-size N]';

function plural(count: number): string {
  return `${count} expired session${count === 1 ? '' : 's'}`;
}

/**
 * Deletes every expired row of `latchkey_session`, showing a progress line on a terminal.
 * @example
 * await clearsessionsCommand({ argv: ['--batch-size', '500'], env, stdin, stdout, stderr });
 */
export async function clearsessionsCommand(ctx: CliContext): Promise<number> {
  const { values } = parseUsage(CLEARSESSIONS_USAGE, () =>
    parseArgs({ args: [...ctx.argv], options: { 'batch-size': { type: 'string' } } }),
  );
  const raw = values['batch-size'];
  const batchSize = raw === undefined ? undefined : /^[1-9][0-9]{0,4}$/.test(raw) ? Number(raw) : null;
  if (batchSize === null || (batchSize !== undefined && batchSize > 10_000)) {
    throw new CliError(
      `--batch-size must be a whole number from 1 to 10000 (usage: latchkey ${CLEARSESSIONS_USAGE})`,
      {
        exitCode: EXIT.usage,
      },
    );
  }
  const progress = ctx.stdout.isTTY === true;
  const [deleted, remembered] = await withDatabase(ctx, async (db) => [
    await withUserSessions(ctx, db, (sessions) =>
      sessions.clearExpired({
        batchSize,
        // "\r" redraws one line in place; a pipe or log file gets only the final line.
        onProgress: progress
          ? (count) => ctx.stdout.write(`\rDeleting expired sessions… ${count}`)
          : undefined,
      }),
    ),
    await new RememberTokenRepository(db, { clock: ctx.clock }).clearExpired(),
  ]);
  if (progress) ctx.stdout.write('\r\u001b[K');
  ctx.stdout.write(`Deleted ${plural(deleted)}.\n`);
  // Said only when there were some, so the usual one-line output stays as scripts know it.
  if (remembered > 0)
    ctx.stdout.write(`Deleted ${remembered} expired remember-me token${remembered === 1 ? '' : 's'}.\n`);
  return EXIT.ok;
}
