import { randomBytes } from 'node:crypto';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, test } from 'vitest';
import { BUILD_DIR, compiledServer, compileServers } from './build.js';
import { startServer } from './processes.js';

describe('the benchmark servers run compiled by tsc, as the published package does', () => {
  const dataDir = mkdtempSync(join(tmpdir(), 'bench-build-'));
  afterAll(() => rmSync(dataDir, { recursive: true, force: true }));

  test('a server script maps to its compiled file; anything else is refused', () => {
    expect(compiledServer('bench/servers/latchkey.ts')).toBe(`${BUILD_DIR}/bench/servers/latchkey.js`);
    expect(compiledServer('./bench/servers/page.tsx')).toBe(`${BUILD_DIR}/bench/servers/page.js`);
    expect(() => compiledServer('src/latchkey.ts')).toThrow(/not a benchmark server/);
  });

  test('the compiled Latchkey server serves the app with plain node, and carries no tsx/esbuild helper', async () => {
    await compileServers();
    const script = compiledServer('bench/servers/latchkey.ts');
    // esbuild's keepNames helper is what made tsx slower; tsc emits nothing of the kind.
    expect(readFileSync(`${BUILD_DIR}/src/http/request.js`, 'utf8')).not.toContain('__name');
    const server = await startServer(
      script,
      {
        STORE: 'memory',
        HASHER: 'fast',
        DATA_DIR: dataDir,
        SECRET_KEY: randomBytes(48).toString('base64url'),
      },
      { label: 'compiled latchkey' },
    );
    try {
      const limit = await fetch(`${server.origin}/limit/`);
      expect(limit.status).toBe(200);
      expect(await limit.text()).toContain('Dashboard');
      const dashboard = await fetch(`${server.origin}/dashboard/`, { redirect: 'manual' });
      expect(dashboard.status).toBe(302);
      expect(dashboard.headers.get('location')).toMatch(/^\/accounts\/login\/\?next=/);
    } finally {
      await server.stop();
    }
  }, 120_000);
});
