/**
 * @module The reference app's configuration, from environment variables (../shared/CONTRACT.md):
 * Latchkey's settings with the app's defaults, plus where to listen, where the data lives, and
 * whether to serve HTTPS (`TLS_CERT_FILE` + `TLS_KEY_FILE`). Without `SECRET_KEY` a key is
 * generated once and kept under `./data/` (refused with `LATCHKEY_PROFILE=production`).
 */
import { randomBytes } from 'node:crypto';
import { chmodSync, existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { createSecureContext } from 'node:tls';
import { type DjangoSettings, djangoSettingsFromEnv } from '../src/django/index.js';
import { ConfigurationError, type Settings, settingsFromEnv } from '../src/index.js';
import { type RedisSettings, redisSettingsFromEnv } from '../src/stores/redis.js';

/** Everything the app needs to start. */
export interface AppConfig {
  readonly settings: Settings;
  readonly databaseUrl: string;
  readonly redisUrl: string;
  /** `REDIS_*`: Cluster, Sentinel, timeouts, key prefix (for the `redis` and `cached_db` engines). */
  readonly redis: RedisSettings;
  readonly host: string;
  readonly port: number;
  /** Set when no `SECRET_KEY` was given and one was generated or read from `./data/`. */
  readonly secretKeyFile: string | null;
  /** The certificate chain and key to serve HTTPS with, or `null` for plain HTTP. */
  readonly tls: { readonly cert: Buffer; readonly key: Buffer } | null;
  /**
   * `ALLOW_INSECURE_HTTP=true`: production may serve plain HTTP because a TLS-terminating proxy
   * (listed in `TRUSTED_PROXIES`, sending `X-Forwarded-Proto`) stands in front.
   */
  readonly allowInsecureHttp: boolean;
  /** Django mode's settings (`DJANGO_DATABASE` and friends, `src/django/settings.ts`). */
  readonly django: DjangoSettings;
}

/** The app's defaults, where they differ from Django's. */
export const appDefaults: Partial<Settings> = {
  LOGIN_REDIRECT_URL: '/dashboard/',
  LOGOUT_REDIRECT_URL: '/accounts/login/',
  ALLOWED_HOSTS: ['localhost', '127.0.0.1'],
};

function storedSecretKey(dataDir: string): string {
  const file = join(dataDir, 'secret_key');
  if (existsSync(file)) return readFileSync(file, 'utf8').trim();
  mkdirSync(dataDir, { recursive: true });
  const key = randomBytes(48).toString('base64url');
  writeFileSync(file, `${key}\n`, { mode: 0o600 });
  chmodSync(file, 0o600);
  return key;
}

function readPem(variable: string, file: string, problems: string[]): Buffer | null {
  try {
    return readFileSync(file);
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code ?? 'unreadable';
    problems.push(`${variable}: cannot read ${JSON.stringify(file)} (${code})`);
    return null;
  }
}

/** `TLS_CERT_FILE` and `TLS_KEY_FILE`: both or neither, readable, and a matching pair. */
function loadTls(
  env: Readonly<Record<string, string | undefined>>,
  problems: string[],
): { cert: Buffer; key: Buffer } | null {
  const certFile = env.TLS_CERT_FILE?.trim() || null;
  const keyFile = env.TLS_KEY_FILE?.trim() || null;
  if (certFile === null && keyFile === null) return null;
  if (certFile === null || keyFile === null) {
    problems.push(
      `${certFile === null ? 'TLS_CERT_FILE' : 'TLS_KEY_FILE'}: must be set together with ${certFile === null ? 'TLS_KEY_FILE' : 'TLS_CERT_FILE'}`,
    );
    return null;
  }
  const cert = readPem('TLS_CERT_FILE', certFile, problems);
  const key = readPem('TLS_KEY_FILE', keyFile, problems);
  if (cert === null || key === null) return null;
  try {
    // Checked now, so a wrong or mismatched file stops start-up with one line, not the first handshake.
    createSecureContext({ cert, key });
  } catch {
    problems.push('TLS_KEY_FILE: is not the PEM private key of the certificate in TLS_CERT_FILE');
    return null;
  }
  return { cert, key };
}

function parseFlag(variable: string, raw: string | undefined, problems: string[]): boolean {
  const text = (raw ?? '').trim().toLowerCase();
  if (['1', 'true', 'yes', 'on'].includes(text)) return true;
  if (!['', '0', 'false', 'no', 'off'].includes(text))
    problems.push(`${variable}: expected true or false, got ${JSON.stringify(raw)}`);
  return false;
}

/**
 * Reads the configuration. Throws one {@link ConfigurationError} naming every bad variable.
 * @example
 * const config = loadConfig(process.env, { dataDir: './data' });
 */
export function loadConfig(
  env: Readonly<Record<string, string | undefined>>,
  options: { dataDir: string },
): AppConfig {
  const problems: string[] = [];
  const port = Number(env.PORT ?? '8000');
  if (!/^\d+$/.test(env.PORT ?? '8000') || port > 65535)
    problems.push(`PORT: expected a port number, got "${env.PORT}"`);
  const host = env.HOST ?? '127.0.0.1';
  if (!/^[A-Za-z0-9.:[\]-]+$/.test(host))
    problems.push(`HOST: expected a host name or address, got "${host}"`);
  const production = env.LATCHKEY_PROFILE?.trim().toLowerCase() === 'production';
  const secretKeyFile = env.SECRET_KEY ? null : join(options.dataDir, 'secret_key');
  let settings: Settings | null = null;
  try {
    // Production never falls back to a generated key: settings then say SECRET_KEY must be set.
    settings = settingsFromEnv(env, {
      ...appDefaults,
      ...(secretKeyFile === null || production ? {} : { SECRET_KEY: storedSecretKey(options.dataDir) }),
    });
  } catch (error) {
    if (!(error instanceof ConfigurationError)) throw error;
    problems.push(...error.problems);
  }
  let redis: RedisSettings | null = null;
  try {
    redis = redisSettingsFromEnv(env);
  } catch (error) {
    if (!(error instanceof ConfigurationError)) throw error;
    problems.push(...error.problems);
  }
  let django: DjangoSettings | null = null;
  try {
    django = djangoSettingsFromEnv(env);
  } catch (error) {
    if (!(error instanceof ConfigurationError)) throw error;
    problems.push(...error.problems);
  }
  if (django?.enabled && !env.SECRET_KEY)
    problems.push(
      'DJANGO_DATABASE: set SECRET_KEY to the Django project’s SECRET_KEY (sessions are signed with it)',
    );
  const tls = loadTls(env, problems);
  const allowInsecureHttp = parseFlag('ALLOW_INSECURE_HTTP', env.ALLOW_INSECURE_HTTP, problems);
  if (allowInsecureHttp && tls !== null)
    problems.push('ALLOW_INSECURE_HTTP: contradicts TLS_CERT_FILE (this app serves HTTPS itself); unset one');
  const tlsRequested = Boolean(env.TLS_CERT_FILE?.trim() || env.TLS_KEY_FILE?.trim());
  // A TLS problem is already reported above; this is for production with no TLS asked for at all.
  if (production && !tlsRequested && !allowInsecureHttp) {
    problems.push(
      'LATCHKEY_PROFILE: production refuses to serve plain HTTP: set TLS_CERT_FILE and TLS_KEY_FILE, or ALLOW_INSECURE_HTTP=true when a TLS-terminating proxy forwards to this app',
    );
  }
  if (problems.length > 0 || settings === null || redis === null || django === null)
    throw new ConfigurationError(problems);
  return {
    settings,
    databaseUrl: env.DATABASE_URL ?? `sqlite:${join(options.dataDir, 'latchkey.sqlite3')}`,
    redisUrl: redis.url,
    redis,
    host,
    port,
    secretKeyFile: production ? null : secretKeyFile,
    tls,
    allowInsecureHttp,
    django,
  };
}
