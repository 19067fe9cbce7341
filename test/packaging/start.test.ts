/**
 * Issue 15 item 6: `npm start` stopped the way process managers stop it — SIGTERM to npm's own
 * process, nothing else — frees the port, lets a request already in flight finish, and leaves no
 * process of its tree behind.
 */
import { type ChildProcess, spawn } from 'node:child_process';
import { once } from 'node:events';
import { mkdtempSync, rmSync } from 'node:fs';
import { type IncomingMessage, request } from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { TEST_SECRET } from '../support/app.js';
import { freePort, isListening } from '../support/ports.js';
import { ensureBuilt } from './build.js';

/** Resolves once `predicate()` holds, polling every 50 ms; rejects after `ms`. */
async function until(predicate: () => Promise<boolean> | boolean, ms: number, what: string): Promise<void> {
  const end = Date.now() + ms;
  while (!(await predicate())) {
    if (Date.now() > end) throw new Error(`timed out waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
}

/** Whether any process of the group `pgid` is still alive. */
function groupAlive(pgid: number): boolean {
  try {
    process.kill(-pgid, 0);
    return true;
  } catch {
    return false;
  }
}

describe('npm start (issue 15 item 6)', () => {
  const dir = mkdtempSync(join(tmpdir(), 'latchkey-start-'));
  let npm: ChildProcess | undefined;

  // Built first under the packaging tests' lock, so npm start's own prestart build is a no-op.
  beforeAll(() => ensureBuilt(), 300_000);

  afterAll(() => {
    // Only if the test failed half-way: end the group this test started (it is its own group).
    if (npm?.pid !== undefined && groupAlive(npm.pid)) process.kill(-npm.pid, 'SIGKILL');
    rmSync(dir, { recursive: true, force: true });
  });

  test('SIGTERM to npm frees the port, finishes the request in flight and leaves nothing running', async () => {
    const port = await freePort();
    npm = spawn('npm', ['start'], {
      env: { ...process.env, PORT: String(port), LATCHKEY_DATA_DIR: dir, SECRET_KEY: TEST_SECRET },
      stdio: ['ignore', 'pipe', 'pipe'],
      detached: true, // its own process group, so the test can see whether any of the tree survives
    });
    const pid = npm.pid ?? -1;
    let output = '';
    npm.stdout?.on('data', (chunk: Buffer) => {
      output += chunk.toString();
    });
    npm.stderr?.on('data', (chunk: Buffer) => {
      output += chunk.toString();
    });
    const exited = once(npm, 'exit');
    await until(
      () => output.includes(`listening on http://127.0.0.1:${port}/`),
      90_000,
      `npm start\n${output}`,
    );

    // A login POST whose body has not fully arrived: the request is in flight when the signal comes.
    const body = 'username=alice&password=not+the+password&csrfmiddlewaretoken=x';
    const inFlight = request({
      host: '127.0.0.1',
      port,
      method: 'POST',
      path: '/accounts/login/',
      headers: { 'content-type': 'application/x-www-form-urlencoded', 'content-length': body.length },
    });
    const response = once(inFlight, 'response');
    response.catch(() => undefined); // awaited below; this only keeps an early failure from going unhandled
    inFlight.write(body.slice(0, 10));
    await new Promise((resolve) => setTimeout(resolve, 300));

    process.kill(pid, 'SIGTERM');
    await until(async () => !(await isListening(port)), 10_000, 'the port to stop accepting connections');
    expect(groupAlive(pid)).toBe(true); // still finishing the request

    inFlight.end(body.slice(10));
    const [answer] = (await response) as [IncomingMessage];
    expect(answer.statusCode).toBe(403); // answered in full (CSRF refused), not cut off
    answer.resume();

    const [code] = await exited;
    expect(code, output).toBe(0);
    await until(() => !groupAlive(pid), 10_000, 'every process of npm start to exit');
    expect(output).toContain('SIGTERM: finishing requests in flight');
  }, 150_000);
});
