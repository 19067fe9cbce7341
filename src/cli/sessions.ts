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
import { withDatabase, withUserSessions } from './database.js';
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
 * "N sessions ended", or what ending them means on an engine that cannot count them.
 * @example
 * endedSessions(2); // '2 sessions ended'
 */
export function endedSessions(count: number | null): string {
  if (count === null) return 'every session ended (signed_cookies: cookies issued before now are refused)';
  return `${count} session${count === 1 ? '' : 's'} ended`;
}

/**
 * Prints each live session of the user: its hash and when it expires. On `signed_cookies` the
 * sessions live in the browsers' cookies, so it says that, and how to end them, instead.
 * @example
 * await sessionsCommand({ argv: ['alice'], env, stdin, stdout, stderr });
 */
export async function sessionsCommand(ctx: CliContext): Promise<number> {
  const name = usernameArgument(ctx, SESSIONS_USAGE);
  return withDatabase(ctx, async (db) => {
    const user = await (await cliAccounts(ctx, db)).users.getByUsername(name);
    if (user === null) throw new CliError(`user "${name}" does not exist`);
    const sessions = await withUserSessions(ctx, db, (reach) => reach.list(user.id));
    if (sessions === null) {
      ctx.stdout.write(
        `User "${printable(user.username)}": SESSION_ENGINE=signed_cookies keeps sessions in the browsers' cookies, so the server cannot list them; \`latchkey logout-all ${printable(user.username)}\` ends them all.\n`,
      );
      return EXIT.ok;
    }
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
 * Ends every session of the user ("log out everywhere") on any engine the CLI can reach (on
 * `signed_cookies`, by bumping the user's revocation epoch, as the web's "log out other
 * sessions" does), revokes their API tokens, and records `sessions_revoked`.
 * @example
 * await logoutAllCommand({ argv: ['alice'], env, stdin, stdout, stderr });
 */
export async function logoutAllCommand(ctx: CliContext): Promise<number> {
  const name = usernameArgument(ctx, LOGOUT_ALL_USAGE);
  return withDatabase(ctx, async (db) => {
    const user = await (await cliAccounts(ctx, db)).users.getByUsername(name);
    if (user === null) throw new CliError(`user "${name}" does not exist`);
    const ended = await withUserSessions(ctx, db, (reach) => reach.endAll(user.id));
    const tokens = await new TokenRepository(db, { clock: ctx.clock }).revokeAll(user.id);
    // INVARIANTS 14: remembered devices would log themselves back in.
    const remembered = await new RememberTokenRepository(db, { clock: ctx.clock }).deleteAll(user.id);
    await new AuditLog(db, { clock: ctx.clock }).record({
      event: 'sessions_revoked',
      userId: user.id,
      username: user.username,
      detail:
        ended === null
          ? { via: 'cli', all: true, tokens, remembered }
          : { via: 'cli', count: ended, tokens, remembered },
    });
    const who = `user "${printable(user.username)}"`;
    const apiTokens = `${tokens} API token${tokens === 1 ? '' : 's'}`;
    ctx.stdout.write(
      ended === null
        ? `Ended every session (signed_cookies: cookies issued before now are refused) and revoked ${apiTokens} of ${who}.\n`
        : `Ended ${ended} session${ended === 1 ? '' : 's'} and revoked ${apiTokens} of ${who}.\n`,
    );
    return EXIT.ok;
  });
}
