/**
 * @module The page frame: header with the user and a logout button (a POST form, never a link),
 * messages, content. The stylesheet and script carry the response's CSP nonce (`../csp.ts`), so
 * every page rendered through this layout passes the policy.
 */
import type { Child, FC } from 'hono/jsx';

/** One message to show once. */
export interface ShownMessage {
  readonly tags: string;
  readonly text: string;
}

/** What every page shows around its content. */
export interface Frame {
  readonly title: string;
  readonly username: string | null;
  /** Needed for the logout button when someone is logged in. */
  readonly csrfToken: string | null;
  readonly messages: readonly ShownMessage[];
  /**
   * The response's CSP nonce, or `null` for a page sent without a policy naming one (error pages,
   * the benchmark's peers): the local-time script is then left out, as the policy would refuse it.
   */
  readonly nonce: string | null;
}

/** The logout button: GET must never log out, so it is a form that POSTs with the CSRF token. */
export const LogoutButton: FC<{ csrfToken: string; label?: string }> = ({ csrfToken, label }) => (
  <form method="post" action="/accounts/logout/" class="inline">
    <input type="hidden" name="csrfmiddlewaretoken" value={csrfToken} />
    <button type="submit">{label ?? 'Log out'}</button>
  </form>
);

export const Layout: FC<{ frame: Frame; children?: Child }> = ({ frame, children }) => (
  <html lang="en">
    <head>
      <meta charset="utf-8" />
      <meta name="viewport" content="width=device-width, initial-scale=1" />
      <title>{frame.title} · Latchkey</title>
      <link rel="icon" href="/static/favicon.svg" type="image/svg+xml" />
      <link rel="stylesheet" href="/static/style.css" nonce={frame.nonce ?? undefined} />
      {frame.nonce !== null && <script src="/static/local-time.js" nonce={frame.nonce} defer />}
    </head>
    <body>
      <header>
        <a href="/" class="brand">
          <img src="/static/favicon.svg" alt="" />
          Latchkey
        </a>
        <nav>
          <a href="/cart/">Cart</a>
          {frame.username !== null && frame.csrfToken !== null ? (
            <>
              <a href="/dashboard/">Dashboard</a>
              <a href="/accounts/sessions/">Sessions</a>
              <span class="user" data-testid="username">
                {frame.username}
              </span>
              <LogoutButton csrfToken={frame.csrfToken} />
            </>
          ) : (
            <a href="/accounts/login/">Log in</a>
          )}
        </nav>
      </header>
      <main>
        {frame.messages.length > 0 && (
          <ul class="messages">
            {frame.messages.map((m) => (
              <li class={`message ${m.tags}`} role="status">
                {m.text}
              </li>
            ))}
          </ul>
        )}
        <h1>{frame.title}</h1>
        {children}
      </main>
    </body>
  </html>
);
