/**
 * @module `node --import tsx bench/ab.ts <other-checkout> [S1|S3] [rounds] [seconds]`: the same
 * Latchkey bench server from two checkouts (this one and another, e.g. the commit before a change),
 * measured in alternation with the same generator, and the ratio this/other of each round. How each
 * change in bench/README.md's notes was measured.
 */
import { randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { latchkeyContenders } from './contenders/latchkey.js';
import { runLoad } from './lib/load.js';
import { currentLoad } from './lib/machine.js';
import { startServer } from './lib/processes.js';
import { authenticatedTargets, cycleTargets } from './scenarios/http.js';

const [other, scenario = 'S1', roundsText = '3', secondsText = '5', store = 'memory'] = process.argv.slice(2);
if (other === undefined) {
  process.stderr.write('usage: bench/ab.ts <other-checkout> [S1|S3] [rounds] [seconds] [store]\n');
  process.exit(2);
}
const contender = latchkeyContenders().find((c) => c.name === `latchkey-${store}`);
if (contender === undefined) throw new Error(`no contender latchkey-${store}`);
const work = mkdtempSync(join(tmpdir(), 'latchkey-ab-'));
const start = (root: string, label: string) =>
  startServer(
    resolve(root, contender.script),
    {
      ...contender.env,
      HASHER: 'fast',
      DATA_DIR: mkdtempSync(join(work, `${label}-`)),
      SECRET_KEY: randomBytes(48).toString('base64url'),
      ...(process.env.REDIS_URL ? { REDIS_URL: process.env.REDIS_URL } : {}),
    },
    { label },
  );
const here = process.cwd();
const mine = await start('.', 'this');
// tsx takes the tsconfig (JSX settings) of the working directory: start the other one from its own.
process.chdir(resolve(other));
const servers = [mine, await start('.', 'other').finally(() => process.chdir(here))];
try {
  const running = servers.map((s) => ({ contender, origin: s.origin }));
  const targets = scenario === 'S3' ? cycleTargets(running) : await authenticatedTargets(running);
  const ratios: number[] = [];
  for (let round = 1; round <= Number(roundsText); round++) {
    const rates: number[] = [];
    for (const target of targets) {
      const spec = { origin: target.origin, connections: 32, ...target.sequence };
      await runLoad({ ...spec, seconds: 1 });
      const r = await runLoad({ ...spec, seconds: Number(secondsText) });
      rates.push(r.perSecond);
    }
    const [mine = 0, theirs = 1] = rates;
    ratios.push(mine / theirs);
    process.stdout.write(
      `${scenario} round ${round}: this ${mine.toFixed(0)}/s, other ${theirs.toFixed(0)}/s, ratio ${(mine / theirs).toFixed(2)} (load ${currentLoad()})\n`,
    );
  }
  const sorted = [...ratios].sort((a, b) => a - b);
  process.stdout.write(
    `${scenario} median ratio this/other: ${sorted[Math.floor(sorted.length / 2)]?.toFixed(2)}\n`,
  );
} finally {
  await Promise.all(servers.map((s) => s.stop()));
  rmSync(work, { recursive: true, force: true });
}
