/**
 * @module Settings from environment variables (twelve-factor configuration): each variable is
 * named like its setting (`LATCHKEY_PROFILE` for `PROFILE`), parsed by the setting's kind, and
 * the result is validated as `defineSettings` does, every problem reported at once.
 */
import { ConfigurationError } from './errors.js';
import { defineSettings, type Settings } from './settings.js';
import { type SettingKind, settingKinds } from './settings-checks.js';

/** Variables whose name differs from their setting's: `PROFILE` alone would be too generic a name. */
const envNames: Partial<Record<keyof Settings, string>> = { PROFILE: 'LATCHKEY_PROFILE' };

/**
 * The environment variable that sets `name`.
 * @example
 * envNameOf('PROFILE'); // 'LATCHKEY_PROFILE'
 */
export function envNameOf(name: keyof Settings): string {
  return envNames[name] ?? name;
}

function describe(value: string): string {
  return JSON.stringify(value);
}

function parseEnvValue(name: string, kind: SettingKind, raw: string, problems: string[]): unknown {
  const text = raw.trim();
  switch (kind) {
    case 'boolean': {
      const lower = text.toLowerCase();
      if (['1', 'true', 'yes', 'on'].includes(lower)) return true;
      if (['0', 'false', 'no', 'off', ''].includes(lower)) return false;
      problems.push(`${name}: expected true or false, got ${describe(raw)}`);
      return undefined;
    }
    case 'string':
      return raw;
    case 'nullableString':
      return text === '' || text.toLowerCase() === 'none' || text.toLowerCase() === 'null' ? null : text;
    case 'list':
      return text === ''
        ? []
        : text
            .split(',')
            .map((item) => item.trim())
            .filter((item) => item !== '');
    case 'seconds':
    case 'positive':
    case 'count':
    case 'bytes': {
      if (!/^\d+$/.test(text)) {
        const expected =
          kind === 'count' ? 'a whole number of seconds, 0 for off' : 'a positive whole number';
        problems.push(`${name}: expected ${expected}, got ${describe(raw)}`);
        return undefined;
      }
      return Number(text);
    }
    case 'sameSite': {
      const lower = text.toLowerCase();
      if (lower === 'false' || lower === 'none' || lower === 'lax' || lower === 'strict') {
        return lower === 'false' ? false : (lower[0]?.toUpperCase() ?? '') + lower.slice(1);
      }
      problems.push(`${name}: expected Lax, Strict, None or false, got ${describe(raw)}`);
      return undefined;
    }
    case 'engine':
    case 'emailBackend':
      return text.toLowerCase();
    case 'profile': {
      const lower = text.toLowerCase();
      if (lower === 'development' || lower === 'production') return lower;
      problems.push(`${name}: expected development or production, got ${describe(raw)}`);
      return undefined;
    }
  }
}

/**
 * Reads every known setting present in `env` (e.g. `process.env`) on top of `defaults` (the app's
 * own defaults, themselves on top of Django's), and validates the result as `defineSettings`
 * does. A variable set in `env` wins over `defaults`. Unknown variables are ignored.
 * @example
 * const settings = settingsFromEnv(process.env, { LOGIN_REDIRECT_URL: '/dashboard/' });
 */
export function settingsFromEnv(
  env: Readonly<Record<string, string | undefined>>,
  defaults: Partial<Settings> = {},
): Settings {
  const problems: string[] = [];
  const fromEnv: Record<string, unknown> = {};
  for (const name of Object.keys(settingKinds) as (keyof Settings)[]) {
    const variable = envNameOf(name);
    const raw = env[variable];
    if (raw === undefined) continue;
    const value = parseEnvValue(variable, settingKinds[name], raw, problems);
    if (value !== undefined) fromEnv[name] = value;
  }
  let settings: Settings;
  try {
    // The environment wins over the app's defaults (twelve-factor configuration).
    settings = defineSettings({ ...defaults, ...(fromEnv as Partial<Settings>) });
  } catch (error) {
    if (error instanceof ConfigurationError) throw new ConfigurationError([...problems, ...error.problems]);
    throw error;
  }
  // Thrown outside the `try`, so these problems are not caught above and listed twice.
  if (problems.length > 0) throw new ConfigurationError(problems);
  return settings;
}
