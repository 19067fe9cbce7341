import { PassThrough } from 'node:stream';
import { describe, expect, test } from 'vitest';
import { type CliContext, CliError, type CliInput } from './context.js';
import { promptHidden, readNewPassword, readPasswordLine } from './password-input.js';

function pipeInput(text: string | null): CliInput {
  const stream = new PassThrough();
  if (text === null) stream.end();
  else stream.end(text);
  return stream;
}

function terminal(): { stdin: PassThrough & CliInput; modes: boolean[] } {
  const modes: boolean[] = [];
  const stdin = Object.assign(new PassThrough(), {
    isTTY: true,
    setRawMode(mode: boolean) {
      modes.push(mode);
    },
  });
  return { stdin, modes };
}

function output(): { write(text: string): boolean; text: string } {
  return {
    text: '',
    write(text: string) {
      this.text += text;
      return true;
    },
  };
}

describe('--password-stdin', () => {
  test('reads one line and strips only the newline', async () => {
    expect(await readPasswordLine(pipeInput('  spaced out pw  \n'))).toBe('  spaced out pw  ');
    expect(await readPasswordLine(pipeInput('windows line\r\n'))).toBe('windows line');
    expect(await readPasswordLine(pipeInput('no newline at all'))).toBe('no newline at all');
    expect(await readPasswordLine(pipeInput('first\nsecond\n'))).toBe('first');
    expect(await readPasswordLine(pipeInput(null))).toBe('');
  });

  test('multi-byte characters split across chunks survive', async () => {
    const stream = new PassThrough();
    const bytes = Buffer.from('pässwörd\n', 'utf8');
    stream.write(bytes.subarray(0, 2));
    stream.end(bytes.subarray(2));
    expect(await readPasswordLine(stream)).toBe('pässwörd');
  });

  test('an endless line is refused', async () => {
    await expect(readPasswordLine(pipeInput('x'.repeat(70_000)))).rejects.toThrow(/longer than/);
  });
});

describe('hidden prompt', () => {
  test('echoes nothing, restores the terminal, and honours backspace and Ctrl-U', async () => {
    const { stdin, modes } = terminal();
    const stderr = output();
    stdin.write('wrong\u0015sec\u007fcret\u001b[Dpw\r');
    expect(await promptHidden({ stdin, stderr }, 'Password: ')).toBe('secretpw');
    expect(stderr.text).toBe('Password: \n');
    expect(modes).toEqual([true, false]);
  });

  test('Ctrl-C aborts with exit status 130', async () => {
    const { stdin, modes } = terminal();
    stdin.write('abc\u0003');
    const error = await promptHidden({ stdin, stderr: output() }, 'Password: ').catch((e: unknown) => e);
    expect(error).toBeInstanceOf(CliError);
    expect((error as CliError).exitCode).toBe(130);
    expect(modes).toEqual([true, false]);
  });

  test('two answers pasted at once reach the two prompts', async () => {
    const { stdin } = terminal();
    const stderr = output();
    stdin.write('correct horse\r\ncorrect horse\r');
    const ctx: CliContext = { argv: [], env: {}, stdin, stdout: output(), stderr };
    expect(await readNewPassword(ctx, { fromStdin: false, username: 'alice' })).toBe('correct horse');
    expect(stderr.text).toBe('Password: \nPassword (again): \n');
  });

  test('different answers are refused without showing either', async () => {
    const { stdin } = terminal();
    stdin.write('correct horse\rcorrect house\r');
    const ctx: CliContext = { argv: [], env: {}, stdin, stdout: output(), stderr: output() };
    const attempt = readNewPassword(ctx, { fromStdin: false, username: 'alice' });
    await expect(attempt).rejects.toThrow("the two passwords didn't match");
    await expect(attempt).rejects.not.toThrow(/horse|house/);
  });

  test('without a terminal and without --password-stdin there is no way to ask', async () => {
    const ctx: CliContext = {
      argv: [],
      env: {},
      stdin: pipeInput('pw\n'),
      stdout: output(),
      stderr: output(),
    };
    await expect(readNewPassword(ctx, { fromStdin: false, username: 'alice' })).rejects.toThrow(
      /not a terminal.*--password-stdin/,
    );
  });
});
