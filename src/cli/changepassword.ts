/**
 * @module `latchkey changepassword <username>`: sets a user's password (Django's
 * `changepassword`) and ends every session of that user at once (INVARIANTS 5), on every engine
 * the CLI can reach — or refuses before writing anything.
 */
import { parseArgs } from 'node:util';
import { AuditLog } from '../audit/log.js';
import { RememberTokenRepository } from '../auth/remember/repository.js';
import { TokenRepository } from '../auth/tokens/repository.js';
import { type CliContext, CliError, EXIT, onePositional, parseUsage } from './context.js';
import { withDatabase, withUserSessions } from './database.js';
import { cliAccounts } from './django-mode.js';
import { readNewPassword } from './password-input.js';
import { endedSessions } from './sessions.js';

/** How `changepassword` is called. */
export const CHANGEPASSWORD_USAGE = 'changepassword <username> [--password-stdin]';

/**
 * Changes the password of an existing user. The session auth hash would end the user's other
 * sessions at their next request; ending them now (deleting the records, or on `signed_cookies`
 * bumping the user's revocation epoch) leaves nothing to replay. The session engine is opened
 * before the password is written, so an unreachable or unusable engine changes nothing.
 * @example
 * // printf 'a new long password\n' | latchkey changepassword alice --password-stdin
 * await changepasswordCommand({ argv: ['alice', '--password-stdin'], env, stdin, stdout, stderr });
 */
export async function changepasswordCommand(ctx: CliContext): Promise<number> {
  const { values, positionals } = parseUsage(CHANGEPASSWORD_USAGE, () =>
    parseArgs({
      args: [...ctx.argv],
      allowPositionals: true,
      options: { 'password-stdin': { type: 'boolean', default: false } },
    }),
  );
  const name = onePositional(positionals, 'username', CHANGEPASSWORD_USAGE);
  return withDatabase(ctx, async (db) => {
    const { users, hashPassword } = await cliAccounts(ctx, db);
    const user = await users.getByUsername(name);
    if (user === null) throw new CliError(`user "${name}" does not exist`);
    ctx.stderr.write(`Changing password for user "${user.username}"\n`);
    const password = await readNewPassword(ctx, {
      fromStdin: values['password-stdin'],
      username: user.username,
      email: user.email,
    });
    const hash = await hashPassword(password);
    const ended = await withUserSessions(ctx, db, async (sessions) => {
      await users.setPassword(user.id, hash);
      return sessions.endAll(user.id);
    });
    await new TokenRepository(db, { clock: ctx.clock }).revokeAll(user.id);
    // INVARIANTS 14: remember-me tokens stand in for the password too.
    await new RememberTokenRepository(db, { clock: ctx.clock }).deleteAll(user.id);
    const audit = new AuditLog(db, { clock: ctx.clock });
    const who = { userId: user.id, username: user.username };
    await audit.record({ event: 'password_changed', ...who, detail: { via: 'cli' } });
    if (ended !== 0)
      await audit.record({
        event: 'sessions_revoked',
        ...who,
        detail: ended === null ? { via: 'cli', all: true } : { via: 'cli', count: ended },
      });
    ctx.stdout.write(`Password changed for user "${user.username}"; ${endedSessions(ended)}.\n`);
    return EXIT.ok;
  });
}
