/**
 * @module Throwaway databases for tests (see `sql-servers.ts`), and the rule for servers that
 * cannot be reached: on a developer's machine their tests are skipped with a loud warning; under
 * `CI` they never are: the tests fail.
 */
import { describe, test } from 'vitest';
import { SERVERS, type ServerDialect, serverLabel, serverProblem, type TestDialect } from './sql-servers.js';

export * from './sql-servers.js';

function inCi(): boolean {
  const ci = process.env.CI;
  return ci !== undefined && ci !== '' && ci !== '0' && ci.toLowerCase() !== 'false';
}

/**
 * Registers `body` under `describe(title)` when `dialect` can run here. An unreachable server skips
 * it with a loud warning, or under `CI` registers one failing test instead, so a missing database
 * service can never pass for a green build.
 * @example
 * await describeOnDialect('postgres', 'users on postgres', () => { test(...) });
 */
export async function describeOnDialect(
  dialect: TestDialect,
  title: string,
  body: () => void,
): Promise<void> {
  const problem = dialect === 'sqlite' ? null : await serverProblem(dialect);
  if (problem === null) {
    describe(title, body);
    return;
  }
  const where = serverLabel(dialect as ServerDialect);
  const env = SERVERS[dialect as ServerDialect].env;
  if (inCi()) {
    describe(title, () => {
      test(`${where} is reachable (CI never skips database tests)`, () => {
        throw new Error(`${where} is unreachable (${problem}); start it or set ${env}`);
      });
    });
    return;
  }
  const line = '!'.repeat(78);
  console.warn(
    `\n${line}\n!! SKIPPING "${title}": cannot reach ${where} (${problem}).\n` +
      `!! Start the server or set ${env}. Under CI=true these tests fail instead.\n${line}\n`,
  );
  describe.skip(title, body);
}
