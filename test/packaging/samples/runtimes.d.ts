/**
 * The few types of Bun, Deno and SvelteKit that docs/frameworks.md's samples use, declared here so
 * that the samples type-check without those runtimes or packages installed (issue 15 item 13). They
 * mirror the real declarations' shapes (`bun-types`, Deno's `lib.deno.ns.d.ts`, `@sveltejs/kit`) for
 * the members used, nothing more: a sample that type-checks here was checked against this copy,
 * not against the runtime. Next.js route handlers need no types of their own.
 */

declare namespace Bun {
  interface SocketAddress {
    address: string;
    port: number;
    family: 'IPv4' | 'IPv6';
  }
  interface Server {
    requestIP(request: Request): SocketAddress | null;
  }
  function serve(options: {
    port?: number;
    hostname?: string;
    fetch(this: Server, request: Request, server: Server): Response | Promise<Response>;
  }): Server;
}

declare namespace Deno {
  interface NetAddr {
    transport: 'tcp' | 'udp';
    hostname: string;
    port: number;
  }
  interface ServeHandlerInfo<Addr = NetAddr> {
    remoteAddr: Addr;
    completed: Promise<void>;
  }
  type ServeHandler<Addr = NetAddr> = (
    request: Request,
    info: ServeHandlerInfo<Addr>,
  ) => Response | Promise<Response>;
  function serve(handler: ServeHandler<NetAddr>): unknown;
  function serve(options: { port?: number; hostname?: string }, handler: ServeHandler<NetAddr>): unknown;
}

/** SvelteKit's app-wide types; an app declares its own members in `src/app.d.ts`. */
declare namespace App {
  // biome-ignore lint/suspicious/noEmptyInterface: filled in by the app (declaration merging)
  interface Locals {}
}

declare module '@sveltejs/kit' {
  type MaybePromise<T> = T | Promise<T>;
  interface RequestEvent {
    request: Request;
    url: URL;
    locals: App.Locals;
    getClientAddress(): string;
  }
  type Handle = (input: {
    event: RequestEvent;
    resolve(event: RequestEvent): MaybePromise<Response>;
  }) => MaybePromise<Response>;
  type RequestHandler = (event: RequestEvent) => MaybePromise<Response>;
}
