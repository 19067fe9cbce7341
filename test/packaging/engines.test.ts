/**
 * Issue 15 item 5: `npm install` on the Node versions the project names never warns EBADENGINE,
 * and the licence file says what `package.json` says. Checked on the lockfile, which is what
 * `npm install` installs, so no network is needed.
 */
import { readFileSync } from 'node:fs';
import { minVersion, satisfies } from 'semver';
import { describe, expect, test } from 'vitest';

interface LockedPackage {
  readonly dev?: boolean;
  readonly optional?: boolean;
  readonly engines?: { readonly node?: string };
}

const pkg = JSON.parse(readFileSync('package.json', 'utf8')) as {
  license: string;
  engines: { node: string };
  devEngines: { runtime: { name: string; version: string } };
};
const lock = JSON.parse(readFileSync('package-lock.json', 'utf8')) as {
  packages: Record<string, LockedPackage>;
};

/** Locked packages whose `engines.node` refuses `version`. */
function refusing(version: string, which: (p: LockedPackage) => boolean): string[] {
  return Object.entries(lock.packages)
    .filter(([path, p]) => path !== '' && which(p) && p.engines?.node !== undefined)
    .filter(([, p]) => !satisfies(version, p.engines?.node ?? '*', { includePrerelease: true }))
    .map(([path, p]) => `${path.replace(/^.*node_modules\//, '')} wants node ${p.engines?.node}`);
}

describe('engines (issue 15 item 5)', () => {
  test('what a user installs accepts the oldest Node that package.json names', () => {
    const oldest = minVersion(pkg.engines.node)?.version ?? '';
    expect(oldest).toMatch(/^20\./);
    expect(refusing(oldest, (p) => p.dev !== true)).toEqual([]);
  });

  test("the repository's own install accepts the oldest Node of devEngines, and this one", () => {
    expect(pkg.devEngines.runtime.name).toBe('node');
    const oldest = minVersion(pkg.devEngines.runtime.version)?.version ?? '';
    expect(oldest).toMatch(/^20\./);
    expect(refusing(oldest, () => true)).toEqual([]);
    expect(refusing(process.version, () => true)).toEqual([]);
  });

  test('LICENSE is the MIT licence that package.json names', () => {
    expect(pkg.license).toBe('MIT');
    const licence = readFileSync('LICENSE', 'utf8');
    expect(licence.split('\n')[0]).toBe('MIT License');
    expect(licence).toContain('Permission is hereby granted, free of charge');
  });
});
