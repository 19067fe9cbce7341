/**
 * @module WHATWG `Response`s onto Node's `ServerResponse` and back: status, every header (each
 * `Set-Cookie` on its own line, RFC 6265 section 3), and the body streamed with back-pressure.
 */
import type { ServerResponse } from 'node:http';

/**
 * Node's outgoing headers (`res.getHeaders()`, Fastify's `reply.getHeaders()`) as WHATWG `Headers`.
 * @example
 * const head = new Response(null, { status: res.statusCode, headers: headersFromNode(res.getHeaders()) });
 */
export function headersFromNode(
  headers: Readonly<Record<string, string | number | readonly string[] | undefined>>,
): Headers {
  const out = new Headers();
  for (const [name, value] of Object.entries(headers)) {
    if (value === undefined) continue;
    for (const item of Array.isArray(value) ? value : [value]) out.append(name, String(item));
  }
  return out;
}

/** Header names and values, with every `Set-Cookie` kept apart (joining them would break them). */
export function headerEntries(headers: Headers): [name: string, value: string | string[]][] {
  const entries: [string, string | string[]][] = [];
  headers.forEach((value, name) => {
    if (name !== 'set-cookie') entries.push([name, value]);
  });
  const cookies = headers.getSetCookie();
  if (cookies.length > 0) entries.push(['set-cookie', cookies]);
  return entries;
}

/** The response headers the commit reads: whether caching was decided, and `Vary`. */
const COMMIT_READS = ['cache-control', 'vary'] as const;

/**
 * The headers to commit a framework's reply with: only those the commit reads (`commit.ts`), not a
 * copy of every header, which the commit would ignore and the adapter would then write back.
 * @example
 * const out = await pipeline.commit(ctx, new Response(null, { status, headers: commitInput((n) => res.getHeader(n)) }));
 */
export function commitInput(get: (name: string) => string | number | readonly string[] | undefined): Headers {
  const headers = new Headers();
  for (const name of COMMIT_READS) {
    const value = get(name);
    if (value !== undefined) headers.set(name, Array.isArray(value) ? value.join(', ') : String(value));
  }
  return headers;
}

/**
 * What the commit added to {@link commitInput}'s headers: its cookies (to append to the reply's
 * own), and `Vary` and `Cache-Control` where it changed them.
 */
export function commitAdditions(before: Headers, after: Headers): [name: string, value: string | string[]][] {
  const changes: [string, string | string[]][] = [];
  for (const name of COMMIT_READS) {
    const value = after.get(name);
    if (value !== null && value !== before.get(name)) changes.push([name, value]);
  }
  const cookies = after.getSetCookie();
  if (cookies.length > 0) changes.push(['set-cookie', cookies]);
  return changes;
}

/** Resolves when the response can take more data, or will never take any (finished, closed). */
export function drained(res: ServerResponse): Promise<void> {
  return new Promise((resolve) => {
    const done = (): void => {
      res.off('drain', done);
      res.off('close', done);
      res.off('finish', done);
      resolve();
    };
    res.on('drain', done);
    res.on('close', done);
    res.on('finish', done);
  });
}

/**
 * Writes a WHATWG `Response` to a Node response: its status, its headers over any already set
 * (its cookies added to theirs), and its body. Resolves when the body has been handed to Node.
 * @example
 * await writeResponse(res, Response.json({ ok: true }));
 */
export async function writeResponse(res: ServerResponse, response: Response): Promise<void> {
  const cookies = res.getHeader('set-cookie');
  for (const [name, value] of headerEntries(response.headers)) {
    const previous = name === 'set-cookie' && cookies !== undefined ? [cookies].flat().map(String) : [];
    res.setHeader(name, Array.isArray(value) ? [...previous, ...value] : value);
  }
  res.statusCode = response.status;
  if (response.statusText !== '') res.statusMessage = response.statusText;
  if (response.body === null) {
    res.end();
    return;
  }
  const reader = response.body.getReader();
  try {
    for (;;) {
      if (res.destroyed) break;
      const { done, value } = await reader.read();
      if (done) break;
      if (!res.write(value)) await drained(res);
    }
  } finally {
    await reader.cancel().catch(() => undefined);
  }
  res.end();
}
