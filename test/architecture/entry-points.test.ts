/**
 * Issue 15 item 3: the reference app and the examples use Latchkey as a consumer would, through
 * the package's entry points (`exports` of package.json, e.g. `src/views/index.ts` is
 * `latchkey/views`), so what they need is public and what is public is exercised. The few
 * internals the app's own server needs are listed below with the reason.
 */
import { readdirSync, readFileSync } from 'node:fs';
import { dirname, join, relative, resolve } from 'node:path';
import ts from 'typescript';
import { expect, test } from 'vitest';

const ROOT = resolve(import.meta.dirname, '../..');

/** Internal modules the reference app may import, and why they are not public. */
const APP_INTERNALS: Readonly<Record<string, string>> = {
  'src/http/client-ip.ts': "the app's own Node server resolves client IPs behind TRUSTED_PROXIES",
  'src/stores/from-settings.ts':
    'SESSION_ENGINE → store is the reference configuration, not a library API yet',
  'src/core/settings.ts': 'SECRET_KEY_RULE, worded once for the library and the app (issue 15 item 4)',
};

/** `src/…` files that are entry points: the `types` targets of package.json `exports`. */
function entryPoints(): Set<string> {
  const pkg = JSON.parse(readFileSync(join(ROOT, 'package.json'), 'utf8')) as {
    exports: Record<string, string | { types?: string }>;
  };
  return new Set(
    Object.values(pkg.exports)
      .flatMap((target) => (typeof target === 'object' && target.types !== undefined ? [target.types] : []))
      .map((types) => types.replace(/^\.\/dist\//, '').replace(/\.d\.ts$/, '.ts')),
  );
}

/** Every `src/…` module a file under `dir` imports (static, dynamic and type-only), as `file → module`. */
function srcImports(dir: string): string[] {
  return readdirSync(join(ROOT, dir), { recursive: true, encoding: 'utf8' })
    .filter((name) => /\.tsx?$/.test(name) && !/\.test\.tsx?$/.test(name))
    .flatMap((name) => {
      const file = join(ROOT, dir, name);
      return ts
        .preProcessFile(readFileSync(file, 'utf8'), true, true)
        .importedFiles.map((ref) => ref.fileName)
        .filter((spec) => spec.startsWith('.'))
        .map((spec) => relative(ROOT, resolve(dirname(file), spec)).replace(/\.js$/, '.ts'))
        .filter((target) => target.startsWith('src/'))
        .map((target) => `${relative(ROOT, file)} → ${target}`);
    });
}

test('app/ and examples/ import Latchkey only through its entry points', () => {
  const entries = entryPoints();
  expect(entries.has('src/index.ts')).toBe(true);
  const offences = [...srcImports('app'), ...srcImports('examples')].filter((edge) => {
    const target = edge.split(' → ')[1] ?? '';
    return !entries.has(target) && !(edge.startsWith('app/') && target in APP_INTERNALS);
  });
  expect(offences).toEqual([]);
});
