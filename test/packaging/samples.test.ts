/**
 * Issue 15 item 1: the documentation's code runs as written. Every ```ts sample of README.md and
 * docs/*.md is type-checked against the built package (`latchkey/...` resolves to `dist/` through
 * the package's own `exports`), and each sample marked `<!-- quick start: <framework> -->` is run
 * as a reader runs it — in an empty directory, with only SECRET_KEY and PORT set — through a real
 * login and logout. The samples for Bun, Deno and SvelteKit (docs/frameworks.md) are checked against
 * a copy of the few runtime types they use (`samples/runtimes.d.ts`), not against the runtimes.
 */
import { type ChildProcess, execFileSync, spawn, spawnSync } from 'node:child_process';
import { once } from 'node:events';
import {
  copyFileSync,
  mkdirSync,
  mkdtempSync,
  readdirSync,
  readFileSync,
  rmSync,
  writeFileSync,
} from 'node:fs';
import { tmpdir } from 'node:os';
import { join, relative } from 'node:path';
import { pathToFileURL } from 'node:url';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { REPO_ROOT } from '../browser/support/reference-app.js';
import { TEST_SECRET } from '../support/app.js';
import { freePort, isListening } from '../support/ports.js';
import { ensureBuilt } from './build.js';
import { loginAndLogout } from './flow.js';

/** One ```ts block of a document. */
interface Sample {
  readonly doc: string;
  readonly line: number;
  readonly code: string;
  /** The framework named by a `<!-- quick start: … -->` line just above it, if any. */
  readonly quickStart: string | null;
}

/** Every ```ts block of `file`, with the line it starts on and its quick-start marker. */
function samplesOf(file: string, text: string): Sample[] {
  const samples: Sample[] = [];
  const lines = text.split('\n');
  for (let i = 0; i < lines.length; i++) {
    if (lines[i]?.trim() !== '```ts') continue;
    const end = lines.findIndex((line, j) => j > i && line.trim() === '```');
    const marker = /^<!-- quick start: ([a-z]+) -->$/.exec(lines[i - 1]?.trim() ?? '');
    samples.push({
      doc: file,
      line: i + 1,
      code: lines.slice(i + 1, end).join('\n'),
      quickStart: marker?.[1] ?? null,
    });
    i = end;
  }
  return samples;
}

const DOCS = ['README.md', ...readdirSync(join(REPO_ROOT, 'docs')).map((name) => `docs/${name}`)].filter(
  (f) => f.endsWith('.md'),
);
const SAMPLES = DOCS.flatMap((doc) => samplesOf(doc, readFileSync(join(REPO_ROOT, doc), 'utf8')));
/** Inside the repository, so that `latchkey` resolves to the package itself (self-reference). */
const OUT = join(REPO_ROOT, '.samples');
const fileOf = (sample: Sample): string =>
  `${sample.doc.replace(/[/.]/g, '_')}_line${sample.line}${sample.quickStart === null ? '' : `_${sample.quickStart}`}.ts`;
const PASSWORD = 'sample test password 1';
/** tsx by path: the reader's empty directory has no node_modules to find it in. */
const TSX = pathToFileURL(join(REPO_ROOT, 'node_modules/tsx/dist/loader.mjs')).href;

describe('the documentation samples (issue 15 item 1)', () => {
  beforeAll(async () => {
    await ensureBuilt();
    rmSync(OUT, { recursive: true, force: true });
    mkdirSync(OUT);
    for (const file of ['context.ts', 'runtimes.d.ts'])
      copyFileSync(join(REPO_ROOT, 'test/packaging/samples', file), join(OUT, file));
    for (const sample of SAMPLES) writeFileSync(join(OUT, fileOf(sample)), `${sample.code}\n`);
    writeFileSync(
      join(OUT, 'tsconfig.json'),
      JSON.stringify({
        extends: '../tsconfig.json',
        compilerOptions: { noEmit: true, rootDir: '.', noUnusedLocals: false },
        include: ['*.ts'],
        exclude: [],
      }),
    );
  }, 300_000);

  afterAll(() => rmSync(OUT, { recursive: true, force: true }));

  test('there are samples, and a quick start for each framework', () => {
    expect(SAMPLES.length).toBeGreaterThan(5);
    expect(SAMPLES.map((s) => s.quickStart).filter((q) => q !== null)).toEqual([
      'hono',
      'express',
      'fastify',
    ]);
  });

  test('every TypeScript sample type-checks against the built package', () => {
    const result = spawnSync(
      process.execPath,
      [join(REPO_ROOT, 'node_modules/typescript/bin/tsc'), '-p', OUT],
      {
        encoding: 'utf8',
      },
    );
    // Name the document and line, not the generated file.
    const errors = (result.stdout + result.stderr).replace(
      /(\S+?)_line(\d+)\S*?\.ts\((\d+),\d+\)/g,
      (_, doc, line, at) =>
        `${String(doc)
          .replace(/_md$/, '.md')
          .replace(/^docs_/, 'docs/')}:${Number(line) + Number(at)}`,
    );
    expect(errors).toBe('');
    expect(result.status).toBe(0);
  }, 120_000);

  for (const framework of ['hono', 'express', 'fastify']) {
    test(`the ${framework} quick start runs as written: a real login and logout`, async () => {
      const sample = SAMPLES.find((s) => s.quickStart === framework);
      if (sample === undefined) throw new Error(`no quick start for ${framework}`);
      const cwd = mkdtempSync(join(tmpdir(), `latchkey-quickstart-${framework}-`));
      const port = await freePort();
      const env = { ...process.env, SECRET_KEY: TEST_SECRET, PORT: String(port) };
      let app: ChildProcess | undefined;
      let output = '';
      try {
        // The reader's user, made with the CLI, in the file the quick start opens (./data/app.sqlite3).
        const cli = (args: string[], input = ''): void => {
          execFileSync(process.execPath, [join(REPO_ROOT, 'dist/src/cli/main.js'), ...args], {
            cwd,
            env: { ...env, DATABASE_URL: 'sqlite:./data/app.sqlite3' },
            input,
            stdio: 'pipe',
          });
        };
        cli(['migrate']);
        cli(['createuser', 'alice', '--password-stdin'], `${PASSWORD}\n`);
        // The samples print nothing: they are ready when the port answers.
        app = spawn(process.execPath, ['--import', TSX, join(OUT, fileOf(sample))], {
          env,
          cwd,
          stdio: ['ignore', 'pipe', 'pipe'],
        });
        app.stderr?.on('data', (chunk: Buffer) => {
          output += chunk.toString();
        });
        const deadline = Date.now() + 30_000;
        while (!(await isListening(port))) {
          if (Date.now() > deadline || app.exitCode !== null)
            throw new Error(
              `${framework} quick start (${sample.doc}:${sample.line}) did not listen:\n${output}`,
            );
          await new Promise((resolve) => setTimeout(resolve, 100));
        }
        // `localhost`, as the README's link says: ALLOWED_HOSTS lists it.
        await loginAndLogout(`http://localhost:${port}`, 'alice', PASSWORD);
      } finally {
        if (app !== undefined && app.exitCode === null) {
          const exited = once(app, 'exit');
          app.kill('SIGTERM');
          await exited;
        }
        rmSync(cwd, { recursive: true, force: true });
        expect(relative(REPO_ROOT, cwd).startsWith('..')).toBe(true);
      }
    }, 90_000);
  }
});
