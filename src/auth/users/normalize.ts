/**
 * @module Username and email normalisation and validation (Django's
 * `AbstractBaseUser.normalize_username`, `UnicodeUsernameValidator` and
 * `BaseUserManager.normalize_email`).
 */

/** The longest username, in code points (Django's `AbstractUser.username` max_length). */
export const USERNAME_MAX_LENGTH = 150;

/** The longest email address (RFC 5321 section 4.5.3.1.3 limits a path to 256 octets with brackets). */
export const EMAIL_MAX_LENGTH = 254;

// Django's UnicodeUsernameValidator is `^[\w.@+-]+\Z`; Python's `\w` on str is letters (L*),
// numbers (N*) and the underscore, so this refuses spaces, NUL, control and format characters.
const USERNAME_PATTERN = /^[\p{L}\p{N}_.@+-]+$/u;

/** Django's message, so a form that shows it reads like Django's admin. */
export const USERNAME_RULE =
  'Enter a valid username. This value may contain only letters, numbers, and @/./+/-/_ characters.';

/**
 * NFKC-normalises a username, so visually identical names (the `ﬁ` ligature and `fi`, fullwidth
 * `ａ` and `a`) are one account. Apply it when creating AND when looking up: normalising at
 * creation only lets a lookup of the other spelling miss the account.
 * @example
 * normalizeUsername('ﬁona'); // 'fiona'
 */
export function normalizeUsername(username: string): string {
  return username.normalize('NFKC');
}

/**
 * Why `username` (already normalised) is not acceptable, or `null` when it is.
 * @example
 * usernameProblem('alice smith'); // 'Enter a valid username. …'
 */
export function usernameProblem(username: string): string | null {
  if (username === '') return 'A username is required.';
  const length = [...username].length;
  if (length > USERNAME_MAX_LENGTH) {
    return `Ensure the username has at most ${USERNAME_MAX_LENGTH} characters (it has ${length}).`;
  }
  return USERNAME_PATTERN.test(username) ? null : USERNAME_RULE;
}

/**
 * Normalises and validates a username; `null` when it cannot name an account.
 * @example
 * parseUsername('ａｌｉｃｅ'); // 'alice'
 */
export function parseUsername(username: string): string | null {
  const normalized = normalizeUsername(username);
  return usernameProblem(normalized) === null ? normalized : null;
}

/**
 * Lower-cases the domain part of an email address (Django's `normalize_email`); the local part
 * is left alone because RFC 5321 section 2.4 lets servers treat it case-sensitively.
 * @example
 * normalizeEmail('Alice@Example.COM'); // 'Alice@example.com'
 */
export function normalizeEmail(email: string): string {
  const trimmed = email.trim();
  const at = trimmed.lastIndexOf('@');
  if (at < 0) return trimmed;
  return `${trimmed.slice(0, at)}@${trimmed.slice(at + 1).toLowerCase()}`;
}

/**
 * Why `email` (already normalised) cannot be stored, or `null` when it can. The empty string
 * means "no email", as in Django. This is a sanity check, not full RFC 5322 validation.
 * @example
 * emailProblem('alice'); // 'Enter a valid email address.'
 */
export function emailProblem(email: string): string | null {
  if (email === '') return null;
  if (email.length > EMAIL_MAX_LENGTH) return `Ensure the email has at most ${EMAIL_MAX_LENGTH} characters.`;
  // One @ with something on both sides, no whitespace or control characters.
  return /^[^\s@\p{Cc}]+@[^\s@\p{Cc}]+$/u.test(email) ? null : 'Enter a valid email address.';
}
