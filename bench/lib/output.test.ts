import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, test } from 'vitest';
import { updateReadme } from './output.js';
import type { BenchResults } from './results.js';

const latest = JSON.parse(readFileSync('bench/results/latest.json', 'utf8')) as BenchResults;

function readmes(): { bench: string; project: string } {
  const dir = mkdtempSync(join(tmpdir(), 'bench-readme-'));
  return { bench: join(dir, 'bench.md'), project: join(dir, 'project.md') };
}

describe('results sections of the READMEs', () => {
  test('replaces only what is between the markers, every table in one, the main ones in the other', () => {
    const files = readmes();
    const page = (title: string): string =>
      `# ${title}\n\nbefore\n\n<!-- bench:results:start -->\nold numbers\n<!-- bench:results:end -->\n\nafter\n`;
    writeFileSync(files.bench, page('Benchmarks'));
    writeFileSync(files.project, page('Latchkey'));

    expect(updateReadme(latest, files)).toEqual([files.bench, files.project]);

    const bench = readFileSync(files.bench, 'utf8');
    const project = readFileSync(files.project, 'utf8');
    for (const text of [bench, project]) {
      expect(text.startsWith('# ')).toBe(true);
      expect(text).toContain('\nbefore\n');
      expect(text.endsWith('<!-- bench:results:end -->\n\nafter\n')).toBe(true);
      expect(text).not.toContain('old numbers');
      expect(text).toContain(`Last full run: ${latest.finishedAt}.`);
      expect(text).toContain('**S1 authenticated page');
      expect(text).toContain('**Goals');
    }
    expect(bench).toContain('**S2 ');
    expect(project).not.toContain('**S2 ');
    expect(project).not.toContain('**CPU profile');
    expect(project).toContain('[bench/README.md](bench/README.md)');
  });

  test('running it twice gives the same file', () => {
    const files = readmes();
    writeFileSync(files.bench, 'x\n<!-- bench:results:start -->\n<!-- bench:results:end -->\n');
    updateReadme(latest, files);
    const once = readFileSync(files.bench, 'utf8');
    updateReadme(latest, files);
    expect(readFileSync(files.bench, 'utf8')).toBe(once);
  });

  test("the tables are already as the project's formatter writes them (npm run lint passes after a run)", () => {
    const files = readmes();
    writeFileSync(files.bench, '# Benchmarks\n\n<!-- bench:results:start -->\n<!-- bench:results:end -->\n');
    updateReadme(latest, files);
    const written = readFileSync(files.bench, 'utf8');
    const formatted = execFileSync('node_modules/.bin/biome', ['format', '--stdin-file-path=bench.md'], {
      input: written,
      encoding: 'utf8',
    });
    expect(formatted).toBe(written);
  });

  test('a file without the markers, or missing, is left alone', () => {
    const files = readmes();
    writeFileSync(files.bench, '# no markers here\n');
    expect(updateReadme(latest, files)).toEqual([]);
    expect(readFileSync(files.bench, 'utf8')).toBe('# no markers here\n');
  });
});
