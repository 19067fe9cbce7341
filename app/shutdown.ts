/**
 * @module Graceful shutdown of the reference app on SIGTERM or SIGINT: stop accepting connections,
 * let requests already in flight finish (so a login or logout is never cut off half-written), close
 * the store, then exit 0. A second signal, or requests still running after the grace period, end
 * the process at once with status 1.
 */
import type { Server } from 'node:http';

/** Options of {@link closeOnSignals}. */
export interface ShutdownOptions {
  /** Closes the store and database connections once no request is running. */
  readonly close: () => Promise<void>;
  /** Milliseconds in-flight requests get before their connections are cut (default 10 s). */
  readonly graceMs?: number;
  /** Where progress is reported (standard error). */
  readonly log: (line: string) => void;
}

/** What shutdown needs of a server; Node's HTTP and HTTPS servers have all of it. */
export interface ClosableServer {
  close(callback: () => void): unknown;
  closeIdleConnections?: Server['closeIdleConnections'];
  closeAllConnections?: Server['closeAllConnections'];
}

/**
 * Installs SIGTERM and SIGINT handlers that shut `server` down gracefully, the way process managers
 * (systemd, Docker, Kubernetes) expect: they send SIGTERM and wait for the process to exit.
 * @example
 * closeOnSignals(server, { close: () => runtime.close(), log: (line) => process.stderr.write(line) });
 */
export function closeOnSignals(server: ClosableServer, options: ShutdownOptions): void {
  let stopping = false;
  const stop = (signal: NodeJS.Signals): void => {
    if (stopping) {
      options.log(`latchkey: ${signal} again; exiting without waiting\n`);
      process.exit(1);
    }
    stopping = true;
    options.log(`latchkey: ${signal}: finishing requests in flight, then closing\n`);
    const deadline = setTimeout(() => {
      options.log('latchkey: requests still running after the grace period; closing their connections\n');
      server.closeAllConnections?.();
      process.exitCode = 1;
    }, options.graceMs ?? 10_000);
    deadline.unref();
    // close() stops listening at once and calls back when the last connection has ended; Node
    // (≥ 19) also closes idle keep-alive connections then, and the rest as their responses finish.
    server.close(() => {
      clearTimeout(deadline);
      options.close().then(
        () => process.exit(process.exitCode ?? 0),
        (error: unknown) => {
          options.log(
            `latchkey: closing the store failed: ${error instanceof Error ? error.message : String(error)}\n`,
          );
          process.exit(1);
        },
      );
    });
    server.closeIdleConnections?.();
  };
  process.on('SIGTERM', stop);
  process.on('SIGINT', stop);
}
