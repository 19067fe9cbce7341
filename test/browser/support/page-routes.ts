/**
 * @module Every page of the reference app as a person sees it, for the browser tests of issue 15
 * (screenshots at desktop and phone widths, no Content-Security-Policy violation). A new page gets
 * both checks by adding one line here: its name (the screenshot's file name), its path, and who
 * looks at it. `setup` runs first in the same page, for pages reached through a form.
 */
import type { Page } from 'playwright-core';

/** Who is looking: nobody, or the logged-in test user. */
export type Viewer = 'anonymous' | 'user';

/** One page to visit. */
export interface PageRoute {
  /** A short name, unique in the list: the screenshot is `<name>-<width>.png`. */
  readonly name: string;
  readonly path: string;
  readonly viewer: Viewer;
  /** The HTTP status the page answers with (200 unless said). */
  readonly status?: number;
  /** Steps before the page is looked at (it must end on the page), given the app's origin. */
  readonly setup?: (page: Page, origin: string) => Promise<void>;
}

/** The test user's password (the user is created by the test). */
export const PAGE_TEST_PASSWORD = 'correct horse battery staple';

async function failLogin(page: Page, origin: string): Promise<void> {
  await page.goto(`${origin}/accounts/login/`);
  await page.locator('input[name="username"]').fill('alice');
  await page.locator('input[name="password"]').fill('not the password');
  await page.getByRole('button', { name: 'Log in' }).click();
  await page.waitForLoadState('load');
}

/** The pages, in the order a newcomer meets them. */
export const PAGE_ROUTES: readonly PageRoute[] = [
  { name: 'home-anonymous', path: '/', viewer: 'anonymous' },
  { name: 'login', path: '/accounts/login/', viewer: 'anonymous' },
  { name: 'login-failed', path: '/accounts/login/', viewer: 'anonymous', setup: failLogin },
  { name: 'cart', path: '/cart/', viewer: 'anonymous' },
  { name: 'password-reset', path: '/accounts/password_reset/', viewer: 'anonymous' },
  { name: 'password-reset-sent', path: '/accounts/password_reset/done/', viewer: 'anonymous' },
  { name: 'password-reset-invalid-link', path: '/accounts/reset/MQ/bad-token/', viewer: 'anonymous' },
  { name: 'password-reset-complete', path: '/accounts/reset/done/', viewer: 'anonymous' },
  { name: 'home', path: '/', viewer: 'user' },
  { name: 'dashboard', path: '/dashboard/', viewer: 'user' },
  { name: 'sessions', path: '/accounts/sessions/', viewer: 'user' },
  { name: 'logout-confirm', path: '/accounts/logout/', viewer: 'user' },
  { name: 'password-change', path: '/accounts/password_change/', viewer: 'user' },
  { name: 'password-change-done', path: '/accounts/password_change/done/', viewer: 'user' },
  { name: 'reauthenticate', path: '/accounts/reauthenticate/', viewer: 'user' },
  // Logged in: an anonymous visitor is sent to the login page (login required by default).
  { name: 'not-found', path: '/no/such/page/', viewer: 'user', status: 404 },
];
