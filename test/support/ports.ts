/** @module TCP ports for tests: bound by the kernel on 127.0.0.1, then released. */
import { connect, createServer } from 'node:net';

/**
 * A port on 127.0.0.1 that nothing listens on at the moment: for a server a test starts, or to point
 * a client at a closed port.
 * @example
 * const port = await freePort();
 */
export function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const probe = createServer();
    probe.once('error', reject);
    probe.listen(0, '127.0.0.1', () => {
      const address = probe.address();
      const port = typeof address === 'object' && address !== null ? address.port : 0;
      probe.close(() => resolve(port));
    });
  });
}

/**
 * Whether something accepts TCP connections on 127.0.0.1:`port` right now.
 * @example
 * expect(await isListening(port)).toBe(false);
 */
export function isListening(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const socket = connect({ host: '127.0.0.1', port });
    socket.once('connect', () => {
      socket.destroy();
      resolve(true);
    });
    socket.once('error', () => resolve(false));
  });
}
