/** @module The one injectable source of time: expiry, timeouts, throttling and signing all read it (INVARIANTS 11). */

/** A source of the current time, in milliseconds since the Unix epoch. */
export interface Clock {
  now(): number;
}

/** The real clock. */
export const systemClock: Clock = { now: () => Date.now() };

/** A clock that only moves when told to, so tests never sleep. */
export interface ManualClock extends Clock {
  /** Moves the clock forward by `ms` milliseconds. */
  advance(ms: number): void;
  /** Sets the clock to an absolute time. */
  set(time: number | Date): void;
}

/**
 * Creates a manual clock.
 * @example
 * const clock = createManualClock(new Date('2026-01-01T00:00:00Z'));
 * clock.advance(60_000);
 */
export function createManualClock(start: number | Date = Date.UTC(2026, 0, 1)): ManualClock {
  let current = typeof start === 'number' ? start : start.getTime();
  return {
    now: () => current,
    advance(ms: number): void {
      current += ms;
    },
    set(time: number | Date): void {
      current = typeof time === 'number' ? time : time.getTime();
    },
  };
}
