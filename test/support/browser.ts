/**
 * @module A cookie-keeping client for HTTP tests: it drives a real app in-process (Hono's
 * `app.request`, or any `fetch`-shaped handler) and keeps cookies the way a browser does.
 */

/** Anything that answers a WHATWG Request (a Hono app's `request`, or `fetch` to a server). */
export type Handler = (request: Request) => Response | Promise<Response>;

/** One cookie as the browser stored it, with the attributes of its last `Set-Cookie`. */
export interface StoredCookie {
  readonly value: string;
  readonly attributes: string;
}

/** Options of one request. */
export interface RequestOptions {
  readonly form?: Record<string, string>;
  readonly json?: unknown;
  /** A form sent as `multipart/form-data` (the boundary is set by the platform). */
  readonly multipart?: FormData;
  readonly body?: string;
  readonly headers?: Record<string, string>;
}

/** The hidden CSRF field of a rendered form. */
export function csrfFieldOf(html: string): string | null {
  return /name="csrfmiddlewaretoken" value="([^"]+)"/.exec(html)?.[1] ?? null;
}

/**
 * A browser-like client with a cookie jar.
 * @example
 * const browser = new Browser(app.request.bind(app));
 * const page = await browser.get('/accounts/login/');
 */
export class Browser {
  readonly cookies: Map<string, StoredCookie>;
  readonly origin: string;
  readonly #handler: Handler;

  /** `jar` shares cookies with another client, as two tabs on two ports of one host do. */
  constructor(handler: Handler, options: { origin?: string; jar?: Map<string, StoredCookie> } = {}) {
    this.#handler = handler;
    this.origin = options.origin ?? 'http://localhost';
    this.cookies = options.jar ?? new Map();
  }

  cookie(name: string): string | null {
    return this.cookies.get(name)?.value ?? null;
  }

  #remember(response: Response): void {
    for (const header of response.headers.getSetCookie()) {
      const [pair = '', ...attributes] = header.split(';');
      const eq = pair.indexOf('=');
      const name = pair.slice(0, eq).trim();
      const value = pair.slice(eq + 1).trim();
      const attrs = attributes.map((a) => a.trim()).join('; ');
      if (/max-age=0\b/i.test(attrs) || value === '') this.cookies.delete(name);
      else this.cookies.set(name, { value, attributes: attrs });
    }
  }

  /** Sends a request with the jar's cookies and remembers the cookies of the answer. */
  async request(method: string, path: string, options: RequestOptions = {}): Promise<Response> {
    const headers = new Headers(options.headers);
    if (this.cookies.size > 0 && !headers.has('cookie')) {
      headers.set('cookie', [...this.cookies].map(([name, c]) => `${name}=${c.value}`).join('; '));
    }
    let body: string | FormData | undefined = options.body;
    if (options.multipart !== undefined) {
      body = options.multipart;
    } else if (options.form !== undefined) {
      body = new URLSearchParams(options.form).toString();
      if (!headers.has('content-type')) headers.set('content-type', 'application/x-www-form-urlencoded');
    } else if (options.json !== undefined) {
      body = JSON.stringify(options.json);
      if (!headers.has('content-type')) headers.set('content-type', 'application/json');
    }
    const response = await this.#handler(
      new Request(new URL(path, this.origin), {
        method,
        headers,
        redirect: 'manual',
        ...(body === undefined ? {} : { body }),
      }),
    );
    this.#remember(response);
    return response;
  }

  get(path: string, options: RequestOptions = {}): Promise<Response> {
    return this.request('GET', path, options);
  }

  post(path: string, options: RequestOptions = {}): Promise<Response> {
    return this.request('POST', path, options);
  }

  /** GETs `pagePath`, then POSTs `form` to `action` with the page's CSRF token, as a user submitting it would. */
  async submit(pagePath: string, action: string, form: Record<string, string>): Promise<Response> {
    const page = await this.get(pagePath);
    const token = csrfFieldOf(await page.text());
    if (token === null) throw new Error(`No CSRF field on ${pagePath}`);
    return this.post(action, { form: { csrfmiddlewaretoken: token, ...form } });
  }

  /** Logs in through the login form. */
  async login(username: string, password: string, next?: string): Promise<Response> {
    return this.submit('/accounts/login/', '/accounts/login/', {
      username,
      password,
      ...(next ? { next } : {}),
    });
  }

  /** Logs out through the logout button (the confirmation page's form). */
  async logout(extra: Record<string, string> = {}): Promise<Response> {
    return this.submit('/accounts/logout/', '/accounts/logout/', extra);
  }
}
