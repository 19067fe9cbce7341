/**
 * @module A TCP proxy on 127.0.0.1 that a test can cut and restore: an outage of a shared database
 * server (PostgreSQL, MariaDB) as the app sees it — open connections reset, new ones refused — without
 * stopping the server other test runs use.
 */
import { connect, createServer, type Server, type Socket } from 'node:net';
import { freePort } from './ports.js';

/** A running proxy to one upstream server. */
export interface TcpProxy {
  /** The port on 127.0.0.1 to point clients at. */
  readonly port: number;
  /** Resets every open connection and stops listening: connections are refused from now on. */
  cut(): Promise<void>;
  /** Listens again on the same port. */
  restore(): Promise<void>;
  close(): Promise<void>;
}

/**
 * Starts a proxy from a free port of 127.0.0.1 to `upstream`.
 * @example
 * const proxy = await startTcpProxy({ host: '127.0.0.1', port: 5432 });
 * await proxy.cut(); // … the app fails closed …
 * await proxy.restore();
 */
export async function startTcpProxy(upstream: { host: string; port: number }): Promise<TcpProxy> {
  const port = await freePort();
  const sockets = new Set<Socket>();
  let server: Server | null = null;

  const track = (socket: Socket): void => {
    sockets.add(socket);
    socket.once('close', () => sockets.delete(socket));
    socket.on('error', () => socket.destroy());
  };

  const listen = (): Promise<void> =>
    new Promise((resolve, reject) => {
      const next = createServer((client) => {
        const server = connect(upstream.port, upstream.host);
        track(client);
        track(server);
        client.pipe(server);
        server.pipe(client);
        client.once('close', () => server.destroy());
        server.once('close', () => client.destroy());
      });
      next.once('error', reject);
      next.listen(port, '127.0.0.1', () => {
        server = next;
        resolve();
      });
    });

  const stop = (): Promise<void> =>
    new Promise((resolve) => {
      const current = server;
      server = null;
      for (const socket of sockets) socket.resetAndDestroy();
      if (current === null) resolve();
      else current.close(() => resolve());
    });

  await listen();
  return { port, cut: stop, restore: listen, close: stop };
}
