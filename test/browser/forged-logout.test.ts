/**
 * Issue 6, in a real browser: a page of another origin cannot log the visitor out (INVARIANTS 6).
 * Its `<img>` only GETs the "Log out?" page; its fetch and its self-submitting form are POSTs
 * without the CSRF token, refused by the Origin / Fetch Metadata check (same site: another port
 * of 127.0.0.1, where the browser attaches the session cookie) or the Fetch Metadata check
 * (another site: localhost, where SameSite=Lax also keeps the session cookie out of the POSTs).
 */
import type { Browser } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { attackerPage, startAttackerSite } from './support/attacker.js';
import {
  BROWSER_TEST_TIMEOUT_MS,
  shouldRunBrowserTests,
  startAppAndBrowser,
  withPages,
} from './support/chromium.js';
import { logIn, recordRequests, recordResponses, visitDashboard } from './support/pages.js';
import { csrfRejections, type ReferenceApp } from './support/reference-app.js';

const PASSWORD = 'correct horse battery staple';

const runs = shouldRunBrowserTests('forged logout');

describe.runIf(runs)('forged logout in real Chromium', { timeout: BROWSER_TEST_TIMEOUT_MS }, () => {
  let app: ReferenceApp;
  let browser: Browser;
  let origin: string;

  beforeAll(async () => {
    ({ app, browser } = await startAppAndBrowser());
    origin = `http://127.0.0.1:${app.port}`;
    await app.createUser('alice', PASSWORD);
  }, 60_000);

  afterAll(async () => {
    await browser?.close();
    await app?.stop();
  });

  const attackers = [
    {
      kind: 'a same-site page (another port of 127.0.0.1)',
      host: '127.0.0.1',
      sameSite: true,
      reason: 'bad_origin',
    },
    { kind: 'a cross-site page (localhost)', host: 'localhost', sameSite: false, reason: 'cross_site' },
  ] as const;

  for (const attacker of attackers) {
    const title = `INVARIANTS 6: ${attacker.kind} cannot log the user out with an img, a fetch or a form`;
    test(title, () =>
      withPages(browser, title, async (open) => {
        const logoutUrl = `${origin}/accounts/logout/`;
        const site = await startAttackerSite(attackerPage(logoutUrl));
        try {
          const page = await open();
          await logIn(page, origin, 'alice', PASSWORD);
          const sent = recordRequests(page, logoutUrl);
          const answered = recordResponses(page, logoutUrl);
          const rejectedBefore = csrfRejections(app, attacker.reason);

          await page.goto(`http://${attacker.host}:${site.port}/kittens`);
          // The form's POST is the last thing the page does; it lands on the app's 403 page.
          await page.waitForURL(logoutUrl);

          // All three attempts left the browser; their answers are then hidden from the page (the
          // image's by ORB, the fetch's by CORS), so the app's log tells what became of the fetch.
          const attempts = await sent.all();
          expect(attempts.map((r) => [r.resourceType, r.method])).toEqual(
            expect.arrayContaining([
              ['image', 'GET'],
              ['fetch', 'POST'],
              ['document', 'POST'],
            ]),
          );
          expect(attempts).toHaveLength(3);
          // From the same site the form's POST carries the session cookie: only the app's own check
          // stands in the way. From another site SameSite=Lax keeps it out as well.
          const form = attempts.find((r) => r.resourceType === 'document');
          expect(form?.cookies.includes('sessionid')).toBe(attacker.sameSite);
          const documents = (await answered.all()).filter((r) => r.resourceType === 'document');
          expect(documents.map((r) => [r.method, r.status])).toEqual([['POST', 403]]);
          // Both POSTs were refused by the origin check, before any token was looked at.
          expect(csrfRejections(app, attacker.reason) - rejectedBefore).toBe(2);

          expect(await visitDashboard(page, origin)).toEqual({
            url: `${origin}/dashboard/`,
            users: ['alice'],
          });
        } finally {
          await site.close();
        }
      }),
    );
  }
});
