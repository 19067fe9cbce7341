/**
 * @module A throw-away self-signed certificate for HTTPS browser tests, made by the `openssl`
 * command (node:crypto makes keys but not X.509 certificates). Valid for one day, for localhost
 * and 127.0.0.1, on a P-256 key.
 */
import { execFile, spawnSync } from 'node:child_process';
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { get as httpsGet } from 'node:https';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';

/** Files of a generated certificate; `remove()` deletes them. */
export interface Certificate {
  readonly certFile: string;
  readonly keyFile: string;
  /** The certificate in PEM, to trust it in a node:https client. */
  readonly certPem: string;
  remove(): Promise<void>;
}

/**
 * Whether the `openssl` command can be run here.
 * @example
 * if (!hasOpenssl()) console.warn('no openssl');
 */
export function hasOpenssl(): boolean {
  const probe = spawnSync('openssl', ['version'], { stdio: 'ignore' });
  return probe.error === undefined && probe.status === 0;
}

/**
 * Generates a self-signed certificate for CN=localhost with subjectAltName localhost and
 * 127.0.0.1 (browsers read only the SAN, RFC 6125 section 6.4.4).
 * @example
 * const cert = await selfSignedCertificate();
 * // TLS_CERT_FILE=cert.certFile TLS_KEY_FILE=cert.keyFile
 * await cert.remove();
 */
export async function selfSignedCertificate(): Promise<Certificate> {
  const dir = await mkdtemp(join(tmpdir(), 'latchkey-tls-'));
  const certFile = join(dir, 'cert.pem');
  const keyFile = join(dir, 'key.pem');
  await promisify(execFile)('openssl', [
    'req',
    '-x509',
    '-newkey',
    'ec',
    '-pkeyopt',
    'ec_paramgen_curve:prime256v1',
    '-nodes',
    '-days',
    '1',
    '-subj',
    '/CN=localhost',
    '-addext',
    'subjectAltName=DNS:localhost,IP:127.0.0.1',
    '-keyout',
    keyFile,
    '-out',
    certFile,
  ]);
  return {
    certFile,
    keyFile,
    certPem: await readFile(certFile, 'utf8'),
    remove: () => rm(dir, { recursive: true, force: true }),
  };
}

/**
 * Whether something answering HTTPS with `certPem` listens on 127.0.0.1:`port` (false when it
 * speaks plain HTTP, or nothing listens).
 * @example
 * if (!(await answersHttps(app.port, cert.certPem))) console.warn('the app serves HTTP only');
 */
export function answersHttps(port: number, certPem: string): Promise<boolean> {
  return new Promise((resolve) => {
    const request = httpsGet(
      { host: '127.0.0.1', port, path: '/', ca: certPem, servername: 'localhost', timeout: 5_000 },
      (response) => {
        response.resume();
        resolve(true);
      },
    );
    request.on('timeout', () => request.destroy());
    request.on('error', () => resolve(false));
  });
}
