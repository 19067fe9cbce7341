/**
 * @module An attacker's site for browser tests: a tiny node:http server whose one page tries to
 * log its visitor out of the app in the three ways a page can (an image, a fetch, a form that
 * submits itself).
 */
import { createServer, type Server } from 'node:http';

/** A running attacker site. */
export interface AttackerSite {
  readonly port: number;
  close(): Promise<void>;
}

/**
 * The page: `<img src=logoutUrl>` (a GET), `fetch(logoutUrl, { method: 'POST', credentials:
 * 'include' })`, and, once both have settled, a POST form to `logoutUrl` submitted by script (a
 * top-level navigation, so the last request the visitor's browser makes is the form's).
 * @example
 * attackerPage('http://127.0.0.1:8000/accounts/logout/');
 */
export function attackerPage(logoutUrl: string): string {
  const url = JSON.stringify(logoutUrl);
  const attr = logoutUrl.replace(/&/g, '&amp;').replace(/"/g, '&quot;');
  return `<!doctype html>
<html lang="en">
<head><meta charset="utf-8"><title>Free kittens</title></head>
<body>
<h1>Free kittens</h1>
<img id="pixel" src="${attr}" alt="">
<form id="trap" method="post" action="${attr}">
  <input type="hidden" name="next" value="/">
</form>
<script>
  const pixel = document.getElementById('pixel');
  const image = new Promise((done) => {
    if (pixel.complete) done();
    pixel.addEventListener('load', done);
    pixel.addEventListener('error', done);
  });
  const post = fetch(${url}, { method: 'POST', credentials: 'include' }).catch(() => undefined);
  Promise.all([image, post]).then(() => document.getElementById('trap').submit());
</script>
</body>
</html>
`;
}

/**
 * Serves `html` at every path on a free port of 127.0.0.1, which a browser reaches both as
 * http://127.0.0.1:port (the same site as an app on 127.0.0.1, another origin) and as
 * http://localhost:port (another site).
 * @example
 * const site = await startAttackerSite(attackerPage(`${origin}/accounts/logout/`));
 */
export async function startAttackerSite(html: string): Promise<AttackerSite> {
  const server: Server = createServer((_request, response) => {
    response.writeHead(200, { 'Content-Type': 'text/html; charset=utf-8', 'Cache-Control': 'no-store' });
    response.end(html);
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => resolve());
  });
  const address = server.address();
  const port = typeof address === 'object' && address !== null ? address.port : 0;
  return {
    port,
    close: () =>
      new Promise((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}
