/**
 * @module Rewrites the results sections of README.md and bench/README.md from the last complete run
 * (bench/results/latest.json), e.g. after the tables' layout changed: `npm run bench:readme`.
 */
import { readFileSync } from 'node:fs';
import { updateReadme } from './lib/output.js';
import type { BenchResults } from './lib/results.js';

const results = JSON.parse(readFileSync('bench/results/latest.json', 'utf8')) as BenchResults;
const changed = updateReadme(results);
process.stdout.write(changed.length > 0 ? `rewrote ${changed.join(', ')}\n` : 'no results markers found\n');
