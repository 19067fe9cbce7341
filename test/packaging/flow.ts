/**
 * @module The login/logout a reader of the quick starts expects, over real HTTP: the private page
 * sends an anonymous visitor to the login form, a wrong password is refused, the right one logs in,
 * logout is a POST with the page's CSRF token, and afterwards the private page is closed again.
 */
import { expect } from 'vitest';
import { Browser, csrfFieldOf } from '../support/browser.js';

/**
 * Runs the flow against the server at `origin` for a user that exists with `password`.
 * @example
 * await loginAndLogout('http://127.0.0.1:3000', 'alice', 'a long passphrase');
 */
export async function loginAndLogout(origin: string, username: string, password: string): Promise<void> {
  const user = new Browser((request) => fetch(request), { origin });
  const anonymous = await user.get('/dashboard/');
  expect(anonymous.status).toBe(302);
  expect(anonymous.headers.get('location')).toMatch(/^\/accounts\/login\/\?next=/);

  const wrong = await user.login(username, `not ${password}`);
  expect(wrong.status).toBe(200);

  const login = await user.login(username, password);
  expect(login.status).toBe(302);
  expect(login.headers.get('location')).toBe('/dashboard/');

  const dashboard = await user.get('/dashboard/');
  expect(dashboard.status).toBe(200);
  const page = await dashboard.text();
  expect(page).toContain(username);
  const token = csrfFieldOf(page);
  expect(token).not.toBeNull();

  // GET never logs out.
  expect((await user.get('/accounts/logout/')).status).toBe(200);
  expect((await user.get('/dashboard/')).status).toBe(200);

  const logout = await user.post('/accounts/logout/', { form: { csrfmiddlewaretoken: token ?? '' } });
  // 302 to LOGOUT_REDIRECT_URL, or 200 with the logged-out page when it is null (Django's default).
  expect([200, 302]).toContain(logout.status);
  expect(user.cookie('sessionid')).toBeNull();
  expect((await user.get('/dashboard/')).status).toBe(302);
}
