/**
 * @module What the run ran on, printed first and kept in the JSON: CPU model, cores, memory, Node,
 * Redis, and the load average before and after (other work on the machine skews every number; the
 * ratios, taken in alternation, less so).
 */
import { cpus, loadavg, type as osType, release, totalmem } from 'node:os';

/** The machine a run ran on. */
export interface Machine {
  readonly cpu: string;
  readonly cores: number;
  readonly memoryGiB: number;
  readonly os: string;
  readonly node: string;
  redis: string | null;
  readonly loadBefore: number;
  loadAfter: number | null;
}

/** Describes this machine now. */
export function describeMachine(): Machine {
  const list = cpus();
  return {
    cpu: list[0]?.model.trim() ?? 'unknown CPU',
    cores: list.length,
    memoryGiB: Math.round(totalmem() / 2 ** 30),
    os: `${osType()} ${release()}`,
    node: process.version,
    redis: null,
    loadBefore: Math.round((loadavg()[0] ?? 0) * 100) / 100,
    loadAfter: null,
  };
}

/** The `machine: …` line of the report. */
export function machineLine(m: Machine): string {
  const redis = m.redis === null ? '' : `, redis ${m.redis}`;
  return `machine: ${m.cpu}, ${m.cores} cores, node ${m.node}${redis} (${m.os}, ${m.memoryGiB} GiB; load average ${m.loadBefore} at start${m.loadAfter === null ? '' : `, ${m.loadAfter} at end`})`;
}

/** The current 1-minute load average, rounded. */
export function currentLoad(): number {
  return Math.round((loadavg()[0] ?? 0) * 100) / 100;
}
