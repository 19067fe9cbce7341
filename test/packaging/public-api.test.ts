/**
 * Issue 15 item 3 (the report half): the public surface, as a consumer's compiler sees it — every
 * subpath of `exports`, each exported name with its kind and declared type — is written to
 * `public-api.txt` beside this file. A change to the surface changes that file, so it shows in
 * review; `vitest -u` accepts it.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import ts from 'typescript';
import { beforeAll, describe, expect, test } from 'vitest';
import { REPO_ROOT } from '../browser/support/reference-app.js';
import { ensureBuilt } from './build.js';

const pkg = JSON.parse(readFileSync(join(REPO_ROOT, 'package.json'), 'utf8')) as {
  exports: Record<string, string | { types?: string }>;
};

/** `kind name: type` for one exported symbol, aliases resolved. */
function describeExport(checker: ts.TypeChecker, symbol: ts.Symbol): string {
  const target = symbol.flags & ts.SymbolFlags.Alias ? checker.getAliasedSymbol(symbol) : symbol;
  const declaration = target.declarations?.[0];
  const kind =
    declaration === undefined ? 'unknown' : ts.SyntaxKind[declaration.kind].replace(/Declaration$/, '');
  if (target.flags & (ts.SymbolFlags.Interface | ts.SymbolFlags.TypeAlias | ts.SymbolFlags.Class))
    return `${kind} ${symbol.name}`;
  const type = checker.getTypeOfSymbol(target);
  const text = checker.typeToString(type, undefined, ts.TypeFormatFlags.NoTruncation);
  return `${kind} ${symbol.name}: ${text}`;
}

/** The report: one section per subpath, names sorted. */
function report(): string {
  const entries = Object.entries(pkg.exports)
    .filter(([, target]) => typeof target === 'object' && target.types !== undefined)
    .map(([subpath, target]) => [subpath, join(REPO_ROOT, (target as { types: string }).types)] as const);
  const program = ts.createProgram(
    entries.map(([, file]) => file),
    {
      module: ts.ModuleKind.NodeNext,
      moduleResolution: ts.ModuleResolutionKind.NodeNext,
      skipLibCheck: true,
    },
  );
  const checker = program.getTypeChecker();
  const sections: string[] = [];
  for (const [subpath, file] of entries) {
    const source = program.getSourceFile(file);
    const moduleSymbol = source === undefined ? undefined : checker.getSymbolAtLocation(source);
    const lines = (moduleSymbol === undefined ? [] : checker.getExportsOfModule(moduleSymbol))
      .map((symbol) => describeExport(checker, symbol))
      .sort((a, b) => (a.split(' ')[1] ?? '').localeCompare(b.split(' ')[1] ?? ''));
    sections.push(
      `## latchkey${subpath === '.' ? '' : subpath.slice(1)} (${lines.length} names)\n${lines.join('\n')}`,
    );
  }
  return `${sections.join('\n\n')}\n`;
}

describe('the public API report (issue 15 item 3)', () => {
  beforeAll(async () => {
    await ensureBuilt();
  }, 300_000);

  test('public-api.txt is the surface the published types export', async () => {
    await expect(report()).toMatchFileSnapshot('./public-api.txt');
  }, 120_000);
});
