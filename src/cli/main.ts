#!/usr/bin/env node
/**
 * @module The `latchkey` command: dispatches to one file per command, and turns every failure
 * into one line on stderr and a non-zero exit status (CONTRACT.md "Command line").
 */
import { realpathSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { ConfigurationError, LatchkeyError, StoreUnavailableError } from '../core/errors.js';
import { AUDIT_USAGE, auditCommand } from './audit.js';
import { CHANGEPASSWORD_USAGE, changepasswordCommand } from './changepassword.js';
import { CLEARSESSIONS_USAGE, clearsessionsCommand } from './clearsessions.js';
import { type CliCommand, type CliContext, CliError, EXIT } from './context.js';
import { CREATEUSER_USAGE, createuserCommand } from './createuser.js';
import { MIGRATE_USAGE, migrateCommand } from './migrate.js';
import { LOGOUT_ALL_USAGE, logoutAllCommand, SESSIONS_USAGE, sessionsCommand } from './sessions.js';
import { printable } from './table.js';

interface CommandEntry {
  readonly run: CliCommand;
  readonly usage: string;
  readonly summary: string;
}

const commands: Readonly<Record<string, CommandEntry>> = {
  migrate: { run: migrateCommand, usage: MIGRATE_USAGE, summary: 'apply pending database migrations' },
  createuser: { run: createuserCommand, usage: CREATEUSER_USAGE, summary: 'create a user' },
  changepassword: {
    run: changepasswordCommand,
    usage: CHANGEPASSWORD_USAGE,
    summary: "change a user's password",
  },
  clearsessions: {
    run: clearsessionsCommand,
    usage: CLEARSESSIONS_USAGE,
    summary: 'delete expired sessions',
  },
  sessions: { run: sessionsCommand, usage: SESSIONS_USAGE, summary: "list a user's active sessions" },
  'logout-all': { run: logoutAllCommand, usage: LOGOUT_ALL_USAGE, summary: 'end every session of a user' },
  audit: { run: auditCommand, usage: AUDIT_USAGE, summary: 'show the audit log, newest first' },
};

function usage(): string {
  const width = Math.max(...Object.values(commands).map((c) => c.usage.length));
  const lines = Object.values(commands).map((c) => `  ${c.usage.padEnd(width)}  ${c.summary}`);
  return [
    'Usage: latchkey <command> [options]',
    '',
    'Commands:',
    ...lines,
    '',
    'Environment: DATABASE_URL (default sqlite:./data/latchkey.sqlite3), as for the app.',
    '',
  ].join('\n');
}

/** One line describing `error`, with a driver's cause for an unavailable database. */
function describeError(error: unknown): string {
  if (error instanceof ConfigurationError) return error.problems.join('; ');
  if (error instanceof StoreUnavailableError && error.cause instanceof Error) {
    return `${error.message} (${error.cause.message})`;
  }
  if (error instanceof LatchkeyError) return error.message;
  return `unexpected error: ${error instanceof Error ? error.message : String(error)}`;
}

/**
 * Runs `latchkey <args>` and resolves to the exit status; never throws.
 * @example
 * process.exitCode = await runCli(process.argv.slice(2), { env: process.env, stdin, stdout, stderr });
 */
export async function runCli(args: readonly string[], io: Omit<CliContext, 'argv'>): Promise<number> {
  const [name, ...rest] = args;
  if (name === undefined) {
    io.stderr.write(usage());
    return EXIT.usage;
  }
  if (name === 'help' || name === '--help' || name === '-h') {
    io.stdout.write(usage());
    return EXIT.ok;
  }
  const command = Object.hasOwn(commands, name) ? commands[name] : undefined;
  if (command === undefined) {
    io.stderr.write(`latchkey: unknown command "${printable(name)}"; run "latchkey help" for the list\n`);
    return EXIT.usage;
  }
  if (rest.includes('--help') || rest.includes('-h')) {
    io.stdout.write(`Usage: latchkey ${command.usage}\n${command.summary}\n`);
    return EXIT.ok;
  }
  try {
    return await command.run({ ...io, argv: rest });
  } catch (error) {
    const line = describeError(error).replace(/\s*\n\s*/g, '; ');
    io.stderr.write(`latchkey ${name}: ${printable(line)}\n`);
    return error instanceof CliError ? error.exitCode : EXIT.failure;
  }
}

/** Whether this module is the process's entry point (also through npm's `bin` symlink). */
function isEntryPoint(): boolean {
  const script = process.argv[1];
  if (script === undefined) return false;
  try {
    return realpathSync(script) === realpathSync(fileURLToPath(import.meta.url));
  } catch {
    return false;
  }
}

if (isEntryPoint()) {
  process.exitCode = await runCli(process.argv.slice(2), {
    env: process.env,
    stdin: process.stdin,
    stdout: process.stdout,
    stderr: process.stderr,
  });
}
