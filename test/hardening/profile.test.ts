import { existsSync } from 'node:fs';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { loadConfig } from '../../app/config.js';
import { ConfigurationError } from '../../src/core/errors.js';
import { defineSettings, SECRET_KEY_RULE, type Settings, settingsFromEnv } from '../../src/core/settings.js';
import { type Certificate, hasOpenssl, selfSignedCertificate } from '../browser/support/certificate.js';
import { TEST_SECRET } from '../support/app.js';
import { type Browser, csrfFieldOf } from '../support/browser.js';
import { startHarness } from './harness.js';

/** The problems of the ConfigurationError `build` throws; fails the test when it does not throw. */
function problemsOf(build: () => unknown): readonly string[] {
  try {
    build();
  } catch (error) {
    expect(error).toBeInstanceOf(ConfigurationError);
    return (error as ConfigurationError).problems;
  }
  throw new Error('expected a ConfigurationError');
}

const production = (overrides: Partial<Settings> = {}): Settings =>
  defineSettings({
    PROFILE: 'production',
    SECRET_KEY: TEST_SECRET,
    ALLOWED_HOSTS: ['app.test'],
    ...overrides,
  });

describe('PROFILE=production', () => {
  test('switches to __Host- cookie names, Secure and SameSite=Lax', () => {
    expect(production()).toMatchObject({
      SESSION_COOKIE_NAME: '__Host-sessionid',
      SESSION_COOKIE_SECURE: true,
      SESSION_COOKIE_SAMESITE: 'Lax',
      SESSION_COOKIE_HTTPONLY: true,
      CSRF_COOKIE_NAME: '__Host-csrftoken',
      CSRF_COOKIE_SECURE: true,
      CSRF_COOKIE_SAMESITE: 'Lax',
    });
    // The development profile keeps Django's names.
    expect(defineSettings({ SECRET_KEY: TEST_SECRET, ALLOWED_HOSTS: ['app.test'] }).SESSION_COOKIE_NAME).toBe(
      'sessionid',
    );
  });

  test('refuses what contradicts it, each with one clear line', () => {
    expect(problemsOf(() => production({ DEBUG: true }))).toEqual([
      'DEBUG: must be false with PROFILE=production',
    ]);
    expect(problemsOf(() => production({ SESSION_COOKIE_SECURE: false }))).toEqual([
      'SESSION_COOKIE_SECURE: must be true with PROFILE=production (cookies only over HTTPS)',
    ]);
    expect(problemsOf(() => production({ CSRF_COOKIE_SAMESITE: 'None' }))).toEqual([
      'CSRF_COOKIE_SAMESITE: must be Lax or Strict with PROFILE=production',
    ]);
    expect(problemsOf(() => production({ SESSION_COOKIE_SAMESITE: false }))).toEqual([
      'SESSION_COOKIE_SAMESITE: must be Lax or Strict with PROFILE=production',
    ]);
    expect(problemsOf(() => production({ SESSION_COOKIE_DOMAIN: 'example.com' }))).toEqual([
      'SESSION_COOKIE_DOMAIN: a __Host- cookie must not set a Domain (name it __Secure-… in SESSION_COOKIE_NAME to share it with subdomains)',
    ]);
    expect(problemsOf(() => production({ SECRET_KEY: '' }))).toEqual([
      `SECRET_KEY: not set. ${SECRET_KEY_RULE}`,
    ]);
  });

  test('accepts what is stricter or explicitly compatible', () => {
    expect(production({ SESSION_COOKIE_SAMESITE: 'Strict' }).SESSION_COOKIE_SAMESITE).toBe('Strict');
    const shared = production({
      SESSION_COOKIE_NAME: '__Secure-sessionid',
      SESSION_COOKIE_DOMAIN: 'example.com',
    });
    expect(shared.SESSION_COOKIE_DOMAIN).toBe('example.com');
  });

  test('comes from LATCHKEY_PROFILE; a bad value names that variable', () => {
    const env = { LATCHKEY_PROFILE: 'Production', SECRET_KEY: TEST_SECRET, ALLOWED_HOSTS: 'app.test' };
    expect(settingsFromEnv(env).CSRF_COOKIE_NAME).toBe('__Host-csrftoken');
    expect(problemsOf(() => settingsFromEnv({ ...env, LATCHKEY_PROFILE: 'staging' }))).toEqual([
      'LATCHKEY_PROFILE: expected development or production, got "staging"',
    ]);
    // The bare name is not read: PROFILE is too generic a variable to trust.
    expect(
      settingsFromEnv({ PROFILE: 'production', SECRET_KEY: TEST_SECRET, ALLOWED_HOSTS: 'app.test' }).PROFILE,
    ).toBe('development');
  });
});

describe('hardening settings', () => {
  test('are read from the environment with clear problems for bad values', () => {
    const s = settingsFromEnv({
      SECRET_KEY: TEST_SECRET,
      ALLOWED_HOSTS: 'app.test',
      SESSION_IDLE_TIMEOUT: '900',
      SESSION_ABSOLUTE_TIMEOUT: '0',
      TRUSTED_PROXIES: '10.0.0.0/8, ::1',
      LOGIN_THROTTLE_FREE_ATTEMPTS: '3',
      LOGIN_THROTTLE_ENABLED: 'yes',
    });
    expect(s).toMatchObject({
      SESSION_IDLE_TIMEOUT: 900,
      SESSION_ABSOLUTE_TIMEOUT: 0,
      TRUSTED_PROXIES: ['10.0.0.0/8', '::1'],
      LOGIN_THROTTLE_FREE_ATTEMPTS: 3,
      LOGIN_THROTTLE_ENABLED: true,
    });
    expect(
      problemsOf(() =>
        settingsFromEnv({
          SECRET_KEY: TEST_SECRET,
          ALLOWED_HOSTS: 'app.test',
          SESSION_IDLE_TIMEOUT: 'soon',
          TRUSTED_PROXIES: '10.0.0.0/8,proxy.internal',
          LOGIN_THROTTLE_FREE_ATTEMPTS: '0',
        }),
      ),
    ).toEqual([
      'SESSION_IDLE_TIMEOUT: expected a whole number of seconds, 0 for off, got "soon"',
      'LOGIN_THROTTLE_FREE_ATTEMPTS: expected a positive whole number, got 0',
      'TRUSTED_PROXIES: "proxy.internal" is not an IP address or CIDR range',
    ]);
  });

  test('contradictory timeouts and throttle limits are refused', () => {
    const base = { SECRET_KEY: TEST_SECRET, ALLOWED_HOSTS: ['app.test'] };
    expect(
      problemsOf(() =>
        defineSettings({ ...base, SESSION_IDLE_TIMEOUT: 3600, SESSION_ABSOLUTE_TIMEOUT: 3600 }),
      ),
    ).toEqual([
      'SESSION_IDLE_TIMEOUT: must be shorter than SESSION_ABSOLUTE_TIMEOUT (the absolute cap would always end the session first)',
    ]);
    expect(
      problemsOf(() =>
        defineSettings({
          ...base,
          LOGIN_THROTTLE_BASE_DELAY: 60,
          LOGIN_THROTTLE_MAX_DELAY: 30,
          LOGIN_THROTTLE_WINDOW: 30,
        }),
      ),
    ).toEqual(['LOGIN_THROTTLE_MAX_DELAY: must be at least LOGIN_THROTTLE_BASE_DELAY']);
    expect(problemsOf(() => defineSettings({ ...base, LOGIN_THROTTLE_WINDOW: 60 }))).toEqual([
      'LOGIN_THROTTLE_WINDOW: must be at least LOGIN_THROTTLE_MAX_DELAY (failures would be forgotten before the delay ends)',
    ]);
    expect(problemsOf(() => defineSettings({ ...base, LOGIN_THROTTLE_ACCOUNT_FREE_ATTEMPTS: 3 }))).toEqual([
      'LOGIN_THROTTLE_ACCOUNT_FREE_ATTEMPTS: must be at least LOGIN_THROTTLE_FREE_ATTEMPTS',
    ]);
  });
});

describe('loadConfig: HTTPS and production', () => {
  let dir: string;
  let cert: Certificate | null = null;
  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), 'latchkey-config-'));
    if (hasOpenssl()) cert = await selfSignedCertificate();
  });
  afterAll(async () => {
    await rm(dir, { recursive: true, force: true });
    await cert?.remove();
  });
  const env = (extra: Record<string, string>): Record<string, string> => ({
    SECRET_KEY: TEST_SECRET,
    ...extra,
  });

  test('production refuses plain HTTP unless ALLOW_INSECURE_HTTP says a TLS proxy is in front', () => {
    expect(problemsOf(() => loadConfig(env({ LATCHKEY_PROFILE: 'production' }), { dataDir: dir }))).toEqual([
      'LATCHKEY_PROFILE: production refuses to serve plain HTTP: set TLS_CERT_FILE and TLS_KEY_FILE, or ALLOW_INSECURE_HTTP=true when a TLS-terminating proxy forwards to this app',
    ]);
    const behindProxy = loadConfig(env({ LATCHKEY_PROFILE: 'production', ALLOW_INSECURE_HTTP: 'true' }), {
      dataDir: dir,
    });
    expect(behindProxy.allowInsecureHttp).toBe(true);
    expect(behindProxy.tls).toBeNull();
    expect(loadConfig(env({}), { dataDir: dir }).tls).toBeNull();
  });

  test('production never generates a SECRET_KEY', async () => {
    const empty = await mkdtemp(join(tmpdir(), 'latchkey-config-'));
    try {
      const problems = problemsOf(() =>
        loadConfig({ LATCHKEY_PROFILE: 'production', ALLOW_INSECURE_HTTP: '1' }, { dataDir: empty }),
      );
      expect(problems).toEqual([`SECRET_KEY: not set. ${SECRET_KEY_RULE}`]);
      expect(existsSync(join(empty, 'secret_key'))).toBe(false);
    } finally {
      await rm(empty, { recursive: true, force: true });
    }
  });

  test('TLS_CERT_FILE and TLS_KEY_FILE: both or neither, readable, a matching pair', async (context) => {
    if (cert === null) return context.skip('openssl is not installed');
    const { certFile, keyFile } = cert;
    const config = loadConfig(
      env({ TLS_CERT_FILE: certFile, TLS_KEY_FILE: keyFile, LATCHKEY_PROFILE: 'production' }),
      {
        dataDir: dir,
      },
    );
    expect(config.tls?.cert.toString()).toContain('BEGIN CERTIFICATE');
    expect(problemsOf(() => loadConfig(env({ TLS_CERT_FILE: certFile }), { dataDir: dir }))).toEqual([
      'TLS_KEY_FILE: must be set together with TLS_CERT_FILE',
    ]);
    expect(
      problemsOf(() =>
        loadConfig(env({ TLS_CERT_FILE: certFile, TLS_KEY_FILE: join(dir, 'nope.pem') }), { dataDir: dir }),
      ),
    ).toEqual([`TLS_KEY_FILE: cannot read ${JSON.stringify(join(dir, 'nope.pem'))} (ENOENT)`]);
    const other = await selfSignedCertificate();
    try {
      expect(
        problemsOf(() =>
          loadConfig(env({ TLS_CERT_FILE: certFile, TLS_KEY_FILE: other.keyFile }), { dataDir: dir }),
        ),
      ).toEqual(['TLS_KEY_FILE: is not the PEM private key of the certificate in TLS_CERT_FILE']);
    } finally {
      await other.remove();
    }
    const garbage = join(dir, 'garbage.pem');
    await writeFile(garbage, 'not a key');
    expect(
      problemsOf(() => loadConfig(env({ TLS_CERT_FILE: certFile, TLS_KEY_FILE: garbage }), { dataDir: dir })),
    ).toEqual(['TLS_KEY_FILE: is not the PEM private key of the certificate in TLS_CERT_FILE']);
    expect(
      problemsOf(() =>
        loadConfig(env({ TLS_CERT_FILE: certFile, TLS_KEY_FILE: keyFile, ALLOW_INSECURE_HTTP: 'true' }), {
          dataDir: dir,
        }),
      ),
    ).toEqual(['ALLOW_INSECURE_HTTP: contradicts TLS_CERT_FILE (this app serves HTTPS itself); unset one']);
    expect(problemsOf(() => loadConfig(env({ ALLOW_INSECURE_HTTP: 'maybe' }), { dataDir: dir }))).toEqual([
      'ALLOW_INSECURE_HTTP: expected true or false, got "maybe"',
    ]);
  });
});

describe('the production profile through the HTTP app', () => {
  /** Submits a form the way a browser on https://localhost does (with its Origin). */
  async function submit(
    browser: Browser,
    page: string,
    action: string,
    form: Record<string, string>,
  ): Promise<Response> {
    const token = csrfFieldOf(await (await browser.get(page)).text()) as string;
    return browser.post(action, {
      form: { csrfmiddlewaretoken: token, ...form },
      headers: { origin: 'https://localhost' },
    });
  }

  test('__Host- cookies, Secure, SameSite=Lax, no Domain; logout deletes them with the same attributes', async () => {
    const h = await startHarness({ settings: { PROFILE: 'production' } });
    try {
      await h.createUser('alice', 'correct horse battery');
      const browser = h.browser({ origin: 'https://localhost' });
      const login = await submit(browser, '/accounts/login/', '/accounts/login/', {
        username: 'alice',
        password: 'correct horse battery',
      });
      expect(login.status).toBe(302);
      const session = browser.cookies.get('__Host-sessionid');
      const csrf = browser.cookies.get('__Host-csrftoken');
      expect(browser.cookie('sessionid')).toBeNull();
      for (const cookie of [session, csrf]) {
        expect(cookie?.attributes).toMatch(/\bSecure\b/);
        expect(cookie?.attributes).toMatch(/\bPath=\/(;|$)/);
        expect(cookie?.attributes).toMatch(/\bSameSite=Lax\b/);
        expect(cookie?.attributes).not.toMatch(/Domain=/i);
      }
      expect(session?.attributes).toMatch(/\bHttpOnly\b/);
      expect((await browser.get('/dashboard/')).status).toBe(200);
      const logout = await submit(browser, '/accounts/logout/', '/accounts/logout/', {});
      const deletion = logout.headers.getSetCookie().find((c) => c.startsWith('__Host-sessionid='));
      expect(deletion).toMatch(/Max-Age=0/);
      expect(deletion).toMatch(/\bSecure\b/);
      expect(deletion).toMatch(/\bPath=\//);
      expect(browser.cookie('__Host-sessionid')).toBeNull();
      const messages = logout.headers.getSetCookie().find((c) => c.startsWith('messages='));
      expect(messages).toMatch(/\bSecure\b/);
    } finally {
      await h.close();
    }
  });
});
