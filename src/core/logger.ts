/**
 * @module Structured logging through one small interface, so apps can plug in pino, winston or
 * their own. Events are stable dotted names; fields never carry secrets (INVARIANTS 9).
 */

/** Severity of a log event. */
export type LogLevel = 'debug' | 'info' | 'warn' | 'error';

/** Receives Latchkey's log events. `security.*` events are the ones to alert on. */
export interface Logger {
  log(level: LogLevel, event: string, fields?: Readonly<Record<string, unknown>>): void;
}

/**
 * Writes `warn` and `error` events to standard error as one JSON line each.
 * @example
 * consoleLogger.log('warn', 'security.session_corrupted', { store: 'sqlite' });
 */
export const consoleLogger: Logger = {
  log(level, event, fields) {
    if (level === 'warn' || level === 'error') {
      process.stderr.write(
        `${JSON.stringify({ time: new Date().toISOString(), level, event, ...fields })}\n`,
      );
    }
  },
};

/** Discards everything. */
export const silentLogger: Logger = { log() {} };

/** A logger that keeps every event in memory, for tests that assert on logs. */
export interface MemoryLogger extends Logger {
  readonly events: { level: LogLevel; event: string; fields: Readonly<Record<string, unknown>> }[];
}

/** Creates a {@link MemoryLogger}. */
export function createMemoryLogger(): MemoryLogger {
  const events: MemoryLogger['events'] = [];
  return {
    events,
    log(level, event, fields = {}) {
      events.push({ level, event, fields });
    },
  };
}
