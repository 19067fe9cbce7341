/**
 * @module One `npm run build` at a time for the packaging tests, which run in parallel files and all
 * need a current `dist/`: the first builds under a lock directory, the others wait for it and then
 * find the incremental build up to date (nothing is rewritten while another test reads it).
 */
import { execFileSync } from 'node:child_process';
import { mkdirSync, rmSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { REPO_ROOT } from '../browser/support/reference-app.js';

const LOCK = join(REPO_ROOT, 'dist.build-lock');

/**
 * Builds the package unless another test file is doing it right now, then waits for that build.
 * @example
 * beforeAll(() => ensureBuilt(), 300_000);
 */
export async function ensureBuilt(): Promise<void> {
  for (;;) {
    try {
      mkdirSync(LOCK); // atomic: exactly one file gets it
      break;
    } catch {
      // A lock older than ten minutes was left by a run that was killed.
      const since = statSync(LOCK, { throwIfNoEntry: false })?.mtimeMs ?? Date.now();
      if (Date.now() - since > 600_000) rmSync(LOCK, { force: true, recursive: true });
      await new Promise((resolve) => setTimeout(resolve, 250));
    }
  }
  try {
    execFileSync('npm', ['run', 'build'], { cwd: REPO_ROOT, stdio: 'pipe' });
  } finally {
    rmSync(LOCK, { force: true, recursive: true });
  }
}
