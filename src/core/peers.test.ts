import { describe, expect, test } from 'vitest';
import { importPeer, requirePeer } from './peers.js';

describe('optional peers', () => {
  test('a package that is not installed is one line naming it and the install command', async () => {
    const attempt = importPeer(
      'latchkey-no-such-peer',
      'The example feature',
      () => import(/* @vite-ignore */ ['latchkey-no-such-peer'].join('')),
    );
    await expect(attempt).rejects.toMatchObject({
      code: 'LATCHKEY_PEER_MISSING',
      message:
        'The example feature needs the "latchkey-no-such-peer" package, which is not installed: npm install latchkey-no-such-peer',
    });
    expect(() => requirePeer('latchkey-no-such-peer', 'The example feature')).toThrow(
      'The example feature needs the "latchkey-no-such-peer" package, which is not installed: npm install latchkey-no-such-peer',
    );
  });

  test("a peer's own missing dependency or broken build is not reported as the peer missing", async () => {
    const inner = Object.assign(new Error("Cannot find package 'bindings' imported from /x/index.js"), {
      code: 'ERR_MODULE_NOT_FOUND',
    });
    const attempt = importPeer('argon2', 'The argon2 hasher', () => Promise.reject(inner));
    await expect(attempt).rejects.toBe(inner);
    const broken = new Error('invalid ELF header');
    await expect(importPeer('argon2', 'The argon2 hasher', () => Promise.reject(broken))).rejects.toBe(
      broken,
    );
  });

  test('an installed peer loads', async () => {
    expect(typeof requirePeer<new (f: string) => unknown>('better-sqlite3', 'SQLite')).toBe('function');
    const kysely = await importPeer('kysely', 'SQL', () => import('kysely'));
    expect(typeof kysely.Kysely).toBe('function');
  });
});
