/**
 * @module Minimal password rules for new passwords (a subset of Django's
 * `AUTH_PASSWORD_VALIDATORS`): not empty, at least 8 characters, not the username.
 */
import { normalizeUsername } from './normalize.js';

/** Django's `MinimumLengthValidator` default (also NIST SP 800-63B section 3.1.1.2's minimum). */
export const MIN_PASSWORD_LENGTH = 8;

/** Options of {@link passwordProblems}. */
export interface PasswordRuleOptions {
  /** The account's username: a password equal to it (ignoring case) is refused. */
  readonly username?: string;
  /** The shortest password accepted, in characters. */
  readonly minLength?: number;
}

/**
 * Every rule `password` breaks, as sentences naming the rule; empty when it passes. The
 * messages never repeat the password.
 * @example
 * passwordProblems('alice', { username: 'alice' });
 * // ['This password is too short. It must contain at least 8 characters.', 'The password is the same as the username.']
 */
export function passwordProblems(password: string, options: PasswordRuleOptions = {}): string[] {
  if (password === '') return ['The password must not be empty.'];
  const problems: string[] = [];
  const minLength = options.minLength ?? MIN_PASSWORD_LENGTH;
  // Code points, as Django's len() counts them, so "é" made of one or two units counts once.
  if ([...password].length < minLength) {
    problems.push(`This password is too short. It must contain at least ${minLength} characters.`);
  }
  const username = options.username;
  if (username !== undefined && username !== '') {
    const fold = (text: string): string => normalizeUsername(text).toLowerCase();
    // Django's UserAttributeSimilarityValidator refuses similar passwords; equality is the floor.
    if (fold(password) === fold(username)) problems.push('The password is the same as the username.');
  }
  return problems;
}
