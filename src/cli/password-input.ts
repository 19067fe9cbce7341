/**
 * @module How the CLI gets a new password: one line from standard input (`--password-stdin`, for
 * scripts), or typed twice at a terminal without echo (Python's `getpass`). Never from an argument,
 * which `ps` and shell history would show (OWASP: keep secrets out of process listings).
 */
import { StringDecoder } from 'node:string_decoder';
import { defaultPasswordValidators, passwordProblems } from '../auth/users/password-rules.js';
import { type PasswordValidator, passwordValidatorsFrom } from '../auth/users/password-validators.js';
import { type CliContext, CliError, type CliInput, EXIT } from './context.js';

/** The longest line read from standard input, so `cat /dev/zero | latchkey …` cannot exhaust memory. */
export const MAX_PASSWORD_LINE = 64 * 1024;

function decode(chunk: unknown, decoder: StringDecoder): string {
  return typeof chunk === 'string' ? chunk : decoder.write(chunk as Buffer);
}

/** Returns unread text to the stream for the next reader; call it after removing the listener. */
function giveBack(stdin: CliInput, rest: string): void {
  if (rest !== '') stdin.unshift(stdin.readableObjectMode ? rest : Buffer.from(rest, 'utf8'));
}

/**
 * Reads up to the first newline (or the end) of `stdin` and strips that newline (and a `\r`
 * before it) only: spaces are part of the password.
 * @example
 * const password = await readPasswordLine(process.stdin); // printf 'pw\n' | latchkey …
 */
export function readPasswordLine(stdin: CliInput): Promise<string> {
  if (stdin.readableEnded) return Promise.resolve('');
  const decoder = new StringDecoder('utf8');
  let text = '';
  return new Promise((resolve, reject) => {
    const finish = (error: Error | null): void => {
      stdin.off('data', onData);
      stdin.off('end', onEnd);
      stdin.off('error', onError);
      stdin.pause();
      if (error !== null) reject(error);
      else resolve(text.replace(/\r?\n$/, ''));
    };
    const onData = (chunk: unknown): void => {
      text += decode(chunk, decoder);
      const newline = text.indexOf('\n');
      if (newline >= 0) {
        const rest = text.slice(newline + 1);
        text = text.slice(0, newline + 1);
        finish(null);
        giveBack(stdin, rest);
      } else if (text.length > MAX_PASSWORD_LINE) {
        finish(new CliError(`the password line is longer than ${MAX_PASSWORD_LINE} characters`));
      }
    };
    const onEnd = (): void => {
      text += decoder.end();
      finish(null);
    };
    const onError = (error: Error): void =>
      finish(new CliError('could not read standard input', { cause: error }));
    stdin.on('data', onData);
    stdin.on('end', onEnd);
    stdin.on('error', onError);
    stdin.resume();
  });
}

/** The hidden line being typed. */
interface HiddenLine {
  text: string;
  /** Inside an escape sequence (an arrow key), which is skipped. */
  escape: boolean;
}

/** What one typed character does: edits the line, submits it, or aborts (Ctrl-C interrupts). */
function applyKey(line: HiddenLine, char: string): 'edit' | 'submit' | 'abort' | 'interrupt' {
  if (line.escape) {
    // A CSI sequence (ESC [ … final byte) ends with a letter or "~".
    if (/[A-Za-z~]/.test(char)) line.escape = false;
    return 'edit';
  }
  if (char === '\r' || char === '\n') return 'submit';
  if (char === '\u0003') return 'interrupt';
  if (char === '\u0004') return line.text === '' ? 'abort' : 'submit';
  if (char === '\u007f' || char === '\b') line.text = [...line.text].slice(0, -1).join('');
  else if (char === '\u0015') line.text = '';
  else if (char === '\u001b') line.escape = true;
  else if (!/\p{Cc}/u.test(char)) line.text += char;
  return 'edit';
}

/**
 * Prompts on stderr and reads one line from a terminal in raw mode, echoing nothing. Backspace
 * and Ctrl-U edit, Ctrl-C aborts (raw mode delivers it as a byte, not a signal), escape sequences
 * (arrow keys) are ignored.
 * @example
 * const password = await promptHidden(ctx, 'Password: ');
 */
export function promptHidden(ctx: Pick<CliContext, 'stdin' | 'stderr'>, prompt: string): Promise<string> {
  const { stdin, stderr } = ctx;
  const decoder = new StringDecoder('utf8');
  const line: HiddenLine = { text: '', escape: false };
  stderr.write(prompt);
  stdin.setRawMode?.(true);
  return new Promise((resolve, reject) => {
    const finish = (error: Error | null): void => {
      stdin.off('data', onData);
      stdin.off('end', onEnd);
      stdin.setRawMode?.(false);
      stdin.pause();
      stderr.write('\n');
      if (error !== null) reject(error);
      else resolve(line.text);
    };
    const onData = (chunk: unknown): void => {
      const chars = [...decode(chunk, decoder)];
      for (const [at, char] of chars.entries()) {
        const effect = applyKey(line, char);
        if (effect === 'edit') continue;
        if (effect === 'submit') {
          finish(null);
          // Pasted "pw\rpw\r" arrives as one chunk: the rest belongs to the next prompt.
          giveBack(stdin, chars.slice(at + (char === '\r' && chars[at + 1] === '\n' ? 2 : 1)).join(''));
        } else {
          finish(
            new CliError('aborted', { exitCode: effect === 'interrupt' ? EXIT.interrupted : EXIT.failure }),
          );
        }
        return;
      }
    };
    const onEnd = (): void => finish(line.text === '' ? new CliError('aborted') : null);
    stdin.on('data', onData);
    stdin.on('end', onEnd);
    stdin.resume();
  });
}

/** Options of {@link readNewPassword}. */
export interface ReadNewPasswordOptions {
  /** Read one line from standard input instead of prompting. */
  readonly fromStdin: boolean;
  /** The account's username, which the password must differ from. */
  readonly username: string;
  /** The account's email address, if any, which the password must not resemble either. */
  readonly email?: string;
}

/**
 * The rules `AUTH_PASSWORD_VALIDATORS` in the environment names (as the app reads it), or
 * Django's default four. A bad entry is a one-line {@link CliError}.
 * @example
 * passwordValidatorsOf({ AUTH_PASSWORD_VALIDATORS: 'MinimumLengthValidator:min_length=12' });
 */
export function passwordValidatorsOf(env: CliContext['env']): PasswordValidator[] {
  const raw = env.AUTH_PASSWORD_VALIDATORS;
  if (raw === undefined) return defaultPasswordValidators();
  const entries = raw
    .split(',')
    .map((entry) => entry.trim())
    .filter((entry) => entry !== '');
  try {
    return passwordValidatorsFrom(entries);
  } catch (error) {
    throw new CliError((error as Error).message, { cause: error });
  }
}

/**
 * Gets a new password (one stdin line, or typed twice at a terminal) and checks the rules of
 * `AUTH_PASSWORD_VALIDATORS` (Django's four by default):
 * at a terminal a failed rule throws {@link CliError} naming it; from `--password-stdin` only an
 * empty password is refused and other failures are a warning. Messages never contain the password.
 * @example
 * const password = await readNewPassword(ctx, { fromStdin: values['password-stdin'], username });
 */
export async function readNewPassword(ctx: CliContext, options: ReadNewPasswordOptions): Promise<string> {
  let password: string;
  if (options.fromStdin) {
    password = await readPasswordLine(ctx.stdin);
  } else if (ctx.stdin.isTTY === true && typeof ctx.stdin.setRawMode === 'function') {
    password = await promptHidden(ctx, 'Password: ');
    const again = await promptHidden(ctx, 'Password (again): ');
    if (again !== password) throw new CliError("the two passwords didn't match");
  } else {
    throw new CliError('standard input is not a terminal, so no password can be typed: use --password-stdin');
  }
  const problems = await passwordProblems(password, {
    username: options.username,
    ...(options.email ? { email: options.email } : {}),
    validators: passwordValidatorsOf(ctx.env),
  });
  if (problems.length === 0) return password;
  // Scripts pipe passwords in: like Django's `createsuperuser --noinput`, they skip validation,
  // but not silently. An empty password is still refused; at a terminal every rule holds.
  if (!options.fromStdin || password === '') throw new CliError(`password refused: ${problems.join(' ')}`);
  ctx.stderr.write(
    `latchkey: warning: weak password accepted from --password-stdin: ${problems.join(' ')}\n`,
  );
  return password;
}
