/**
 * @module One typed, frozen settings object with Django's names and defaults, validated once.
 *
 * Build it with {@link defineSettings} (from code) or {@link settingsFromEnv} (from environment
 * variables, in `settings-env.ts`); both report every problem at once, each naming its setting.
 */
import { ConfigurationError } from './errors.js';
import { settingKinds, settingsProblems } from './settings-checks.js';

export {
  MIN_SECRET_KEY_LENGTH,
  SECRET_KEY_RULE,
  type SettingKind,
  settingKinds,
  settingsProblems,
} from './settings-checks.js';

/** `SameSite` attribute values; `false` omits the attribute. */
export type SameSite = 'Lax' | 'Strict' | 'None' | false;

/** Every setting Latchkey reads. Names and defaults are Django's unless noted. */
export interface Settings {
  /**
   * `production` switches the cookies to `__Host-` names, `Secure` and `SameSite=Lax`, and refuses
   * settings that contradict that (`DEBUG`, insecure cookies). From the `LATCHKEY_PROFILE` variable.
   */
  readonly PROFILE: 'development' | 'production';
  /** Development mode: allows a missing or short `SECRET_KEY`. Never enable in production. */
  readonly DEBUG: boolean;
  /** The key that signs sessions, CSRF-free cookies, messages and auth hashes. */
  readonly SECRET_KEY: string;
  /** Older keys still accepted when verifying, newest first, so a rotation logs nobody out. */
  readonly SECRET_KEY_FALLBACKS: readonly string[];
  /**
   * Hosts accepted in `Host` and as redirect targets. `*` accepts any host (not recommended). Must
   * not be empty outside `DEBUG`; with `DEBUG` and none given, `localhost`, `127.0.0.1` and `[::1]`.
   */
  readonly ALLOWED_HOSTS: readonly string[];

  readonly SESSION_ENGINE: 'db' | 'redis' | 'cached_db' | 'signed_cookies' | 'memory';
  readonly SESSION_COOKIE_NAME: string;
  /** Seconds a session lives (two weeks). */
  readonly SESSION_COOKIE_AGE: number;
  readonly SESSION_COOKIE_DOMAIN: string | null;
  readonly SESSION_COOKIE_PATH: string;
  readonly SESSION_COOKIE_SECURE: boolean;
  readonly SESSION_COOKIE_HTTPONLY: boolean;
  readonly SESSION_COOKIE_SAMESITE: SameSite;
  readonly SESSION_EXPIRE_AT_BROWSER_CLOSE: boolean;
  readonly SESSION_SAVE_EVERY_REQUEST: boolean;
  /** Seconds without a request that end a session (OWASP: idle timeout); 0 turns it off. */
  readonly SESSION_IDLE_TIMEOUT: number;
  /** Seconds after its creation (login) that a session ends, however active; 0 turns it off. */
  readonly SESSION_ABSOLUTE_TIMEOUT: number;

  readonly CSRF_COOKIE_NAME: string;
  /** Seconds the CSRF cookie lives (one year). */
  readonly CSRF_COOKIE_AGE: number;
  readonly CSRF_COOKIE_DOMAIN: string | null;
  readonly CSRF_COOKIE_PATH: string;
  readonly CSRF_COOKIE_SECURE: boolean;
  readonly CSRF_COOKIE_HTTPONLY: boolean;
  readonly CSRF_COOKIE_SAMESITE: SameSite;
  /** Header carrying the token for AJAX calls. Django's `HTTP_X_CSRFTOKEN` is `X-CSRFToken`. */
  readonly CSRF_HEADER_NAME: string;
  /** Form field carrying the token. Fixed in Django; configurable here. */
  readonly CSRF_FIELD_NAME: string;
  /** Origins (`https://example.com`, `https://*.example.com`) trusted for unsafe requests. */
  readonly CSRF_TRUSTED_ORIGINS: readonly string[];

  readonly LOGIN_URL: string;
  readonly LOGIN_REDIRECT_URL: string;
  /** Where logout redirects when no safe `next` is given; `null` renders the logged-out page. */
  readonly LOGOUT_REDIRECT_URL: string | null;
  /** `Clear-Site-Data` directives sent on logout; empty sends none. */
  readonly LOGOUT_CLEAR_SITE_DATA: readonly string[];
  /** Largest request body read, in bytes (Django's `DATA_UPLOAD_MAX_MEMORY_SIZE`). */
  readonly DATA_UPLOAD_MAX_MEMORY_SIZE: number;

  /** How mail leaves: printed (`console`), one file per message (`file`), or sent (`smtp`). */
  readonly EMAIL_BACKEND: 'console' | 'file' | 'smtp';
  /** The directory of the `file` backend (required with it). */
  readonly EMAIL_FILE_PATH: string | null;
  readonly EMAIL_HOST: string;
  readonly EMAIL_PORT: number;
  /** SMTP AUTH user; empty sends no AUTH. */
  readonly EMAIL_HOST_USER: string;
  readonly EMAIL_HOST_PASSWORD: string;
  /** STARTTLS, required once asked for (Django's `EMAIL_USE_TLS`). */
  readonly EMAIL_USE_TLS: boolean;
  /** Seconds an SMTP connection, greeting or command may take. Django's is unbounded; a hung server must not hold mail forever. */
  readonly EMAIL_TIMEOUT: number;
  /** The sender of Latchkey's mail. */
  readonly DEFAULT_FROM_EMAIL: string;
  /** Seconds a password reset link stays valid (three days). */
  readonly PASSWORD_RESET_TIMEOUT: number;
  /**
   * The rules a new password must pass, in order (Django's `AUTH_PASSWORD_VALIDATORS`), each a
   * validator name with optional `:option=value` pairs, e.g. `MinimumLengthValidator:min_length=12`.
   */
  readonly AUTH_PASSWORD_VALIDATORS: readonly string[];
  /** Whether the login form's `username` may also be an email address; emails are then unique. */
  readonly LOGIN_BY_EMAIL: boolean;

  /** Proxies (addresses or CIDR ranges) whose `X-Forwarded-For` entries are believed. */
  readonly TRUSTED_PROXIES: readonly string[];
  /** Whether failed logins slow down further attempts (see `auth/throttle.ts`). */
  readonly LOGIN_THROTTLE_ENABLED: boolean;
  /** Failures allowed per (username, client IP) pair before delays start. */
  readonly LOGIN_THROTTLE_FREE_ATTEMPTS: number;
  /** Failures allowed per client IP, over all usernames, before delays start. */
  readonly LOGIN_THROTTLE_IP_FREE_ATTEMPTS: number;
  /** Failures allowed per username, over all client IPs, before delays start (the global ceiling). */
  readonly LOGIN_THROTTLE_ACCOUNT_FREE_ATTEMPTS: number;
  /** The first delay, in seconds; each further failure doubles it. */
  readonly LOGIN_THROTTLE_BASE_DELAY: number;
  /** The longest delay, in seconds. */
  readonly LOGIN_THROTTLE_MAX_DELAY: number;
  /** Seconds without an attempt after which a key's failures are forgotten. */
  readonly LOGIN_THROTTLE_WINDOW: number;

  /** Seconds a remember-me token lives from the login that made it (30 days); rotation keeps the end. */
  readonly REMEMBER_ME_AGE: number;
  /**
   * Seconds a just-rotated remember-me secret is still accepted, so parallel tabs restoring at the
   * same moment do not look like theft; 0 accepts only the newest secret.
   */
  readonly REMEMBER_ME_GRACE_SECONDS: number;
  /**
   * Seconds after a password login (or re-authentication) during which sensitive actions — password
   * change, API token creation, ending other sessions — are allowed without asking again.
   */
  readonly REAUTH_MAX_AGE: number;
}

/**
 * Django's defaults. `SECRET_KEY` is empty and `ALLOWED_HOSTS` is empty: both must be given, unless
 * `DEBUG` is set (then the local host names are allowed, as in Django).
 */
export const defaultSettings: Settings = Object.freeze({
  PROFILE: 'development',
  DEBUG: false,
  SECRET_KEY: '',
  SECRET_KEY_FALLBACKS: Object.freeze([]),
  ALLOWED_HOSTS: Object.freeze([]),
  SESSION_ENGINE: 'db',
  SESSION_COOKIE_NAME: 'sessionid',
  SESSION_COOKIE_AGE: 60 * 60 * 24 * 7 * 2,
  SESSION_COOKIE_DOMAIN: null,
  SESSION_COOKIE_PATH: '/',
  SESSION_COOKIE_SECURE: false,
  SESSION_COOKIE_HTTPONLY: true,
  SESSION_COOKIE_SAMESITE: 'Lax',
  SESSION_EXPIRE_AT_BROWSER_CLOSE: false,
  SESSION_SAVE_EVERY_REQUEST: false,
  SESSION_IDLE_TIMEOUT: 0,
  SESSION_ABSOLUTE_TIMEOUT: 0,
  CSRF_COOKIE_NAME: 'csrftoken',
  CSRF_COOKIE_AGE: 60 * 60 * 24 * 7 * 52,
  CSRF_COOKIE_DOMAIN: null,
  CSRF_COOKIE_PATH: '/',
  CSRF_COOKIE_SECURE: false,
  CSRF_COOKIE_HTTPONLY: false,
  CSRF_COOKIE_SAMESITE: 'Lax',
  CSRF_HEADER_NAME: 'X-CSRFToken',
  CSRF_FIELD_NAME: 'csrfmiddlewaretoken',
  CSRF_TRUSTED_ORIGINS: Object.freeze([]),
  LOGIN_URL: '/accounts/login/',
  LOGIN_REDIRECT_URL: '/accounts/profile/',
  LOGOUT_REDIRECT_URL: null,
  LOGOUT_CLEAR_SITE_DATA: Object.freeze(['"cache"']),
  DATA_UPLOAD_MAX_MEMORY_SIZE: 2.5 * 1024 * 1024,
  EMAIL_BACKEND: 'console',
  EMAIL_FILE_PATH: null,
  EMAIL_HOST: '127.0.0.1',
  EMAIL_PORT: 25,
  EMAIL_HOST_USER: '',
  EMAIL_HOST_PASSWORD: '',
  EMAIL_USE_TLS: false,
  EMAIL_TIMEOUT: 10,
  DEFAULT_FROM_EMAIL: 'webmaster@localhost',
  PASSWORD_RESET_TIMEOUT: 60 * 60 * 24 * 3,
  AUTH_PASSWORD_VALIDATORS: Object.freeze([
    'UserAttributeSimilarityValidator',
    'MinimumLengthValidator',
    'CommonPasswordValidator',
    'NumericPasswordValidator',
  ]),
  LOGIN_BY_EMAIL: false,
  TRUSTED_PROXIES: Object.freeze([]),
  LOGIN_THROTTLE_ENABLED: true,
  LOGIN_THROTTLE_FREE_ATTEMPTS: 5,
  LOGIN_THROTTLE_IP_FREE_ATTEMPTS: 50,
  // ASVS 4.0.3 2.2.1: "no more than 100 failed attempts per hour is possible on a single account".
  LOGIN_THROTTLE_ACCOUNT_FREE_ATTEMPTS: 100,
  LOGIN_THROTTLE_BASE_DELAY: 1,
  LOGIN_THROTTLE_MAX_DELAY: 15 * 60,
  LOGIN_THROTTLE_WINDOW: 60 * 60,
  REMEMBER_ME_AGE: 60 * 60 * 24 * 30,
  REMEMBER_ME_GRACE_SECONDS: 10,
  REAUTH_MAX_AGE: 10 * 60,
} satisfies Settings);

/**
 * What `PROFILE: 'production'` changes, beneath anything set explicitly. RFC 6265bis 4.1.3: a
 * `__Host-` cookie is Secure, host-only and on `/`, so a sibling subdomain cannot set or shadow it.
 */
export const productionDefaults: Partial<Settings> = Object.freeze({
  SESSION_COOKIE_NAME: '__Host-sessionid',
  SESSION_COOKIE_SECURE: true,
  SESSION_COOKIE_SAMESITE: 'Lax',
  CSRF_COOKIE_NAME: '__Host-csrftoken',
  CSRF_COOKIE_SECURE: true,
  CSRF_COOKIE_SAMESITE: 'Lax',
} satisfies Partial<Settings>);

/** Copies and freezes every list, so neither the caller's arrays nor the result can change later. */
function freeze(s: Settings): Settings {
  const copy: Record<string, unknown> = { ...s };
  for (const [name, value] of Object.entries(copy))
    if (Array.isArray(value)) copy[name] = Object.freeze([...value]);
  return Object.freeze(copy) as unknown as Settings;
}

/**
 * Builds validated, frozen settings from Django's defaults and the given overrides.
 * Throws one {@link ConfigurationError} listing every problem.
 * @example
 * const settings = defineSettings({ SECRET_KEY: process.env.SECRET_KEY!, SESSION_COOKIE_SECURE: true });
 */
export function defineSettings(overrides: Partial<Settings> = {}): Settings {
  const problems: string[] = [];
  // A setting given as `undefined` (`SECRET_KEY: process.env.SECRET_KEY`) is a setting not given:
  // its default applies and the checks say what is missing, not "expected a string, got undefined".
  overrides = Object.fromEntries(Object.entries(overrides).filter(([, value]) => value !== undefined));
  for (const name of Object.keys(overrides)) {
    // Own keys only: `toString` or `constructor` are not settings.
    if (!Object.hasOwn(settingKinds, name)) problems.push(`${name}: unknown setting`);
  }
  // The profile's defaults sit between Django's and the caller's: anything set explicitly wins,
  // and then must agree with the profile (checkProduction).
  const profile = overrides.PROFILE === 'production' ? productionDefaults : {};
  const merged = { ...defaultSettings, ...profile, ...overrides } as Settings;
  problems.push(...settingsProblems(merged));
  if (problems.length > 0) throw new ConfigurationError(problems);
  return freeze(merged);
}

export { settingsFromEnv } from './settings-env.js';
