/**
 * @module What every CLI command receives (arguments, environment, standard streams, clock) and
 * how it fails: a {@link CliError} becomes one line on stderr and a non-zero exit status. Commands
 * take their IO as values, so tests run them in-process.
 */
import type { Readable } from 'node:stream';
import type { Clock } from '../core/clock.js';
import { LatchkeyError } from '../core/errors.js';

/** Standard input: a readable stream, raw-mode capable when it is a terminal. */
export type CliInput = Readable & {
  readonly isTTY?: boolean;
  setRawMode?(mode: boolean): unknown;
};

/** Standard output or error. */
export interface CliOutput {
  write(text: string): unknown;
  readonly isTTY?: boolean;
}

/** Everything a command reads from the outside world. */
export interface CliContext {
  /** The arguments after the command name. */
  readonly argv: readonly string[];
  readonly env: Readonly<Record<string, string | undefined>>;
  readonly stdin: CliInput;
  readonly stdout: CliOutput;
  readonly stderr: CliOutput;
  /** The clock for expiry and audit times; the system clock when absent (INVARIANTS 11). */
  readonly clock?: Clock;
}

/** A command: resolves to its exit status, or throws {@link CliError}. */
export type CliCommand = (ctx: CliContext) => Promise<number>;

/** Exit statuses, following the BSD `sysexits` spirit: 1 failure, 2 usage, 130 interrupted. */
export const EXIT = { ok: 0, failure: 1, usage: 2, interrupted: 130 } as const;

/** An expected failure: `message` is printed as one line, the process exits with `exitCode`. */
export class CliError extends LatchkeyError {
  readonly exitCode: number;
  constructor(message: string, options?: { exitCode?: number; cause?: unknown }) {
    super('LATCHKEY_CLI', message, options);
    this.exitCode = options?.exitCode ?? EXIT.failure;
  }
}

/**
 * Runs `node:util` `parseArgs` and turns its errors (unknown option, missing value) into a usage
 * {@link CliError} that shows `usage`.
 * @example
 * const { values } = parseUsage('audit [--user U]', () => parseArgs({ args: [...ctx.argv], options }));
 */
export function parseUsage<T>(usage: string, parse: () => T): T {
  try {
    return parse();
  } catch (error) {
    const reason = error instanceof Error ? error.message.split('\n')[0] : String(error);
    throw new CliError(`${reason} (usage: latchkey ${usage})`, { exitCode: EXIT.usage, cause: error });
  }
}

/**
 * The single positional argument a command needs, or a usage error.
 * @example
 * const username = onePositional(positionals, 'username', 'createuser <username>');
 */
export function onePositional(positionals: readonly string[], name: string, usage: string): string {
  if (positionals.length !== 1 || positionals[0] === undefined) {
    const problem = positionals.length === 0 ? `missing <${name}>` : `expected one <${name}>`;
    throw new CliError(`${problem} (usage: latchkey ${usage})`, { exitCode: EXIT.usage });
  }
  return positionals[0];
}
