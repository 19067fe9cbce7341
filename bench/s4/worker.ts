/**
 * @module One S4 measurement in a process of its own (so a million-session heap or its garbage
 * collection never touches another measurement): `node --import tsx bench/s4/worker.ts <approach>
 * <total> <trials>`, with DATA_DIR and REDIS_URL in the environment; prints one JSON line.
 */

import type { S4Measurement } from './fixture.js';
import { measureLatchkeyStore } from './latchkey-stores.js';
import { measureConnectRedisScan, measureDjangoDecode } from './peers.js';

const [approach = '', totalText = '', trialsText = ''] = process.argv.slice(2);
const total = Number(totalText);
const trials = Number(trialsText);
const dir = process.env.DATA_DIR ?? '';
const redisUrl = process.env.REDIS_URL;

function needRedis(): string {
  if (redisUrl === undefined) throw new Error(`${approach} needs REDIS_URL`);
  return redisUrl;
}

async function measure(): Promise<S4Measurement> {
  switch (approach) {
    case 'latchkey-memory':
      return measureLatchkeyStore('memory', total, trials, { dir, redisUrl });
    case 'latchkey-sqlite':
      return measureLatchkeyStore('sqlite', total, trials, { dir, redisUrl });
    case 'latchkey-redis':
      return measureLatchkeyStore('redis', total, trials, { dir, redisUrl });
    case 'latchkey-postgres':
      return measureLatchkeyStore('postgres', total, trials, { dir, redisUrl });
    case 'latchkey-mysql':
      return measureLatchkeyStore('mysql', total, trials, { dir, redisUrl });
    case 'connect-redis-scan':
      return measureConnectRedisScan(total, trials, needRedis());
    case 'django-decode-every-row':
      return measureDjangoDecode(total, trials, dir);
    default:
      throw new Error(`unknown S4 approach "${approach}"`);
  }
}

if (!Number.isInteger(total) || total < 10 || !Number.isInteger(trials) || trials < 1 || dir === '') {
  process.stderr.write('usage: DATA_DIR=… [REDIS_URL=…] worker.ts <approach> <total> <trials>\n');
  process.exit(2);
}
process.stdout.write(`${JSON.stringify(await measure())}\n`);
