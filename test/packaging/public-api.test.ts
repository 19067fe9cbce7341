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

const printer = ts.createPrinter({ removeComments: true, newLine: ts.NewLineKind.LineFeed });

/** A declaration as the `.d.ts` writes it, without comments, `export` or `declare`, on one line. */
function printed(node: ts.Node): string {
  return printer
    .printNode(ts.EmitHint.Unspecified, node, node.getSourceFile())
    .replace(/\s+/g, ' ')
    .replace(/^(export )?(default )?(declare )?(abstract )?(class |interface |type |enum )?/, '')
    .trim();
}

/** Private members are no part of the surface (`#private`, `private x`). */
function isPublicMember(member: ts.Node): boolean {
  const name = (member as { name?: ts.Node }).name;
  if (name !== undefined && ts.isPrivateIdentifier(name)) return false;
  return !(ts.getCombinedModifierFlags(member as ts.Declaration) & ts.ModifierFlags.Private);
}

/**
 * One exported symbol: `Kind name: type` for values; for interfaces and classes the heading as
 * declared (type parameters, `extends`, `implements`) and then one indented line per public member;
 * for type aliases the declared type. So a changed signature, member or union shows in the diff.
 */
function describeExport(checker: ts.TypeChecker, symbol: ts.Symbol): string {
  const target = symbol.flags & ts.SymbolFlags.Alias ? checker.getAliasedSymbol(symbol) : symbol;
  const declaration = target.declarations?.[0];
  if (declaration === undefined) return `unknown ${symbol.name}`;
  const kind = ts.SyntaxKind[declaration.kind].replace(/Declaration$/, '');
  if (ts.isInterfaceDeclaration(declaration) || ts.isClassDeclaration(declaration)) {
    const heading = printed(declaration).replace(/\s*\{.*$/, '');
    const members = (declaration.members as ts.NodeArray<ts.Node>)
      .filter(isPublicMember)
      .map((member) => `    ${printed(member)}`);
    return [`${kind} ${heading}`, ...members].join('\n');
  }
  if (ts.isTypeAliasDeclaration(declaration) || ts.isEnumDeclaration(declaration)) {
    return `${kind} ${printed(declaration)}`;
  }
  const type = checker.getTypeOfSymbol(target);
  const text = checker.typeToString(type, undefined, ts.TypeFormatFlags.NoTruncation);
  return `${kind} ${symbol.name}: ${text}`;
}

/** The exported name of a report entry (its second word), for sorting. */
function nameOf(entry: string): string {
  return entry.split(/[\s<:(=]+/)[1] ?? '';
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
      .sort((a, b) => nameOf(a).localeCompare(nameOf(b)));
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
    await expect(
      report(),
      'The public API changed. If that is intended, run `npx vitest run test/packaging/public-api.test.ts -u` and commit public-api.txt (and note the change in CHANGELOG.md).',
    ).toMatchFileSnapshot('./public-api.txt');
  }, 120_000);
});
