/**
 * @module Password hashing for the peers that leave it to the application (passport-local,
 * @fastify/session): the same two costs Latchkey runs with, written as such an application would.
 * - `default`: argon2id with Latchkey's default parameters (OWASP Password Storage Cheat Sheet:
 *   m=19 MiB, t=2, p=1), through the same `argon2` package, so S3 compares session work, not hashers.
 * - `fast`: PBKDF2-SHA256 with 1,000 iterations on libuv's pool, as Latchkey's benchmark hasher.
 */
import { pbkdf2, randomBytes, timingSafeEqual } from 'node:crypto';
import { promisify } from 'node:util';
import { hash as argon2Hash, argon2id, verify as argon2Verify } from 'argon2';

const pbkdf2Async = promisify(pbkdf2);
const FAST_ITERATIONS = 1_000;

/** Which hasher a server runs with, from `HASHER` (`default` or `fast`). */
export type HasherChoice = 'default' | 'fast';

/** Hashes and checks passwords; `verify` never throws on a malformed stored hash. */
export interface PeerPasswords {
  hash(password: string): Promise<string>;
  verify(password: string, encoded: string): Promise<boolean>;
}

/** Reads `HASHER` (default `fast`). */
export function hasherFromEnv(): HasherChoice {
  return process.env.HASHER === 'default' ? 'default' : 'fast';
}

const argon2Passwords: PeerPasswords = {
  hash: (password) =>
    argon2Hash(password, { type: argon2id, memoryCost: 19_456, timeCost: 2, parallelism: 1 }),
  verify: (password, encoded) => argon2Verify(encoded, password).catch(() => false),
};

const pbkdf2Passwords: PeerPasswords = {
  async hash(password) {
    const salt = randomBytes(16).toString('base64url');
    const key = await pbkdf2Async(password, salt, FAST_ITERATIONS, 32, 'sha256');
    return `pbkdf2_sha256$${FAST_ITERATIONS}$${salt}$${key.toString('base64')}`;
  },
  async verify(password, encoded) {
    const [algorithm, iterations, salt, expected] = encoded.split('$');
    if (algorithm !== 'pbkdf2_sha256' || salt === undefined || expected === undefined) return false;
    const key = await pbkdf2Async(password, salt, Number(iterations), 32, 'sha256');
    const want = Buffer.from(expected, 'base64');
    return want.length === key.length && timingSafeEqual(want, key);
  },
};

/**
 * The hasher a peer runs with.
 * @example
 * const passwords = peerPasswords(hasherFromEnv());
 */
export function peerPasswords(choice: HasherChoice): PeerPasswords {
  return choice === 'default' ? argon2Passwords : pbkdf2Passwords;
}
