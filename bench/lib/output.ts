/**
 * @module Where a run's results go: bench/results/latest.json (a complete full run),
 * latest-quick.json (`--quick`) or latest-partial.json (`--only` or `--scenarios`), and, after a
 * complete full run, the results sections between marker comments: every table in bench/README.md,
 * the main ones in the project's README.md. `npm run bench:readme` redoes the sections from
 * bench/results/latest.json.
 */
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { dirname } from 'node:path';
import type { BenchResults } from './results.js';
import { renderMarkdown } from './tables.js';

const START = '<!-- bench:results:start -->';
const END = '<!-- bench:results:end -->';

/** Writes the JSON; returns its path. A partial run never overwrites the last complete one. */
export function writeJson(results: BenchResults, options: { complete: boolean }): string {
  const file =
    results.kind === 'quick'
      ? 'bench/results/latest-quick.json'
      : options.complete
        ? 'bench/results/latest.json'
        : 'bench/results/latest-partial.json';
  mkdirSync(dirname(file), { recursive: true });
  writeFileSync(file, `${JSON.stringify(results, null, 2)}\n`);
  return file;
}

/** The tables the project README shows; bench/README.md has them all. */
const SUMMARY_TABLES = ['S1 ', 'S3 ', 'S4 ', 'Goals'];

/** Replaces the section between the markers of `readme` (when it has them); returns whether it did. */
function replaceSection(readme: string, body: string): boolean {
  if (!existsSync(readme)) return false;
  const text = readFileSync(readme, 'utf8');
  const start = text.indexOf(START);
  const end = text.indexOf(END);
  if (start < 0 || end < start) return false;
  writeFileSync(readme, `${text.slice(0, start)}${START}\n${body}\n${END}${text.slice(end + END.length)}`);
  return true;
}

/** Replaces the results sections of both READMEs; returns the files it changed. */
export function updateReadme(
  results: BenchResults,
  files = { bench: 'bench/README.md', project: 'README.md' },
): string[] {
  const when = `Last full run: ${results.finishedAt}.`;
  const changed: string[] = [];
  if (replaceSection(files.bench, `${when}\n\n${renderMarkdown(results)}`)) changed.push(files.bench);
  const summary = `${when} Every table, the method and the CPU profiles: [bench/README.md](bench/README.md).\n\n${renderMarkdown(results, SUMMARY_TABLES)}`;
  if (replaceSection(files.project, summary)) changed.push(files.project);
  return changed;
}
