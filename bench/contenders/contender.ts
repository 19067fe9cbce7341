/**
 * @module What the orchestrator knows of a contender: the server to start, how a browser logs in and
 * out of it, the request sequence of one S3 cycle, and what the stack does on each request (printed
 * in the report, so no reader has to guess what was compared). One file per stack implements it.
 */
import type autocannon from 'autocannon';
import type { CookieJar } from '../lib/cookie-jar.js';

/** The web framework a contender's server runs on; S0 is measured once per framework. */
export type Framework = 'hono' | 'express' | 'fastify';

/** A request sequence and the statuses a correct server answers it with. */
export interface Sequence {
  readonly requests: autocannon.Request[];
  readonly expectStatus: readonly number[];
}

/** One stack under test. */
export interface Contender {
  /** e.g. `latchkey-redis`, `express-passport-redis`. */
  readonly name: string;
  readonly isLatchkey: boolean;
  readonly framework: Framework;
  /** The server file, relative to the repository root. */
  readonly script: string;
  /** Its environment, except PORT, DATA_DIR, SECRET_KEY, HASHER and REDIS_URL, which the run sets. */
  readonly env: Readonly<Record<string, string>>;
  readonly needsRedis: boolean;
  /** Whether `--quick` runs it too (a full run runs every contender). */
  readonly inQuick: boolean;
  /** What an authenticated request costs this stack, and what its login checks (for the report). */
  readonly does: string;
  /**
   * Starts what the contender needs beyond the run's Redis (a Redis Cluster), before its server
   * starts and may set `env`; returns how to stop it.
   */
  start?(): Promise<() => Promise<void>>;
  /** Why it cannot run in this checkout or on this machine, or `null`. */
  unavailable(): string | null | Promise<string | null>;
  /** Logs the benchmark user in on `jar` (throws when the server does not answer as it should). */
  login(origin: string, jar: CookieJar): Promise<void>;
  /** Logs the browser holding `jar` out. */
  logout(origin: string, jar: CookieJar): Promise<void>;
  /** One S3 cycle: GET the login page, log in, log out, with whatever CSRF proof the stack asks for. */
  cycle(origin: string): Sequence;
  /** A login request that can be sent again and again (S5), prepared with the CSRF state it needs. */
  repeatableLogin(origin: string): Promise<Sequence>;
}
