/**
 * @module The reference app's error pages (400, 403, 404, 405, 413, 429, 500, 503): the same frame
 * as every page, a heading a person understands, the one-line reason, and a way back. API calls
 * keep Latchkey's `{"error"}` JSON. Nothing of the request is echoed but through JSX escaping.
 */
import { type HttpRequest, wantsJson } from '../../src/index.js';
import { Layout } from './layout.js';

const HEADINGS: Readonly<Record<number, string>> = {
  400: 'Bad request',
  403: 'Forbidden',
  404: 'Page not found',
  405: 'Method not allowed',
  413: 'Request too large',
  429: 'Too many attempts',
  500: 'Something went wrong',
  503: 'Temporarily unavailable',
};

function headingFor(status: number): string {
  return HEADINGS[status] ?? (status >= 500 ? 'Something went wrong' : 'Request refused');
}

/**
 * Latchkey's `renderError` for the app: a page in the app's layout, or JSON for API calls.
 * @example
 * createLatchkey({ …, renderError: renderErrorPage });
 */
export function renderErrorPage(request: HttpRequest, status: number, message: string): Response {
  const headers = { 'Cache-Control': 'no-store' };
  if (wantsJson(request)) return Response.json({ error: message }, { status, headers });
  const frame = { title: headingFor(status), username: null, csrfToken: null, messages: [], nonce: null };
  const page = (
    <Layout frame={frame}>
      <section class="card">
        <p>{message}</p>
        <p>
          <a href="/">Back to the home page</a>
        </p>
      </section>
    </Layout>
  ).toString();
  // The layout has no async parts, so Hono renders it synchronously; a promise would mean one was added.
  if (typeof page !== 'string') throw new TypeError('renderErrorPage: the layout must render synchronously');
  return new Response(`<!doctype html>${page}`, {
    status,
    headers: { ...headers, 'Content-Type': 'text/html; charset=utf-8' },
  });
}
