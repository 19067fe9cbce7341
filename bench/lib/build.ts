/**
 * @module The benchmark servers compiled by tsc into bench/.build (bench/tsconfig.json), so that
 * every contender runs as JavaScript started with plain `node`, as the published package does.
 * Through tsx they would run esbuild's output with `keepNames`: one `Object.defineProperty` per
 * closure made per request, 5% of Latchkey's S1 throughput (bench/README.md).
 */
import { execFile } from 'node:child_process';
import { createRequire } from 'node:module';
import { relative, resolve } from 'node:path';
import { promisify } from 'node:util';

/** Where tsc writes the compiled servers (and the src/, app/ and test/support/ files they import). */
export const BUILD_DIR = 'bench/.build';

/**
 * The compiled file of a server script: `bench/servers/latchkey.ts` → `bench/.build/bench/servers/latchkey.js`.
 * @example
 * startServer(compiledServer(contender.script), env, { label: contender.name });
 */
export function compiledServer(script: string): string {
  const path = relative(process.cwd(), resolve(script));
  if (!/^bench\/servers\/[^/]+\.tsx?$/.test(path)) {
    throw new Error(`not a benchmark server script: ${script}`);
  }
  return `${BUILD_DIR}/${path.replace(/\.tsx?$/, '.js')}`;
}

let compiling: Promise<void> | null = null;

/**
 * Compiles the servers once per process (about 8 s); a type error stops the run with tsc's output.
 * @example
 * await compileServers();
 */
export function compileServers(): Promise<void> {
  compiling ??= (async () => {
    const tsc = createRequire(import.meta.url).resolve('typescript/bin/tsc');
    try {
      await promisify(execFile)(process.execPath, [tsc, '-p', 'bench/tsconfig.json'], {
        maxBuffer: 16 * 1024 * 1024,
      });
    } catch (error) {
      const { stdout = '', message } = error as { stdout?: string; message: string };
      throw new Error(`bench: tsc could not compile the servers:\n${stdout || message}`);
    }
  })();
  return compiling;
}
