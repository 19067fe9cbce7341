/**
 * @module What the sessions page shows of each session — device, IP, created, last seen — kept in
 * the session's own data, so every store has it without a schema of its own.
 */

/** Session data key of the metadata. */
export const SESSION_META_KEY = '_latchkey_meta';
/** "Last seen" is refreshed at most this often, so a busy session is not rewritten on every request. */
export const LAST_SEEN_INTERVAL_MS = 60_000;
const MAX_USER_AGENT = 256;

/** The metadata of one session. */
export interface SessionMeta {
  /** User agent at login, truncated. */
  readonly ua: string | null;
  readonly ip: string | null;
  /** Login time, ms since the epoch. */
  readonly created: number;
  /** Last request seen, ms since the epoch (to {@link LAST_SEEN_INTERVAL_MS}). */
  readonly seen: number;
}

/** Metadata for a session logged in now. */
export function newSessionMeta(
  origin: { ip: string | null; userAgent: string | null },
  now: number,
): SessionMeta {
  return { ua: origin.userAgent?.slice(0, MAX_USER_AGENT) ?? null, ip: origin.ip, created: now, seen: now };
}

/** Reads metadata from session data; `null` when absent or malformed. */
export function readSessionMeta(data: Readonly<Record<string, unknown>>): SessionMeta | null {
  const meta = data[SESSION_META_KEY];
  if (meta === null || typeof meta !== 'object') return null;
  const { ua, ip, created, seen } = meta as Record<string, unknown>;
  if (typeof created !== 'number' || typeof seen !== 'number') return null;
  return {
    ua: typeof ua === 'string' ? ua : null,
    ip: typeof ip === 'string' ? ip : null,
    created,
    seen,
  };
}
