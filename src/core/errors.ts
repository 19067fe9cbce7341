/** @module Typed errors with stable string codes; each keeps its `cause`. */

/**
 * Every `code` a {@link LatchkeyError} can carry. A new code is a change to the public API: add it
 * here (src/core/errors.test.ts checks that each one listed is thrown somewhere). Grouped by origin.
 * @example
 * if (error instanceof LatchkeyError && error.code === 'LATCHKEY_STORE_UNAVAILABLE') return retryLater();
 */
export const LATCHKEY_ERROR_CODES = [
  // Settings, peers and set-up.
  'LATCHKEY_CONFIGURATION',
  'LATCHKEY_PEER_MISSING',
  'LATCHKEY_ADAPTER_MISSING',
  'LATCHKEY_DATABASE_UNSUPPORTED',
  'LATCHKEY_MIGRATION',
  'LATCHKEY_INVALID_ARGUMENT',
  'LATCHKEY_CLI',
  // Signing.
  'LATCHKEY_BAD_SIGNATURE',
  'LATCHKEY_SIGNATURE_EXPIRED',
  // Sessions and the store protocol.
  'LATCHKEY_STORE_CREATE',
  'LATCHKEY_STORE_UPDATE',
  'LATCHKEY_STORE_UNAVAILABLE',
  'LATCHKEY_SESSION_INTERRUPTED',
  'LATCHKEY_KEY_SPACE',
  'LATCHKEY_CLIENT_SIDE_STORE',
  // Requests.
  'LATCHKEY_BAD_REQUEST',
  'LATCHKEY_BODY_TOO_LARGE',
  'LATCHKEY_BODY_CONSUMED',
  // Users, groups and passwords.
  'LATCHKEY_INVALID_USER_FIELD',
  'LATCHKEY_DUPLICATE_USERNAME',
  'LATCHKEY_DUPLICATE_GROUP',
  'LATCHKEY_UNKNOWN_USER',
  'LATCHKEY_UNKNOWN_GROUP',
  'LATCHKEY_HASHER_UNKNOWN',
  'LATCHKEY_HASHER_BAD_SALT',
  'LATCHKEY_HASHER_BAD_PASSWORD',
  'LATCHKEY_HASHER_FAILED',
  // Mail.
  'LATCHKEY_BAD_MESSAGE',
] as const;

/** One of {@link LATCHKEY_ERROR_CODES}: the type of {@link LatchkeyError.code}. */
export type LatchkeyErrorCode = (typeof LATCHKEY_ERROR_CODES)[number];

/** Base class of every error Latchkey throws on purpose. `code` is stable and safe to log. */
export class LatchkeyError extends Error {
  readonly code: LatchkeyErrorCode;
  constructor(code: LatchkeyErrorCode, message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = new.target.name;
    this.code = code;
  }
}

/** One or more settings are invalid. `problems` lists each as `NAME: reason`. */
export class ConfigurationError extends LatchkeyError {
  readonly problems: readonly string[];
  constructor(problems: readonly string[]) {
    super('LATCHKEY_CONFIGURATION', `Invalid configuration:\n  - ${problems.join('\n  - ')}`);
    this.problems = problems;
  }
}

/** A signed value failed verification. The message never contains the value or a key. */
export class BadSignatureError extends LatchkeyError {
  constructor(message = 'Signature does not match', options?: { cause?: unknown }) {
    super('LATCHKEY_BAD_SIGNATURE', message, options);
  }
}

/** A signed value was genuine but older than the allowed age. */
export class SignatureExpiredError extends BadSignatureError {
  override readonly code: LatchkeyErrorCode = 'LATCHKEY_SIGNATURE_EXPIRED';
}

/** Store protocol: `create` found the key already taken. The core retries with a fresh key. */
export class CreateError extends LatchkeyError {
  constructor(message = 'Session key already exists') {
    super('LATCHKEY_STORE_CREATE', message);
  }
}

/** Store protocol: `save` found no record to update (it was deleted, e.g. by a concurrent logout). */
export class UpdateError extends LatchkeyError {
  constructor(message = 'Session record no longer exists') {
    super('LATCHKEY_STORE_UPDATE', message);
  }
}

/**
 * The request's session was deleted before the request completed, e.g. by a logout in a
 * concurrent request. The HTTP layer answers it with 400 (Django's `SessionInterrupted`).
 */
export class SessionInterruptedError extends LatchkeyError {
  readonly status = 400;
  constructor(options?: { cause?: unknown }) {
    super(
      'LATCHKEY_SESSION_INTERRUPTED',
      "The request's session was deleted before the request completed. The user may have logged out in a concurrent request, for example.",
      options,
    );
  }
}

/** A store or database could not answer. Fail closed: the HTTP layer answers 503 (INVARIANTS 10). */
export class StoreUnavailableError extends LatchkeyError {
  readonly status = 503;
  constructor(message: string, options?: { cause?: unknown }) {
    super('LATCHKEY_STORE_UNAVAILABLE', message, options);
  }
}

/**
 * Runs one store call and turns any failure into a {@link StoreUnavailableError} naming what could
 * not be done (fail closed, INVARIANTS 10), the original error kept as its `cause`.
 * @example
 * await failClosed('Token store unavailable: could not revoke a token', () => db.deleteFrom(...).execute());
 */
export async function failClosed<T>(message: string, run: () => Promise<T>): Promise<T> {
  try {
    return await run();
  } catch (error) {
    throw new StoreUnavailableError(message, { cause: error });
  }
}
