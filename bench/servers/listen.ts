/**
 * @module How every benchmark server starts and stops: it listens on 127.0.0.1:`PORT`, prints
 * `ready` on standard output once it accepts connections (the orchestrator waits for that line), and
 * closes cleanly on SIGTERM. With `BENCH_CPU_PROFILE=<file>`, SIGUSR2 starts V8's CPU profiler
 * (after the warm-up, so start-up and transpiling stay out of it; it prints `profiling`), and
 * SIGTERM writes the profile before exiting.
 */
import { writeFileSync } from 'node:fs';
import { Session } from 'node:inspector/promises';

/** What `announceReady` needs of a server (node:http's, or @hono/node-server's). */
export interface ClosableServer {
  close(callback?: (error?: Error) => void): unknown;
}

/** Reads a required environment variable; a server started by hand gets a clear message. */
export function requireEnv(name: string): string {
  const value = process.env[name];
  if (value === undefined || value === '') {
    process.stderr.write(`bench server: ${name} is not set\n`);
    process.exit(2);
  }
  return value;
}

/** The port to listen on, from `PORT`. */
export function portFromEnv(): number {
  const port = Number(requireEnv('PORT'));
  if (!Number.isInteger(port) || port < 1 || port > 65535) {
    process.stderr.write('bench server: PORT must be a port number\n');
    process.exit(2);
  }
  return port;
}

/** Starts the profiler on SIGUSR2 when asked to; returns how to write what it recorded. */
function profilerOnSignal(file: string | undefined): () => Promise<void> {
  if (file === undefined || file === '') return async () => {};
  const session = new Session();
  let started = false;
  process.on('SIGUSR2', () => {
    if (started) return;
    started = true;
    session.connect();
    void session
      .post('Profiler.enable')
      .then(() => session.post('Profiler.setSamplingInterval', { interval: 200 }))
      .then(() => session.post('Profiler.start'))
      .then(() => process.stdout.write('profiling\n'));
  });
  return async () => {
    if (!started) return;
    const { profile } = await session.post('Profiler.stop');
    writeFileSync(file, JSON.stringify(profile));
    session.disconnect();
  };
}

/**
 * Prints `ready` now, and closes `server` then runs `cleanup` on SIGTERM or SIGINT.
 * @example
 * const server = app.listen(port, '127.0.0.1', () => announceReady(server, async () => store.close()));
 */
export function announceReady(server: ClosableServer, cleanup: () => Promise<void>): void {
  const writeProfile = profilerOnSignal(process.env.BENCH_CPU_PROFILE);
  const stop = (): void => {
    // Keep-alive connections from the load generator would hold close() open: give it a moment.
    const force = setTimeout(() => process.exit(0), 5_000);
    force.unref();
    void writeProfile()
      .catch((error: unknown) =>
        process.stderr.write(`bench server: profile not written: ${String(error)}\n`),
      )
      .finally(() => {
        server.close(() => {
          void cleanup()
            .catch(() => undefined)
            .finally(() => process.exit(0));
        });
        if ('closeAllConnections' in server && typeof server.closeAllConnections === 'function') {
          server.closeAllConnections();
        }
      });
  };
  process.once('SIGTERM', stop);
  process.once('SIGINT', stop);
  process.stdout.write('ready\n');
}
