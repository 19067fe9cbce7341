/**
 * @module `latchkey createuser <username>`: creates a user (Django's `createsuperuser`, for any
 * user). The password comes from standard input or a hidden prompt, never from an argument.
 */
import { parseArgs } from 'node:util';
import { AuditLog } from '../audit/log.js';
import { makePassword } from '../auth/hashers/index.js';
import { DuplicateUsernameError, InvalidUserFieldError } from '../auth/users/errors.js';
import { emailProblem, normalizeEmail, normalizeUsername, usernameProblem } from '../auth/users/normalize.js';
import { UserRepository } from '../auth/users/repository.js';
import { type CliContext, CliError, EXIT, onePositional, parseUsage } from './context.js';
import { withDatabase } from './database.js';
import { cliDjangoMode } from './django-mode.js';
import { readNewPassword } from './password-input.js';

/** How `createuser` is called. */
export const CREATEUSER_USAGE = 'createuser <username> [--email E] [--superuser] [--password-stdin]';

/**
 * Creates the user after checking the name is valid and free, then reading and checking the
 * password. `--superuser` makes a staff superuser. Records a `user_created` audit row.
 * @example
 * // printf 'a long password\n' | latchkey createuser alice --password-stdin
 * await createuserCommand({ argv: ['alice', '--password-stdin'], env, stdin, stdout, stderr });
 */
export async function createuserCommand(ctx: CliContext): Promise<number> {
  const { values, positionals } = parseUsage(CREATEUSER_USAGE, () =>
    parseArgs({
      args: [...ctx.argv],
      allowPositionals: true,
      options: {
        email: { type: 'string' },
        superuser: { type: 'boolean', default: false },
        'password-stdin': { type: 'boolean', default: false },
      },
    }),
  );
  const username = normalizeUsername(onePositional(positionals, 'username', CREATEUSER_USAGE));
  const problem = usernameProblem(username);
  if (problem !== null) throw new CliError(`invalid username: ${problem}`);
  const emailIssue = emailProblem(normalizeEmail(values.email ?? ''));
  if (emailIssue !== null) throw new CliError(`invalid email: ${emailIssue}`);

  return withDatabase(ctx, async (db) => {
    // Django mode: users are Django's; a user made here would be one Django never sees.
    if ((await cliDjangoMode(ctx, db)) !== null)
      throw new CliError(
        'DJANGO_DATABASE: users live in Django’s auth_user; create them with "manage.py createsuperuser"',
      );
    // As the app: with LOGIN_BY_EMAIL an email address names one account.
    const uniqueEmails = ['1', 'true', 'yes', 'on'].includes(
      ctx.env.LOGIN_BY_EMAIL?.trim().toLowerCase() ?? '',
    );
    const users = new UserRepository(db, { clock: ctx.clock, uniqueEmails });
    // Ask for no password when the name is taken anyway.
    if ((await users.getByUsername(username)) !== null) {
      throw new CliError(`the username "${username}" is already taken`);
    }
    const password = await readNewPassword(ctx, {
      fromStdin: values['password-stdin'],
      username,
      ...(values.email ? { email: values.email } : {}),
    });
    try {
      const user = await users.createUser({
        username,
        email: values.email,
        password: await makePassword(password),
        isStaff: values.superuser,
        isSuperuser: values.superuser,
      });
      await new AuditLog(db, { clock: ctx.clock }).record({
        event: 'user_created',
        userId: user.id,
        username: user.username,
        detail: { via: 'cli', superuser: user.isSuperuser },
      });
      ctx.stdout.write(
        `Created ${user.isSuperuser ? 'superuser' : 'user'} "${user.username}" (id ${user.id}).\n`,
      );
      return EXIT.ok;
    } catch (error) {
      if (error instanceof DuplicateUsernameError) {
        throw new CliError(`the username "${username}" is already taken`, { cause: error });
      }
      if (error instanceof InvalidUserFieldError) throw new CliError(error.message, { cause: error });
      throw error;
    }
  });
}
