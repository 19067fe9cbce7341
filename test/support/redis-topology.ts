/**
 * @module Real Redis topologies for the Cluster and Sentinel tests, started from Debian's
 * `redis-server` on free loopback ports in a temporary directory, without persistence: a 6-node
 * cluster (3 primaries, 3 replicas) and a primary with one replica watched by 3 Sentinels. `stop()`
 * ends exactly the processes it started (by their pid) and removes the directory.
 */
import { type ChildProcess, spawn, spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Redis } from 'ioredis';
import { freePort } from './ports.js';

/** One redis-server process the test controls. */
export interface RedisNode {
  readonly port: number;
  /** Freezes the process (SIGSTOP): it holds its connections but answers nothing. */
  pause(): void;
  /** Thaws it (SIGCONT). */
  resume(): void;
  /** Kills it (SIGKILL), as a crash would. */
  kill(): Promise<void>;
  /** A plain client to this node (the caller quits it). */
  client(): Redis;
}

/** The processes of one topology. */
export interface RedisTopology {
  readonly nodes: readonly RedisNode[];
  /** Ends every process this topology started and removes its directory. */
  stop(): Promise<void>;
}

/** A running Redis Cluster. */
export interface RedisClusterTopology extends RedisTopology {
  /** `host:port` seeds, as `REDIS_CLUSTER_NODES` takes them. */
  readonly seeds: string;
}

/** A running primary + replica under 3 Sentinels. */
export interface RedisSentinelTopology extends RedisTopology {
  readonly primary: RedisNode;
  readonly replica: RedisNode;
  readonly sentinels: readonly RedisNode[];
  /** As `REDIS_SENTINELS` takes them. */
  readonly sentinelList: string;
  readonly name: string;
}

/** Whether `redis-server` and `redis-cli` are on the PATH. */
export function hasRedisBinaries(): boolean {
  return (
    spawnSync('redis-server', ['--version']).status === 0 &&
    spawnSync('redis-cli', ['--version']).status === 0
  );
}

/**
 * Whether the tests of `suite` can start their own redis-server: warns loudly when they cannot, or,
 * under `CI`, throws so the test file fails.
 * @example
 * const available = redisBinariesFor('the Redis Cluster tests');
 */
export function redisBinariesFor(suite: string): boolean {
  if (hasRedisBinaries()) return true;
  if (['1', 'true'].includes((process.env.CI ?? '').toLowerCase()))
    throw new Error(`redis-server/redis-cli are not installed; CI never skips ${suite}`);
  console.warn(
    `\n${'!'.repeat(78)}\n!! SKIPPING ${suite}: no redis-server on the PATH.\n${'!'.repeat(78)}\n`,
  );
  return false;
}

/** Polls `condition` every 100 ms until it holds, or throws after `ms`. */
export async function until(condition: () => Promise<boolean>, what: string, ms = 20_000): Promise<void> {
  const deadline = Date.now() + ms;
  for (;;) {
    if (await condition().catch(() => false)) return;
    if (Date.now() > deadline) throw new Error(`redis topology: timed out waiting until ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
}

function quickClient(port: number): Redis {
  const client = new Redis({ port, host: '127.0.0.1', lazyConnect: true, maxRetriesPerRequest: 0 });
  client.on('error', () => {});
  return client;
}

/** Runs one command on a node and quits. */
export async function ask(port: number, ...args: string[]): Promise<unknown> {
  const client = quickClient(port);
  try {
    return await client.call(args[0] as string, ...args.slice(1));
  } finally {
    client.disconnect();
  }
}

async function startNode(
  dir: string,
  args: string[],
  port: number,
): Promise<RedisNode & { child: ChildProcess }> {
  const child = spawn(
    'redis-server',
    [...args, '--port', String(port), '--bind', '127.0.0.1', '--dir', dir],
    {
      stdio: 'ignore',
    },
  );
  let exited = false;
  child.once('exit', () => {
    exited = true;
  });
  const node = {
    child,
    port,
    pause: () => void child.kill('SIGSTOP'),
    resume: () => void child.kill('SIGCONT'),
    async kill() {
      if (exited) return;
      const done = new Promise((resolve) => child.once('exit', resolve));
      child.kill('SIGCONT');
      child.kill('SIGKILL');
      await done;
    },
    client: () => new Redis({ port, host: '127.0.0.1', maxRetriesPerRequest: 1 }),
  };
  await until(async () => (await ask(port, 'PING')) === 'PONG', `redis-server on ${port} answers`);
  return node;
}

function topology(dir: string, nodes: RedisNode[]): RedisTopology {
  const killAll = (): void => {
    for (const node of nodes) (node as RedisNode & { child: ChildProcess }).child.kill('SIGKILL');
  };
  process.once('exit', killAll);
  return {
    nodes,
    async stop() {
      process.removeListener('exit', killAll);
      await Promise.all(nodes.map((node) => node.kill()));
      rmSync(dir, { recursive: true, force: true });
    },
  };
}

const NO_PERSISTENCE = ['--save', '', '--appendonly', 'no'];

/**
 * Starts one redis-server, to freeze (SIGSTOP) or kill.
 * @example
 * const { node, stop } = await startRedisServer();
 */
export async function startRedisServer(): Promise<RedisTopology & { readonly node: RedisNode }> {
  const dir = mkdtempSync(join(tmpdir(), 'latchkey-redis-'));
  const nodes: (RedisNode & { child: ChildProcess })[] = [];
  const started = topology(dir, nodes);
  try {
    nodes.push(await startNode(dir, NO_PERSISTENCE, await freePort()));
  } catch (error) {
    await started.stop();
    throw error;
  }
  return { ...started, node: nodes[0] as RedisNode };
}

/**
 * Starts a 6-node cluster (3 primaries, 3 replicas) and waits until every node reports it healthy.
 * `cluster-node-timeout` is 1 s, so a killed primary's replica takes over within a few seconds.
 * @example
 * const cluster = await startRedisCluster();
 * afterAll(() => cluster.stop());
 */
export async function startRedisCluster(): Promise<RedisClusterTopology> {
  const dir = mkdtempSync(join(tmpdir(), 'latchkey-cluster-'));
  const ports: number[] = [];
  while (ports.length < 6) {
    const port = await freePort();
    // The cluster bus listens on port + 10000: both must be free and below 65536.
    if (port < 55_000 && !ports.includes(port)) ports.push(port);
  }
  const nodes: (RedisNode & { child: ChildProcess })[] = [];
  const started = topology(dir, nodes);
  try {
    for (const port of ports) {
      const args = ['--cluster-enabled', 'yes', '--cluster-config-file', `nodes-${port}.conf`];
      nodes.push(await startNode(dir, [...args, '--cluster-node-timeout', '1000', ...NO_PERSISTENCE], port));
    }
    const create = spawnSync(
      'redis-cli',
      [
        '--cluster',
        'create',
        ...ports.map((p) => `127.0.0.1:${p}`),
        '--cluster-replicas',
        '1',
        '--cluster-yes',
      ],
      { encoding: 'utf8', timeout: 30_000 },
    );
    if (create.status !== 0)
      throw new Error(`redis-cli --cluster create failed: ${create.stdout}${create.stderr}`);
    for (const port of ports)
      await until(
        async () => String(await ask(port, 'CLUSTER', 'INFO')).includes('cluster_state:ok'),
        'the cluster is ok',
      );
  } catch (error) {
    await started.stop();
    throw error;
  }
  return { ...started, seeds: ports.map((p) => `127.0.0.1:${p}`).join(',') };
}

/**
 * Starts a primary, its replica and 3 Sentinels (quorum 2, down after 1 s) and waits until every
 * Sentinel knows the replica and the other Sentinels.
 * @example
 * const sentinel = await startRedisSentinel();
 * afterAll(() => sentinel.stop());
 */
export async function startRedisSentinel(): Promise<RedisSentinelTopology> {
  const dir = mkdtempSync(join(tmpdir(), 'latchkey-sentinel-'));
  const name = 'latchkey';
  const nodes: (RedisNode & { child: ChildProcess })[] = [];
  const started = topology(dir, nodes);
  try {
    const primary = await startNode(dir, NO_PERSISTENCE, await freePort());
    nodes.push(primary);
    const replica = await startNode(
      dir,
      [...NO_PERSISTENCE, '--replicaof', '127.0.0.1', String(primary.port)],
      await freePort(),
    );
    nodes.push(replica);
    await until(
      async () => String(await ask(primary.port, 'INFO', 'replication')).includes('connected_slaves:1'),
      'the replica is in sync',
    );
    const sentinels: RedisNode[] = [];
    for (let i = 0; i < 3; i++) {
      const port = await freePort();
      const file = join(dir, `sentinel-${port}.conf`);
      writeFileSync(
        file,
        [
          `sentinel monitor ${name} 127.0.0.1 ${primary.port} 2`,
          `sentinel down-after-milliseconds ${name} 1000`,
          `sentinel failover-timeout ${name} 5000`,
          `sentinel parallel-syncs ${name} 1`,
          '',
        ].join('\n'),
      );
      const sentinel = await startNode(dir, [file, '--sentinel'], port);
      nodes.push(sentinel);
      sentinels.push(sentinel);
    }
    for (const sentinel of sentinels)
      await until(async () => {
        const info = (await ask(sentinel.port, 'SENTINEL', 'MASTER', name)) as string[];
        const field = (key: string): string => String(info[info.indexOf(key) + 1]);
        return field('num-slaves') === '1' && field('num-other-sentinels') === '2';
      }, 'the Sentinels know each other and the replica');
    return {
      ...started,
      primary,
      replica,
      sentinels,
      sentinelList: sentinels.map((s) => `127.0.0.1:${s.port}`).join(','),
      name,
    };
  } catch (error) {
    await started.stop();
    throw error;
  }
}
