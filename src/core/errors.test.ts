import { readdirSync, readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { describe, expect, expectTypeOf, test } from 'vitest';
import type { PasswordHashingError, PasswordHashingErrorCode } from '../auth/hashers/hasher.js';
import { BadRequestError } from '../http/bad-request.js';
import {
  ConfigurationError,
  LATCHKEY_ERROR_CODES,
  LatchkeyError,
  type LatchkeyErrorCode,
  SignatureExpiredError,
} from './errors.js';

const SRC = resolve(import.meta.dirname, '..');

/** Every non-test source file under src/. */
function sourceFiles(): string[] {
  return readdirSync(SRC, { recursive: true, encoding: 'utf8' })
    .filter((name) => /\.tsx?$/.test(name) && !/\.test\.tsx?$/.test(name))
    .map((name) => join(SRC, name));
}

/** A `switch` a user writes: each `case` narrows `code`, so what is left in `default` is known. */
function isRetryable(error: LatchkeyError): boolean {
  const { code } = error;
  switch (code) {
    case 'LATCHKEY_STORE_UNAVAILABLE':
    case 'LATCHKEY_SESSION_INTERRUPTED':
      return true;
    default:
      expectTypeOf(code).toEqualTypeOf<
        Exclude<LatchkeyErrorCode, 'LATCHKEY_STORE_UNAVAILABLE' | 'LATCHKEY_SESSION_INTERRUPTED'>
      >();
      return false;
  }
}

describe('error codes (issue 15 item 3)', () => {
  test('`code` is the LatchkeyErrorCode union, not string, on the base class and its subclasses', () => {
    expectTypeOf<LatchkeyError['code']>().toEqualTypeOf<LatchkeyErrorCode>();
    expectTypeOf<ConfigurationError['code']>().toEqualTypeOf<LatchkeyErrorCode>();
    expectTypeOf<BadRequestError['code']>().toEqualTypeOf<LatchkeyErrorCode>();
    expectTypeOf<PasswordHashingError['code']>().toEqualTypeOf<PasswordHashingErrorCode>();
    expectTypeOf<string>().not.toExtend<LatchkeyErrorCode>();
    // @ts-expect-error a code outside the union does not compile
    expect(new LatchkeyError('LATCHKEY_NOT_A_CODE', 'x').code).toBe('LATCHKEY_NOT_A_CODE');
  });

  test('the errors carry the codes they document', () => {
    expect(new ConfigurationError(['SECRET_KEY: too short']).code).toBe('LATCHKEY_CONFIGURATION');
    expect(new SignatureExpiredError().code).toBe('LATCHKEY_SIGNATURE_EXPIRED');
    expect(new BadRequestError(413, 'too large').code).toBe('LATCHKEY_BODY_TOO_LARGE');
    expect(isRetryable(new SignatureExpiredError())).toBe(false);
  });

  test('every listed code is thrown somewhere in src/, and every LATCHKEY_ code in src/ is listed', () => {
    const text = sourceFiles()
      .filter((file) => !file.endsWith(join('core', 'errors.ts')))
      .map((file) => readFileSync(file, 'utf8'))
      .join('\n');
    const used = new Set([...text.matchAll(/'(LATCHKEY_[A-Z_]+)'/g)].map((match) => match[1]));
    used.delete('LATCHKEY_PROFILE'); // an environment variable, not an error code
    const listed = new Set<string>(LATCHKEY_ERROR_CODES);
    expect([...used].filter((code) => !listed.has(code as string))).toEqual([]);
    // Codes thrown from core/errors.ts itself are found in the class bodies there.
    const own = readFileSync(join(SRC, 'core', 'errors.ts'), 'utf8').split('] as const;')[1] ?? '';
    const thrown = new Set([...used, ...[...own.matchAll(/'(LATCHKEY_[A-Z_]+)'/g)].map((match) => match[1])]);
    expect(LATCHKEY_ERROR_CODES.filter((code) => !thrown.has(code))).toEqual([]);
  });
});
