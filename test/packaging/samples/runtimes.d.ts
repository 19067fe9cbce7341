/**
 * The few types of Bun, Deno and SvelteKit that docs/frameworks.md's samples use, declared here so
 * that the samples type-check without those runtimes or packages installed (issue 15 item 13). They
 * mirror the real declarations' shapes (`bun-types`, Deno's `lib.deno.ns.d.ts`, `@sveltejs/kit`) for
 * the members used, nothing more: a sample that type-checks here was checked against this copy,
 * not against the runtime (docs/frameworks.md says which real versions they were last checked
 * against by hand). Next.js route handlers need no types of their own.
 */

declare namespace Bun {
  interface SocketAddress {
    address: string;
    port: number;
    family: 'IPv4' | 'IPv6';
  }
  interface Server<WebSocketData> {
    requestIP(request: Request): SocketAddress | null;
    upgrade(request: Request, options?: { data?: WebSocketData }): boolean;
  }
  function serve<WebSocketData = undefined>(options: {
    port?: string | number;
    hostname?: string;
    fetch(
      this: Server<WebSocketData>,
      request: Request,
      server: Server<WebSocketData>,
    ): Response | Promise<Response>;
  }): Server<WebSocketData>;
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
