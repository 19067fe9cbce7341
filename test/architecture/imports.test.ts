/**
 * The layering of src/: no import cycle through the request layers (type-only imports included;
 * settings and database-driver files keep small cycles of their own), `src/auth/` never
 * imports the HTTP layer or the app, and the HTTP layer never imports the app (`latchkey.ts`).
 */
import { readdirSync, readFileSync } from 'node:fs';
import { dirname, join, relative, resolve } from 'node:path';
import ts from 'typescript';
import { describe, expect, test } from 'vitest';

const SRC = resolve(import.meta.dirname, '../../src');

function sourceFiles(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((entry) => {
    const path = join(dir, entry.name);
    if (entry.isDirectory()) return sourceFiles(path);
    return /\.tsx?$/.test(entry.name) && !/\.test\.tsx?$/.test(entry.name) ? [path] : [];
  });
}

/** Every file's relative imports (static, dynamic and type-only), as paths relative to src/. */
function importGraph(): Map<string, string[]> {
  const graph = new Map<string, string[]>();
  for (const file of sourceFiles(SRC)) {
    const info = ts.preProcessFile(readFileSync(file, 'utf8'), true, true);
    const targets = info.importedFiles
      .map((ref) => ref.fileName)
      .filter((name) => name.startsWith('.'))
      .map((name) => relative(SRC, resolve(dirname(file), name)).replace(/\.js$/, '.ts'));
    graph.set(relative(SRC, file), targets);
  }
  return graph;
}

/** The cycles of a graph (one path per strongly connected component larger than one file). */
function cycles(graph: Map<string, string[]>): string[][] {
  const found: string[][] = [];
  const state = new Map<string, 'active' | 'done'>();
  const stack: string[] = [];
  const visit = (node: string): void => {
    state.set(node, 'active');
    stack.push(node);
    for (const next of graph.get(node) ?? []) {
      if (!graph.has(next)) continue;
      if (state.get(next) === 'active') found.push([...stack.slice(stack.indexOf(next)), next]);
      else if (state.get(next) === undefined) visit(next);
    }
    stack.pop();
    state.set(node, 'done');
  };
  for (const node of graph.keys()) if (!state.has(node)) visit(node);
  return found;
}

describe('architecture', () => {
  const graph = importGraph();

  test('the import graph is complete enough to mean something', () => {
    expect(graph.get('latchkey.ts')).toContain('http/pipeline.ts');
    expect(graph.get('http/context.ts')).toContain('auth/resolve-user.ts');
  });

  test('no import cycle through latchkey.ts, src/http/, src/auth/, src/adapters/ or src/views/', () => {
    const layered = /^(latchkey\.ts|http\/|auth\/|adapters\/|views\/|csrf\/|sessions\/|messages\/)/;
    const found = cycles(graph).filter((cycle) => cycle.some((file) => layered.test(file)));
    expect(found.map((cycle) => cycle.join(' → '))).toEqual([]);
  });

  test('src/auth/ imports neither src/http/ nor latchkey.ts; src/http/ does not import latchkey.ts', () => {
    const offences = [...graph].flatMap(([file, targets]) =>
      targets
        .filter(
          (target) =>
            (file.startsWith('auth/') && (target.startsWith('http/') || target === 'latchkey.ts')) ||
            (file.startsWith('http/') && target === 'latchkey.ts'),
        )
        .map((target) => `${file} → ${target}`),
    );
    expect(offences).toEqual([]);
  });

  test('the detector finds a cycle when there is one', () => {
    const sample = new Map([
      ['a.ts', ['b.ts']],
      ['b.ts', ['c.ts']],
      ['c.ts', ['a.ts']],
    ]);
    expect(cycles(sample)).toEqual([['a.ts', 'b.ts', 'c.ts', 'a.ts']]);
  });
});
