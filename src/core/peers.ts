/**
 * @module Optional peer packages — the argon2 binding, the SQLite, Redis, PostgreSQL and MySQL
 * drivers — are loaded only when a feature needs them, so an app installs only what it uses. One
 * that is missing fails with one line naming the package and the command that installs it.
 */
import { createRequire } from 'node:module';
import { LatchkeyError } from './errors.js';

const require = createRequire(import.meta.url);

/** Whether `error` is Node's "package not found" for `pkg` itself (not for one of its own dependencies). */
function isMissing(error: unknown, pkg: string): boolean {
  const code = (error as NodeJS.ErrnoException | null)?.code;
  if (code !== 'ERR_MODULE_NOT_FOUND' && code !== 'MODULE_NOT_FOUND') return false;
  const message = error instanceof Error ? error.message : '';
  return message.includes(`'${pkg}'`);
}

/**
 * The error for a peer package that is not installed: `<purpose> needs the "<pkg>" package, which
 * is not installed: npm install <pkg>`.
 * @example
 * throw missingPeerError('ioredis', 'SESSION_ENGINE=redis', error);
 */
export function missingPeerError(pkg: string, purpose: string, cause?: unknown): LatchkeyError {
  return new LatchkeyError(
    'LATCHKEY_PEER_MISSING',
    `${purpose} needs the "${pkg}" package, which is not installed: npm install ${pkg}`,
    { cause },
  );
}

/**
 * Imports an optional peer (ESM or CJS) for `purpose`; a missing package becomes
 * {@link missingPeerError}, any other failure (a broken native build) is thrown as it is.
 * @example
 * const { Redis } = await importPeer('ioredis', 'SESSION_ENGINE=redis', () => import('ioredis'));
 */
export async function importPeer<M>(pkg: string, purpose: string, load: () => Promise<M>): Promise<M> {
  try {
    return await load();
  } catch (error) {
    throw isMissing(error, pkg) ? missingPeerError(pkg, purpose, error) : error;
  }
}

/**
 * Loads a CommonJS peer synchronously (for APIs that are synchronous, like opening SQLite); the
 * caller states its shape, since the peer's own types are not a dependency of Latchkey's.
 * @example
 * const SQLite = requirePeer<SqliteConstructor>('better-sqlite3', 'the SQLite database');
 */
export function requirePeer<M>(pkg: string, purpose: string): M {
  try {
    return require(pkg) as M;
  } catch (error) {
    throw isMissing(error, pkg) ? missingPeerError(pkg, purpose, error) : error;
  }
}
