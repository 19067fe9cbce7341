/**
 * @module `latchkey sessions <username>` lists a user's live sessions and `latchkey logout-all
 * <username>` ends them all (CONTRACT.md "Command line"). Sessions are shown by the hash of
 * their key, never the key (INVARIANTS 9).
 */
import { parseArgs } from 'node:util';
import { AuditLog } from '../audit/log.js';
import { RememberTokenRepository } from '../auth/remember/repository.js';
import { TokenRepository } from '../auth/tokens/repository.js';
import { hashSessionKey } from '../sessions/public-id.js';
import { type CliContext, CliError, EXIT, onePositional, parseUsage } from './context.js';
import { withDatabase, withSessionStore } from './database.js';
import { cliAccounts } from './django-mode.js';
import { formatTable, printable } from './table.js';

/** How `sessions` is called. */
export const SESSIONS_USAGE = 'sessions <username>';
/** How `logout-all` is called. */
export const LOGOUT_ALL_USAGE = 'logout-all <username>';

function usernameArgument(ctx: CliContext, usage: string): string {
  const { positionals } = parseUsage(usage, () => parseArgs({ args: [...ctx.argv], allowPositionals: true }));
  return onePositional(positionals, 'username', usage);
}

/**
 * Prints each live session of the user: its hash and when it expires.
 * @example
 * await sessionsCommand({ argv: ['alice'], env, stdin, stdout, stderr });
 */
export async function sessionsCommand(ctx: CliContext): Promise<number> {
  const name = usernameArgument(ctx, SESSIONS_USAGE);
  return withDatabase(ctx, async (db) => {
    const user = await (await cliAccounts(ctx, db)).users.getByUsername(name);
    if (user === null) throw new CliError(`user "${name}" does not exist`);
    const sessions = await withSessionStore(ctx, db, (store) => store.listUserSessions(user.id));
    if (sessions.length === 0) {
      ctx.stdout.write(`User "${printable(user.username)}" has no active sessions.\n`);
      return EXIT.ok;
    }
    const rows = sessions
      .sort((a, b) => b.record.expiresAt.getTime() - a.record.expiresAt.getTime())
      .map((s) => [hashSessionKey(s.key), s.record.expiresAt.toISOString()]);
    ctx.stdout.write(formatTable(['session', 'expires'], rows));
    return EXIT.ok;
  });
}

/**
 * Deletes every session of the user ("log out everywhere") and records `sessions_revoked`.
 * @example
 * await logoutAllCommand({ argv: ['alice'], env, stdin, stdout, stderr });
 */
export async function logoutAllCommand(ctx: CliContext): Promise<number> {
  const name = usernameArgument(ctx, LOGOUT_ALL_USAGE);
  return withDatabase(ctx, async (db) => {
    const user = await (await cliAccounts(ctx, db)).users.getByUsername(name);
    if (user === null) throw new CliError(`user "${name}" does not exist`);
    const ended = await withSessionStore(ctx, db, (store) => store.deleteUserSessions(user.id));
    const tokens = await new TokenRepository(db, { clock: ctx.clock }).revokeAll(user.id);
    // INVARIANTS 14: remembered devices would log themselves back in.
    const remembered = await new RememberTokenRepository(db, { clock: ctx.clock }).deleteAll(user.id);
    await new AuditLog(db, { clock: ctx.clock }).record({
      event: 'sessions_revoked',
      userId: user.id,
      username: user.username,
      detail: { via: 'cli', count: ended, tokens, remembered },
    });
    ctx.stdout.write(
      `Ended ${ended} session${ended === 1 ? '' : 's'} and revoked ${tokens} API token${tokens === 1 ? '' : 's'} of user "${printable(user.username)}".\n`,
    );
    return EXIT.ok;
  });
}
