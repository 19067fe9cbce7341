/**
 * Issue 15 item 4: one rule about `SECRET_KEY`, stated the same way by the library's error, the
 * reference app's warning and the README — naming the setting, the minimum length and how to make
 * one — and kept by the app: a generated key in development, a refusal in production.
 */
import { spawn, spawnSync } from 'node:child_process';
import { once } from 'node:events';
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, test } from 'vitest';
import type { ConfigurationError } from '../../src/core/errors.js';
import { defineSettings, MIN_SECRET_KEY_LENGTH, SECRET_KEY_RULE } from '../../src/core/settings.js';
import { REPO_ROOT } from '../browser/support/reference-app.js';

const dirs: string[] = [];
afterAll(() => {
  for (const dir of dirs) rmSync(dir, { recursive: true, force: true });
});

function dataDir(): string {
  const dir = mkdtempSync(join(tmpdir(), 'latchkey-secret-rule-'));
  dirs.push(dir);
  return dir;
}

/** The app's environment without any SECRET_KEY the test runner may have. */
function appEnv(extra: Record<string, string>): NodeJS.ProcessEnv {
  const { SECRET_KEY: _ignored, ...env } = process.env;
  return { ...env, PORT: '0', ...extra };
}

describe('SECRET_KEY: one rule everywhere (issue 15 item 4)', () => {
  test('the rule names the setting, the minimum length and a command that makes a key', () => {
    expect(SECRET_KEY_RULE).toMatch(/^SECRET_KEY must be set to at least 50 random characters/);
    expect(MIN_SECRET_KEY_LENGTH).toBe(50);
    expect(SECRET_KEY_RULE).toContain('make one with: node -e');
  });

  test('the library states it when the key is missing', () => {
    const problems = (() => {
      try {
        defineSettings({ ALLOWED_HOSTS: ['app.test'] });
      } catch (error) {
        return (error as ConfigurationError).problems;
      }
      return [];
    })();
    expect(problems).toEqual([`SECRET_KEY: not set. ${SECRET_KEY_RULE}`]);
  });

  test('the README states it word for word', () => {
    expect(readFileSync(join(REPO_ROOT, 'README.md'), 'utf8')).toContain(`> ${SECRET_KEY_RULE}\n`);
  });

  test('the app in development generates a key under its data directory and warns with the rule', async () => {
    const dir = dataDir();
    const app = spawn(process.execPath, ['--import', 'tsx', 'app/server.ts'], {
      cwd: REPO_ROOT,
      env: appEnv({ LATCHKEY_DATA_DIR: dir }),
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let stdout = '';
    let stderr = '';
    app.stdout.on('data', (chunk: Buffer) => {
      stdout += chunk.toString();
    });
    app.stderr.on('data', (chunk: Buffer) => {
      stderr += chunk.toString();
    });
    const exited = once(app, 'exit');
    while (!stdout.includes('listening on') && app.exitCode === null)
      await new Promise((resolve) => setTimeout(resolve, 50));
    app.kill('SIGTERM');
    await exited;
    const warning = stderr.split('\n')[0] ?? '';
    expect(warning).toMatch(/^latchkey: warning: SECRET_KEY is not set/);
    expect(warning).toContain(join(dir, 'secret_key'));
    expect(warning).toContain('LATCHKEY_PROFILE=production refuses to start without one');
    expect(warning.endsWith(SECRET_KEY_RULE)).toBe(true);
    const key = readFileSync(join(dir, 'secret_key'), 'utf8').trim();
    expect(key.length).toBeGreaterThanOrEqual(MIN_SECRET_KEY_LENGTH);
    expect(stderr).not.toContain(key);
  }, 30_000);

  test('the app in production refuses to start, with the rule, and generates nothing', () => {
    const dir = dataDir();
    const result = spawnSync(process.execPath, ['--import', 'tsx', 'app/server.ts'], {
      cwd: REPO_ROOT,
      env: appEnv({ LATCHKEY_DATA_DIR: dir, LATCHKEY_PROFILE: 'production', ALLOW_INSECURE_HTTP: 'true' }),
      encoding: 'utf8',
      timeout: 30_000,
    });
    expect(result.status).toBe(1);
    expect(result.stderr).toBe(`latchkey: SECRET_KEY: not set. ${SECRET_KEY_RULE}\n`);
    expect(existsSync(join(dir, 'secret_key'))).toBe(false);
  });
});
