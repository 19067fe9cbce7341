/** @module `latchkey audit`: shows the audit log, newest first, as a table. */
import { parseArgs } from 'node:util';
import { AUDIT_LIST_MAX, AuditLog } from '../audit/log.js';
import { type CliContext, CliError, EXIT, parseUsage } from './context.js';
import { withDatabase } from './database.js';
import { formatTable, printable } from './table.js';

/** How `audit` is called. */
export const AUDIT_USAGE = 'audit [--user U] [--limit N]';

function parseLimit(raw: string | undefined): number {
  if (raw === undefined) return 50;
  const limit = /^[0-9]{1,6}$/.test(raw) ? Number(raw) : 0;
  if (limit < 1 || limit > AUDIT_LIST_MAX) {
    throw new CliError(
      `--limit must be a whole number from 1 to ${AUDIT_LIST_MAX} (usage: latchkey ${AUDIT_USAGE})`,
      {
        exitCode: EXIT.usage,
      },
    );
  }
  return limit;
}

/** `2026-03-01T12:00:00.000Z` as `2026-03-01 12:00:00Z`: sortable, unambiguous, short. */
function formatTime(date: Date): string {
  return `${date.toISOString().slice(0, 19).replace('T', ' ')}Z`;
}

/**
 * Prints time, event, user, IP and session hash of the newest rows (50 by default).
 * @example
 * await auditCommand({ argv: ['--user', 'alice', '--limit', '20'], env, stdin, stdout, stderr });
 */
export async function auditCommand(ctx: CliContext): Promise<number> {
  const { values } = parseUsage(AUDIT_USAGE, () =>
    parseArgs({ args: [...ctx.argv], options: { user: { type: 'string' }, limit: { type: 'string' } } }),
  );
  const limit = parseLimit(values.limit);
  const records = await withDatabase(ctx, (db) => new AuditLog(db).list({ user: values.user, limit }));
  if (records.length === 0) {
    ctx.stdout.write(
      values.user === undefined
        ? 'No audit records.\n'
        : `No audit records for "${printable(values.user)}".\n`,
    );
    return EXIT.ok;
  }
  const rows = records.map((r) => [formatTime(r.createdAt), r.event, r.username, r.ip, r.sessionHash]);
  ctx.stdout.write(formatTable(['time', 'event', 'user', 'ip', 'session'], rows));
  return EXIT.ok;
}
