/**
 * @module The checks behind `defineSettings`: each setting's kind, then the rules between settings
 * (cookie prefixes, the production profile, timeouts, throttling, trusted proxies), every problem
 * reported at once and each naming its setting.
 */
import { parseCidr } from '../http/client-ip.js';
import type { Settings } from './settings.js';
import { emailProblems } from './settings-email.js';

/** The shortest secret accepted outside development (Django's check `security.W009` asks for 50). */
export const MIN_SECRET_KEY_LENGTH = 50;

/**
 * The one rule about `SECRET_KEY`, worded the same in the library's error, the reference app's
 * warning and the README (issue 15 item 4), with a command that makes a key meeting it.
 */
export const SECRET_KEY_RULE = `SECRET_KEY must be set to at least ${MIN_SECRET_KEY_LENGTH} random characters (only DEBUG=true runs without one); make one with: node -e "console.log(require('node:crypto').randomBytes(48).toString('base64url'))"`;

/** How a setting is typed, checked and read from the environment. */
export type SettingKind =
  | 'boolean'
  | 'string'
  | 'nullableString'
  | 'list'
  | 'seconds'
  | 'positive'
  | 'count'
  | 'sameSite'
  | 'engine'
  | 'profile'
  | 'bytes'
  | 'emailBackend';

/** The kind of every setting; also the list of known names. */
export const settingKinds: { readonly [K in keyof Settings]: SettingKind } = {
  PROFILE: 'profile',
  DEBUG: 'boolean',
  SECRET_KEY: 'string',
  SECRET_KEY_FALLBACKS: 'list',
  ALLOWED_HOSTS: 'list',
  SESSION_ENGINE: 'engine',
  SESSION_COOKIE_NAME: 'string',
  SESSION_COOKIE_AGE: 'seconds',
  SESSION_COOKIE_DOMAIN: 'nullableString',
  SESSION_COOKIE_PATH: 'string',
  SESSION_COOKIE_SECURE: 'boolean',
  SESSION_COOKIE_HTTPONLY: 'boolean',
  SESSION_COOKIE_SAMESITE: 'sameSite',
  SESSION_EXPIRE_AT_BROWSER_CLOSE: 'boolean',
  SESSION_SAVE_EVERY_REQUEST: 'boolean',
  SESSION_IDLE_TIMEOUT: 'count',
  SESSION_ABSOLUTE_TIMEOUT: 'count',
  CSRF_COOKIE_NAME: 'string',
  CSRF_COOKIE_AGE: 'seconds',
  CSRF_COOKIE_DOMAIN: 'nullableString',
  CSRF_COOKIE_PATH: 'string',
  CSRF_COOKIE_SECURE: 'boolean',
  CSRF_COOKIE_HTTPONLY: 'boolean',
  CSRF_COOKIE_SAMESITE: 'sameSite',
  CSRF_HEADER_NAME: 'string',
  CSRF_FIELD_NAME: 'string',
  CSRF_TRUSTED_ORIGINS: 'list',
  LOGIN_URL: 'string',
  LOGIN_REDIRECT_URL: 'string',
  LOGOUT_REDIRECT_URL: 'nullableString',
  LOGOUT_CLEAR_SITE_DATA: 'list',
  DATA_UPLOAD_MAX_MEMORY_SIZE: 'bytes',
  EMAIL_BACKEND: 'emailBackend',
  EMAIL_FILE_PATH: 'nullableString',
  EMAIL_HOST: 'string',
  EMAIL_PORT: 'positive',
  EMAIL_HOST_USER: 'string',
  EMAIL_HOST_PASSWORD: 'string',
  EMAIL_USE_TLS: 'boolean',
  EMAIL_TIMEOUT: 'seconds',
  DEFAULT_FROM_EMAIL: 'string',
  PASSWORD_RESET_TIMEOUT: 'seconds',
  AUTH_PASSWORD_VALIDATORS: 'list',
  LOGIN_BY_EMAIL: 'boolean',
  TRUSTED_PROXIES: 'list',
  LOGIN_THROTTLE_ENABLED: 'boolean',
  LOGIN_THROTTLE_FREE_ATTEMPTS: 'positive',
  LOGIN_THROTTLE_IP_FREE_ATTEMPTS: 'positive',
  LOGIN_THROTTLE_ACCOUNT_FREE_ATTEMPTS: 'positive',
  LOGIN_THROTTLE_BASE_DELAY: 'seconds',
  LOGIN_THROTTLE_MAX_DELAY: 'seconds',
  LOGIN_THROTTLE_WINDOW: 'seconds',
  REMEMBER_ME_AGE: 'seconds',
  REMEMBER_ME_GRACE_SECONDS: 'count',
  REAUTH_MAX_AGE: 'seconds',
};

const engines: readonly Settings['SESSION_ENGINE'][] = [
  'db',
  'redis',
  'cached_db',
  'signed_cookies',
  'memory',
];
const cookieNamePattern = /^[!#$%&'*+\-.^_`|~0-9A-Za-z]+$/;
/** Settings whose values are secrets: a problem with them names the type, never the value (INVARIANTS 9). */
const secretSettings: ReadonlySet<string> = new Set([
  'SECRET_KEY',
  'SECRET_KEY_FALLBACKS',
  'EMAIL_HOST_PASSWORD',
]);
const emailBackends: readonly Settings['EMAIL_BACKEND'][] = ['console', 'file', 'smtp'];

function describe(value: unknown): string {
  return typeof value === 'string' ? JSON.stringify(value) : String(value);
}

function typeOf(value: unknown): string {
  return Array.isArray(value) ? 'a list' : value === null ? 'null' : typeof value;
}

function checkType(name: string, kind: SettingKind, value: unknown): string | null {
  const fail = (expected: string): string =>
    `${name}: expected ${expected}, got ${secretSettings.has(name) ? typeOf(value) : describe(value)}`;
  switch (kind) {
    case 'boolean':
      return typeof value === 'boolean' ? null : fail('true or false');
    case 'string':
      return typeof value === 'string' ? null : fail('a string');
    case 'nullableString':
      return value === null || typeof value === 'string' ? null : fail('a string or null');
    case 'list':
      return Array.isArray(value) && value.every((item) => typeof item === 'string')
        ? null
        : fail('a list of strings');
    case 'seconds':
    case 'positive':
    case 'bytes':
      return typeof value === 'number' && Number.isSafeInteger(value) && value > 0
        ? null
        : fail('a positive whole number');
    case 'count':
      return typeof value === 'number' && Number.isSafeInteger(value) && value >= 0
        ? null
        : fail('a whole number of seconds, 0 for off');
    case 'profile':
      return value === 'development' || value === 'production' ? null : fail('development or production');
    case 'sameSite':
      return value === false || value === 'Lax' || value === 'Strict' || value === 'None'
        ? null
        : fail('Lax, Strict, None or false');
    case 'engine':
      return engines.includes(value as Settings['SESSION_ENGINE']) ? null : fail(engines.join(', '));
    case 'emailBackend':
      return emailBackends.includes(value as Settings['EMAIL_BACKEND'])
        ? null
        : fail(emailBackends.join(', '));
  }
}

/** Whether `name` starts with `prefix`, ignoring case, as browsers compare cookie prefixes. */
function hasPrefix(name: string, prefix: '__Secure-' | '__Host-'): boolean {
  // RFC 6265bis (httpwg/http-extensions#2236): user agents match prefixes case-insensitively,
  // so `__host-id` gets the same treatment as `__Host-id` and must meet the same rules.
  return name.slice(0, prefix.length).toLowerCase() === prefix.toLowerCase();
}

/** Checks one cookie's settings; `valid` says which settings passed their type check. */
function checkCookie(
  prefix: 'SESSION' | 'CSRF',
  s: Settings,
  valid: (...names: (keyof Settings)[]) => boolean,
  problems: string[],
): void {
  const [nameKey, domainKey, pathKey, secureKey, sameSiteKey] = [
    `${prefix}_COOKIE_NAME`,
    `${prefix}_COOKIE_DOMAIN`,
    `${prefix}_COOKIE_PATH`,
    `${prefix}_COOKIE_SECURE`,
    `${prefix}_COOKIE_SAMESITE`,
  ] as const;
  const name = s[nameKey];
  const path = s[pathKey];
  const secure = s[secureKey];
  if (valid(nameKey) && !cookieNamePattern.test(name))
    problems.push(`${nameKey}: ${describe(name)} is not a valid cookie name`);
  if (valid(pathKey) && !path.startsWith('/')) problems.push(`${pathKey}: must start with "/"`);
  if (valid(sameSiteKey, secureKey) && s[sameSiteKey] === 'None' && !secure) {
    // Browsers drop SameSite=None cookies that are not Secure (RFC 6265bis 5.6.7).
    problems.push(`${sameSiteKey}: "None" requires ${secureKey}=true`);
  }
  if (!valid(nameKey)) return;
  // RFC 6265bis 4.1.3: __Secure- needs Secure; __Host- needs Secure, no Domain, and Path=/.
  const host = hasPrefix(name, '__Host-');
  const production = valid('PROFILE') && s.PROFILE === 'production';
  // In production the profile's own check below says it once, naming the profile.
  if ((host || hasPrefix(name, '__Secure-')) && valid(secureKey) && !secure && !production) {
    problems.push(`${nameKey}: a ${host ? '__Host-' : '__Secure-'} cookie requires ${secureKey}=true`);
  }
  // The profile picks __Host- names: say how to share a cookie with subdomains instead.
  const fromProfile = production ? ` (name it __Secure-… in ${nameKey} to share it with subdomains)` : '';
  if (host && valid(domainKey) && s[domainKey] !== null)
    problems.push(`${domainKey}: a __Host- cookie must not set a Domain${fromProfile}`);
  if (host && valid(pathKey) && path !== '/')
    problems.push(`${pathKey}: a __Host- cookie must use the path "/"${fromProfile}`);
}

/** What `PROFILE: 'production'` refuses: anything that would undo what the profile switched on. */
function checkProduction(
  s: Settings,
  valid: (...names: (keyof Settings)[]) => boolean,
  problems: string[],
): void {
  if (!valid('PROFILE') || s.PROFILE !== 'production') return;
  if (valid('DEBUG') && s.DEBUG) problems.push('DEBUG: must be false with PROFILE=production');
  for (const prefix of ['SESSION', 'CSRF'] as const) {
    const secureKey = `${prefix}_COOKIE_SECURE` as const;
    const sameSiteKey = `${prefix}_COOKIE_SAMESITE` as const;
    if (valid(secureKey) && !s[secureKey])
      problems.push(`${secureKey}: must be true with PROFILE=production (cookies only over HTTPS)`);
    // SameSite=Lax is the second CSRF defence (OWASP CSRF Cheat Sheet); None or none at all undoes it.
    if (valid(sameSiteKey) && s[sameSiteKey] !== 'Lax' && s[sameSiteKey] !== 'Strict')
      problems.push(`${sameSiteKey}: must be Lax or Strict with PROFILE=production`);
  }
}

function checkTimeouts(
  s: Settings,
  valid: (...names: (keyof Settings)[]) => boolean,
  problems: string[],
): void {
  if (!valid('SESSION_IDLE_TIMEOUT', 'SESSION_ABSOLUTE_TIMEOUT')) return;
  const { SESSION_IDLE_TIMEOUT: idle, SESSION_ABSOLUTE_TIMEOUT: absolute } = s;
  if (idle > 0 && absolute > 0 && idle >= absolute)
    problems.push(
      'SESSION_IDLE_TIMEOUT: must be shorter than SESSION_ABSOLUTE_TIMEOUT (the absolute cap would always end the session first)',
    );
}

function checkThrottle(
  s: Settings,
  valid: (...names: (keyof Settings)[]) => boolean,
  problems: string[],
): void {
  if (
    valid('LOGIN_THROTTLE_BASE_DELAY', 'LOGIN_THROTTLE_MAX_DELAY') &&
    s.LOGIN_THROTTLE_BASE_DELAY > s.LOGIN_THROTTLE_MAX_DELAY
  )
    problems.push('LOGIN_THROTTLE_MAX_DELAY: must be at least LOGIN_THROTTLE_BASE_DELAY');
  if (
    valid('LOGIN_THROTTLE_MAX_DELAY', 'LOGIN_THROTTLE_WINDOW') &&
    s.LOGIN_THROTTLE_WINDOW < s.LOGIN_THROTTLE_MAX_DELAY
  )
    problems.push(
      'LOGIN_THROTTLE_WINDOW: must be at least LOGIN_THROTTLE_MAX_DELAY (failures would be forgotten before the delay ends)',
    );
  if (
    valid('LOGIN_THROTTLE_FREE_ATTEMPTS', 'LOGIN_THROTTLE_ACCOUNT_FREE_ATTEMPTS') &&
    s.LOGIN_THROTTLE_ACCOUNT_FREE_ATTEMPTS < s.LOGIN_THROTTLE_FREE_ATTEMPTS
  ) {
    // Below the per-pair allowance, one attacker's address alone could slow the victim down everywhere.
    problems.push('LOGIN_THROTTLE_ACCOUNT_FREE_ATTEMPTS: must be at least LOGIN_THROTTLE_FREE_ATTEMPTS');
  }
  if (valid('TRUSTED_PROXIES')) {
    for (const entry of s.TRUSTED_PROXIES)
      if (parseCidr(entry) === null)
        problems.push(`TRUSTED_PROXIES: ${describe(entry)} is not an IP address or CIDR range`);
  }
}

function checkSecretKey(s: Settings, problems: string[]): void {
  if (s.DEBUG) return;
  // The length, never the value (INVARIANTS 9).
  if (s.SECRET_KEY === '') problems.push(`SECRET_KEY: not set. ${SECRET_KEY_RULE}`);
  else if (s.SECRET_KEY.length < MIN_SECRET_KEY_LENGTH)
    problems.push(`SECRET_KEY: ${s.SECRET_KEY.length} characters is too short. ${SECRET_KEY_RULE}`);
}

/**
 * Django's `runserver` refuses to start with `DEBUG=False` and no `ALLOWED_HOSTS`: every request
 * would get a 400. Said at start-up, once, instead of on every request.
 */
function checkAllowedHosts(s: Settings, problems: string[]): void {
  if (s.DEBUG || s.ALLOWED_HOSTS.length > 0) return;
  problems.push(
    "ALLOWED_HOSTS: empty, so every request would be refused (400); list the host names this app answers to, e.g. ['localhost', '127.0.0.1'] in development or ['example.com'] in production (with DEBUG=true an empty list allows localhost, 127.0.0.1 and [::1])",
  );
}

function checkUrls(s: Settings, valid: (...names: (keyof Settings)[]) => boolean, problems: string[]): void {
  if (valid('CSRF_TRUSTED_ORIGINS')) {
    for (const origin of s.CSRF_TRUSTED_ORIGINS) {
      if (!/^[a-z][a-z0-9+.-]*:\/\/./i.test(origin))
        problems.push(`CSRF_TRUSTED_ORIGINS: ${describe(origin)} must start with a scheme, e.g. https://`);
    }
  }
  for (const url of ['LOGIN_URL', 'LOGIN_REDIRECT_URL'] as const) {
    if (valid(url) && (s[url] === '' || /[\r\n]/.test(s[url])))
      problems.push(`${url}: must be a non-empty URL without line breaks`);
  }
  if (valid('LOGOUT_REDIRECT_URL') && s.LOGOUT_REDIRECT_URL !== null && /[\r\n]/.test(s.LOGOUT_REDIRECT_URL))
    problems.push('LOGOUT_REDIRECT_URL: must not contain line breaks');
}

/**
 * Every problem of a complete settings object, each as `NAME: reason`; empty when it is valid.
 * @example
 * settingsProblems({ ...defaultSettings, SECRET_KEY: '' }); // ['SECRET_KEY: must be set …']
 */
export function settingsProblems(s: Settings): string[] {
  const problems: string[] = [];
  const badType = new Set<keyof Settings>();
  for (const name of Object.keys(settingKinds) as (keyof Settings)[]) {
    const problem = checkType(name, settingKinds[name], s[name]);
    if (problem !== null) {
      problems.push(problem);
      badType.add(name);
    }
  }
  // Every problem is reported at once: a check runs whenever the settings it reads are well typed,
  // so one mistyped value never hides an unrelated mistake.
  const valid = (...names: (keyof Settings)[]): boolean => names.every((name) => !badType.has(name));
  checkCookie('SESSION', s, valid, problems);
  checkCookie('CSRF', s, valid, problems);
  if (valid('DEBUG', 'SECRET_KEY')) checkSecretKey(s, problems);
  if (valid('DEBUG', 'ALLOWED_HOSTS')) checkAllowedHosts(s, problems);
  if (valid('SESSION_COOKIE_NAME', 'CSRF_COOKIE_NAME') && s.SESSION_COOKIE_NAME === s.CSRF_COOKIE_NAME)
    problems.push('CSRF_COOKIE_NAME: must differ from SESSION_COOKIE_NAME');
  checkUrls(s, valid, problems);
  checkProduction(s, valid, problems);
  checkTimeouts(s, valid, problems);
  checkThrottle(s, valid, problems);
  problems.push(...emailProblems(s, valid));
  return problems;
}
