/**
 * @module Summarises a V8 CPU profile of a benchmark server: self time by module (a package, a
 * Latchkey source file, Node's internals, GC) and the top functions, as shares of the samples taken
 * while the process was not idle. Samples are counted, not their time deltas: on a busy machine a
 * descheduled process would otherwise charge the whole pause to whatever function it stopped in.
 * That is the evidence a missed goal's note points at.
 */
import { readFileSync } from 'node:fs';
import type { ProfileSummary } from './results.js';

interface ProfileNode {
  readonly id: number;
  readonly callFrame: { functionName: string; url: string; lineNumber: number };
}

interface CpuProfile {
  readonly nodes: readonly ProfileNode[];
  readonly samples: readonly number[];
  readonly timeDeltas: readonly number[];
}

const IDLE = new Set(['(idle)', '(root)']);

/** The module a frame belongs to: `pkg` for node_modules, `src/…` for Latchkey, `node:…`, or a V8 marker. */
export function moduleOf(url: string, functionName: string): string {
  if (url === '') return functionName.startsWith('(') ? functionName : '(native)';
  const modules = url.lastIndexOf('/node_modules/');
  if (modules >= 0) {
    const [first = '', second = ''] = url.slice(modules + '/node_modules/'.length).split('/');
    return first.startsWith('@') ? `${first}/${second}` : first;
  }
  if (url.startsWith('node:')) return url.split('/').slice(0, 2).join('/');
  const local = /\/(src|app|bench)\/(.+)$/.exec(url);
  return local === null ? url : `${local[1]}/${local[2]}`;
}

/**
 * Reads `file` and returns its summary.
 * @example
 * summarizeProfile('bench/results/profiles/x.cpuprofile', { contender: 'latchkey-redis', scenario: 'S1' });
 */
export function summarizeProfile(
  file: string,
  labels: { contender: string; scenario: string },
  top = 15,
): ProfileSummary {
  const profile = JSON.parse(readFileSync(file, 'utf8')) as CpuProfile;
  const byId = new Map(profile.nodes.map((n) => [n.id, n]));
  const selfSamples = new Map<number, number>();
  for (const id of profile.samples) selfSamples.set(id, (selfSamples.get(id) ?? 0) + 1);
  const elapsedUs = profile.timeDeltas.reduce((a, b) => a + b, 0);
  let busy = 0;
  let total = 0;
  const byModule = new Map<string, number>();
  const byFunction = new Map<string, { name: string; where: string; us: number }>();
  for (const [id, us] of selfSamples) {
    const frame = byId.get(id)?.callFrame;
    if (frame === undefined) continue;
    total += us;
    if (IDLE.has(frame.functionName)) continue;
    busy += us;
    const module = moduleOf(frame.url, frame.functionName);
    byModule.set(module, (byModule.get(module) ?? 0) + us);
    const where = frame.url === '' ? module : `${module}:${frame.lineNumber + 1}`;
    const name = frame.functionName || '(anonymous)';
    const key = `${name}@${where}`;
    const entry = byFunction.get(key) ?? { name, where, us: 0 };
    entry.us += us;
    byFunction.set(key, entry);
  }
  const share = (us: number): number => (busy === 0 ? 0 : Math.round((us / busy) * 1000) / 10);
  return {
    contender: labels.contender,
    scenario: labels.scenario,
    file,
    totalMs: Math.round(elapsedUs / 1000),
    samples: total,
    byModule: [...byModule]
      .sort((a, b) => b[1] - a[1])
      .slice(0, top)
      .map(([module, us]) => ({ module, selfPercent: share(us) })),
    topFunctions: [...byFunction.values()]
      .sort((a, b) => b.us - a.us)
      .slice(0, top)
      .map((f) => ({ name: f.name, where: f.where, selfPercent: share(f.us) })),
  };
}
