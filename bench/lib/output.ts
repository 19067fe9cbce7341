/**
 * @module Where a run's results go: bench/results/latest.json (a complete full run),
 * latest-quick.json (`--quick`) or latest-partial.json (`--only` or `--scenarios`), and, after a
 * complete full run, the results section of bench/README.md between its two marker comments.
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

/** Replaces the results section of `readme` (when it has the markers); returns whether it did. */
export function updateReadme(results: BenchResults, readme = 'bench/README.md'): boolean {
  if (!existsSync(readme)) return false;
  const text = readFileSync(readme, 'utf8');
  const start = text.indexOf(START);
  const end = text.indexOf(END);
  if (start < 0 || end < start) return false;
  const section = `${START}\nLast full run: ${results.finishedAt}.\n\n${renderMarkdown(results)}\n${END}`;
  writeFileSync(readme, text.slice(0, start) + section + text.slice(end + END.length));
  return true;
}
