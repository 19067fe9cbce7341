/**
 * @module Commit before the first byte, for Node's `ServerResponse`: whatever way a handler
 * answers (`writeHead`, `write`, `end`, `flushHeaders`, a pipe), nothing is sent until the session
 * is saved and its cookies are in the headers, or until the response has been replaced by the 400
 * or 503 the commit ended in. express-session sets its cookie before the save is known to succeed
 * and saves in parallel with the body; here the save is awaited first (INVARIANTS 1 and 10).
 */
import type { OutgoingHttpHeaders, ServerResponse } from 'node:http';
import { commitAdditions, commitInput, headerEntries } from './node-response.js';

/** How a response is committed; see {@link holdUntilCommitted}. */
export interface CommitHooks {
  /** Whether there is anything to commit; when not, the response goes out untouched. */
  needed(): boolean;
  /**
   * Receives the response's head (status and headers, no body) and returns either a bodiless
   * response with the same status and the headers to send, or a response with a body that
   * replaces the handler's. Must not throw.
   */
  commit(head: Response): Promise<Response>;
}

type Phase = 'open' | 'committing' | 'passing' | 'replaced';
const started = new WeakSet<ServerResponse>();

/** Whether the handler began its answer (even if it is still held while the session is saved). */
export function responseStarted(res: ServerResponse): boolean {
  return res.headersSent || started.has(res);
}

function setWriteHeadHeaders(res: ServerResponse, args: readonly unknown[]): void {
  const headers = args.find((arg) => typeof arg === 'object' && arg !== null);
  if (headers === undefined) return;
  if (!Array.isArray(headers)) {
    for (const [name, value] of Object.entries(headers as OutgoingHttpHeaders)) {
      if (value !== undefined) res.setHeader(name, value);
    }
    return;
  }
  // Node also takes a flat `[name, value, name, value, ...]` list.
  const list: unknown[] = headers;
  const pairs: unknown[][] = [];
  for (let i = 0; i + 1 < list.length; i += 2) pairs.push([list[i], list[i + 1]]);
  const grouped = new Map<string, string[]>();
  for (const [name, value] of pairs)
    grouped.set(String(name), [...(grouped.get(String(name)) ?? []), String(value)]);
  for (const [name, values] of grouped)
    res.setHeader(name, values.length === 1 ? (values[0] as string) : values);
}

/**
 * Holds every write of `res` until `hooks.commit` has run once, then sends the handler's output
 * with the committed headers, or the replacement instead of it.
 * @example
 * holdUntilCommitted(res, { needed: () => exchange.started, commit: (head) => pipeline.commit(exchange.context, head) });
 */
export function holdUntilCommitted(res: ServerResponse, hooks: CommitHooks): void {
  const original = {
    writeHead: res.writeHead,
    write: res.write,
    end: res.end,
    flushHeaders: res.flushHeaders,
  };
  let phase: Phase = 'open';
  const queue: (() => void)[] = [];
  const call = <T>(method: (...a: never[]) => T, args: readonly unknown[]): T =>
    (method as (...a: unknown[]) => T).apply(res, args as unknown[]);
  const pass = (): void => {
    // The wrappers stay (another middleware may have wrapped them in turn) and now delegate.
    phase = 'passing';
    for (const op of queue.splice(0)) op();
  };
  const replace = async (out: Response): Promise<void> => {
    phase = 'replaced';
    queue.length = 0;
    // Read first, then write synchronously: nothing the handler still does can interleave.
    const body = Buffer.from(await out.arrayBuffer());
    for (const name of res.getHeaderNames()) res.removeHeader(name);
    for (const [name, value] of headerEntries(out.headers)) res.setHeader(name, value);
    call(original.writeHead, [out.status]);
    call(original.end, [body]);
    // A handler waiting to write more must not wait forever; its writes are dropped from now on.
    res.emit('drain');
  };
  const settle = async (status: number): Promise<void> => {
    const headers = commitInput((name) => res.getHeader(name));
    const out = await hooks.commit(new Response(null, { status, headers }));
    if (out.body !== null || out.status !== status) return replace(out);
    for (const [name, value] of commitAdditions(headers, out.headers)) {
      if (name === 'set-cookie') res.appendHeader(name, value);
      else res.setHeader(name, value);
    }
    pass();
    if (!res.writableNeedDrain) res.emit('drain');
  };
  // True when `op` may run now; otherwise it is queued, and the first queued call starts the commit.
  const runsNow = (op: () => void, status: number): boolean => {
    started.add(res);
    if (phase === 'passing') return true;
    if (phase === 'open' && (!hooks.needed() || status < 200 || status > 599)) {
      pass();
      return true;
    }
    queue.push(op);
    if (phase === 'open') {
      phase = 'committing';
      settle(status).catch(() => res.destroy());
    }
    return false;
  };
  Object.assign(res, {
    writeHead(...args: unknown[]): ServerResponse {
      if (phase === 'replaced') return res;
      if (phase === 'passing') return call(original.writeHead, args);
      const status = Number(args[0]);
      setWriteHeadHeaders(res, args.slice(1));
      res.statusCode = status;
      const reason = args[1];
      if (typeof reason === 'string') res.statusMessage = reason;
      if (runsNow(() => call(original.writeHead, [status]), status)) call(original.writeHead, [status]);
      return res;
    },
    write(...args: unknown[]): boolean {
      if (phase === 'replaced') return swallow(args, true);
      return runsNow(() => call(original.write, args), res.statusCode) ? call(original.write, args) : false;
    },
    end(...args: unknown[]): ServerResponse {
      if (phase === 'replaced') return swallow(args, res);
      if (runsNow(() => call(original.end, args), res.statusCode)) call(original.end, args);
      return res;
    },
    flushHeaders(): void {
      if (phase === 'replaced') return;
      if (runsNow(() => call(original.flushHeaders, []), res.statusCode)) call(original.flushHeaders, []);
    },
  });
}

/** Drops a write of a replaced response, still calling its callback as Node would. */
function swallow<T>(args: readonly unknown[], result: T): T {
  const last = args.at(-1);
  if (typeof last === 'function') process.nextTick(() => last());
  return result;
}
