/**
 * @module What a user does on the reference app's pages, in a real browser: fill the login form,
 * press the logout button in the header, read who the dashboard belongs to.
 */
import type { Page, Response } from 'playwright-core';

/** The private content of the dashboard: the username it shows. */
export const DASHBOARD_USER = '[data-testid="dashboard-user"]';

/**
 * Logs in through the login form and waits for the dashboard (LOGIN_REDIRECT_URL).
 * @example
 * await logIn(page, 'http://127.0.0.1:8000', 'alice', 'a long password 1');
 */
export async function logIn(page: Page, origin: string, username: string, password: string): Promise<void> {
  await page.goto(`${origin}/accounts/login/`);
  await page.locator('input[name="username"]').fill(username);
  await page.locator('input[name="password"]').fill(password);
  await page.getByRole('button', { name: 'Log in' }).click();
  await page.waitForURL(`${origin}/dashboard/`);
}

/**
 * Presses the logout button in the page header and waits for the page it redirects to.
 * @example
 * await pressLogout(page, `${origin}/accounts/login/`);
 */
export async function pressLogout(page: Page, landing: string): Promise<void> {
  await page.locator('header').getByRole('button', { name: 'Log out' }).click();
  await page.waitForURL(landing);
}

/**
 * The usernames the page shows as private dashboard content (none on any other page).
 * @example
 * expect(await dashboardUsers(page)).toEqual(['alice']);
 */
export async function dashboardUsers(page: Page): Promise<string[]> {
  return page.locator(DASHBOARD_USER).allTextContents();
}

/**
 * Opens the dashboard as the user would (typing its address) and returns who it shows.
 * @example
 * expect(await visitDashboard(page, origin)).toEqual({ url: `${origin}/dashboard/`, users: ['alice'] });
 */
export async function visitDashboard(page: Page, origin: string): Promise<{ url: string; users: string[] }> {
  await page.goto(`${origin}/dashboard/`);
  return { url: page.url(), users: await dashboardUsers(page) };
}

/** One response the page received, as recorded by {@link recordResponses}. */
export interface SeenResponse {
  readonly method: string;
  readonly url: string;
  readonly status: number;
  readonly resourceType: string;
  /** Every header as received, `Set-Cookie` and `Clear-Site-Data` included (lower-case names). */
  readonly headers: Readonly<Record<string, string>>;
}

/** The responses seen so far; `all()` waits until each one's headers are read. */
export interface ResponseLog {
  all(): Promise<SeenResponse[]>;
}

/**
 * Records every response the page receives whose URL starts with `prefix`, including redirects,
 * images and fetches whose bodies the page itself may not read.
 * @example
 * const logout = recordResponses(page, `${origin}/accounts/logout/`);
 * // … press the button …
 * expect((await logout.all()).map((r) => r.status)).toEqual([302]);
 */
export function recordResponses(page: Page, prefix: string): ResponseLog {
  const seen: Promise<SeenResponse>[] = [];
  page.on('response', (response: Response) => {
    if (!response.url().startsWith(prefix)) return;
    const request = response.request();
    // allHeaders() has the raw headers; headers() leaves out Clear-Site-Data and Set-Cookie.
    seen.push(
      response.allHeaders().then((headers) => ({
        method: request.method(),
        url: response.url(),
        status: response.status(),
        resourceType: request.resourceType(),
        headers,
      })),
    );
  });
  return { all: () => Promise.all(seen) };
}

/** One request the page sent, as recorded by {@link recordRequests}. */
export interface SentRequest {
  readonly resourceType: string;
  readonly method: string;
  /**
   * Names of the cookies the browser attached; empty also when the browser blocked the answer
   * (CORS, ORB) before reporting the final headers, so only a document's list is conclusive.
   */
  readonly cookies: readonly string[];
}

/**
 * Records every request the page sends to a URL starting with `prefix`, with the names of the
 * cookies the browser attached, including requests whose answers the browser then hides from the
 * page (CORS, ORB).
 * @example
 * const sent = recordRequests(page, `${origin}/accounts/logout/`);
 * // … later …
 * expect((await sent.all()).map((r) => r.method)).toEqual(['POST']);
 */
export function recordRequests(page: Page, prefix: string): { all(): Promise<SentRequest[]> } {
  const sent: Promise<SentRequest>[] = [];
  page.on('request', (request) => {
    if (!request.url().startsWith(prefix)) return;
    sent.push(
      request.headerValue('cookie').then((header) => ({
        resourceType: request.resourceType(),
        method: request.method(),
        cookies: (header ?? '')
          .split(';')
          .map((pair) => pair.split('=')[0]?.trim() ?? '')
          .filter((name) => name !== ''),
      })),
    );
  });
  return { all: () => Promise.all(sent) };
}
