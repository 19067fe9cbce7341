import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, test } from 'vitest';
import { moduleOf, summarizeProfile } from './profile.js';

describe('CPU profile summary', () => {
  test('attributes frames to packages, Latchkey files, Node internals and V8', () => {
    expect(moduleOf('file:///w/node_modules/hono/dist/index.js', 'f')).toBe('hono');
    expect(moduleOf('file:///w/node_modules/@hono/node-server/dist/index.mjs', 'f')).toBe(
      '@hono/node-server',
    );
    expect(moduleOf('file:///w/src/core/signing.ts', 'f')).toBe('src/core/signing.ts');
    expect(moduleOf('node:internal/deps/undici/undici', 'set')).toBe('node:internal/deps');
    expect(moduleOf('', '(garbage collector)')).toBe('(garbage collector)');
  });

  test('counts samples, leaves idle time out, and ranks what is left', () => {
    const dir = mkdtempSync(join(tmpdir(), 'profile-test-'));
    const file = join(dir, 'p.cpuprofile');
    const frame = (functionName: string, url: string) => ({ functionName, url, lineNumber: 0 });
    writeFileSync(
      file,
      JSON.stringify({
        nodes: [
          { id: 1, callFrame: frame('(idle)', '') },
          { id: 2, callFrame: frame('loads', 'file:///w/src/core/signing.ts') },
          { id: 3, callFrame: frame('compile', 'file:///w/node_modules/kysely/x.js') },
        ],
        samples: [1, 1, 1, 2, 2, 2, 3],
        timeDeltas: [100, 100, 100, 100, 100, 5_000_000, 100],
      }),
    );
    const summary = summarizeProfile(file, { contender: 'c', scenario: 'S1' });
    expect(summary.samples).toBe(7);
    expect(summary.byModule).toEqual([
      { module: 'src/core/signing.ts', selfPercent: 75 },
      { module: 'kysely', selfPercent: 25 },
    ]);
    expect(summary.topFunctions[0]).toMatchObject({ name: 'loads', where: 'src/core/signing.ts:1' });
  });
});
