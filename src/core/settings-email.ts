/**
 * @module The checks of the mail, password reset and password validation settings, each problem
 * naming its setting (a bad value stops start-up with one clear line, CONTRACT "Settings").
 */
import { validatorSpecProblem } from '../auth/users/password-validators.js';
import { addressProblem } from '../mail/address.js';
import type { Settings } from './settings.js';

/**
 * Every problem of the mail and password settings; `valid` says which settings passed their type check.
 * @example
 * emailProblems({ ...defaultSettings, EMAIL_BACKEND: 'file' }, () => true);
 * // ['EMAIL_FILE_PATH: must be set with EMAIL_BACKEND=file']
 */
export function emailProblems(s: Settings, valid: (...names: (keyof Settings)[]) => boolean): string[] {
  const problems: string[] = [];
  if (valid('EMAIL_BACKEND', 'EMAIL_FILE_PATH') && s.EMAIL_BACKEND === 'file' && !s.EMAIL_FILE_PATH)
    problems.push('EMAIL_FILE_PATH: must be set with EMAIL_BACKEND=file');
  if (valid('EMAIL_PORT') && s.EMAIL_PORT > 65535)
    problems.push(`EMAIL_PORT: expected a port number, got ${s.EMAIL_PORT}`);
  if (valid('EMAIL_HOST') && !/^[A-Za-z0-9.:[\]-]+$/.test(s.EMAIL_HOST))
    problems.push(`EMAIL_HOST: expected a host name or address, got ${JSON.stringify(s.EMAIL_HOST)}`);
  if (valid('DEFAULT_FROM_EMAIL') && addressProblem(s.DEFAULT_FROM_EMAIL) !== null)
    problems.push('DEFAULT_FROM_EMAIL: must be one plain address such as webmaster@example.com');
  if (
    valid('EMAIL_HOST_USER', 'EMAIL_HOST_PASSWORD') &&
    s.EMAIL_HOST_PASSWORD !== '' &&
    s.EMAIL_HOST_USER === ''
  )
    problems.push('EMAIL_HOST_USER: must be set when EMAIL_HOST_PASSWORD is');
  if (valid('AUTH_PASSWORD_VALIDATORS')) {
    for (const entry of s.AUTH_PASSWORD_VALIDATORS) {
      const problem = validatorSpecProblem(entry);
      if (problem !== null) problems.push(`AUTH_PASSWORD_VALIDATORS: ${problem}`);
    }
  }
  return problems;
}
