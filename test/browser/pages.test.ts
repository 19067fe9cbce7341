/**
 * Issue 15, items 7 and 8, in real Chromium: every page of the reference app (the list in
 * support/page-routes.ts) is opened at desktop and phone widths, as a visitor and as a logged-in
 * user, with no Content-Security-Policy violation (the DOM event and the console both watched),
 * its nonced script run, and a screenshot kept under test-results/screenshots/ for a person to look
 * at. The sessions page names devices ("Chrome on Linux"), marks this session, and the times show
 * in the reader's own time zone.
 */
import { mkdir } from 'node:fs/promises';
import { join } from 'node:path';
import type { BrowserContextOptions, Page } from 'playwright-core';
import { describe, expect, test } from 'vitest';
import {
  BROWSER_TEST_TIMEOUT_MS,
  shouldRunBrowserTests,
  useAppAndBrowser,
  withPages,
} from './support/chromium.js';
import { watchCsp } from './support/csp-watch.js';
import { PAGE_ROUTES, PAGE_TEST_PASSWORD, type Viewer } from './support/page-routes.js';
import { logIn } from './support/pages.js';
import { REPO_ROOT } from './support/reference-app.js';

/** Where the screenshots go (git-ignored, like every test result). */
const SHOTS = join(REPO_ROOT, 'test-results', 'screenshots');

const CHROME_ON_LINUX =
  'Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/156.0.0.0 Safari/537.36';
const SAFARI_ON_IPHONE =
  'Mozilla/5.0 (iPhone; CPU iPhone OS 18_5 like Mac OS X) AppleWebKit/605.1.15 (KHTML, like Gecko) Version/18.5 Mobile/15E148 Safari/604.1';

const WIDTHS: readonly { name: string; options: BrowserContextOptions }[] = [
  { name: 'desktop', options: { viewport: { width: 1280, height: 800 }, userAgent: CHROME_ON_LINUX } },
  {
    name: 'phone',
    options: {
      viewport: { width: 390, height: 844 },
      isMobile: true,
      hasTouch: true,
      userAgent: SAFARI_ON_IPHONE,
    },
  },
];

/** Set by /static/local-time.js once it ran: the nonced script was allowed (expressions run in the page). */
const LOCAL_TIMES_SHOWN = "document.documentElement.dataset.localTimes === 'shown'";

const runs = shouldRunBrowserTests('pages');

describe.runIf(runs)('every page in real Chromium', { timeout: 4 * BROWSER_TEST_TIMEOUT_MS }, () => {
  const env = useAppAndBrowser(async (app) => {
    await app.createUser('alice', PAGE_TEST_PASSWORD);
    await mkdir(SHOTS, { recursive: true });
  });

  /** Opens the page as `viewer` and checks what every page must do; returns nothing it saw. */
  async function look(page: Page, viewer: Viewer, widthName: string): Promise<void> {
    const csp = await watchCsp(page);
    if (viewer === 'user') await logIn(page, env.origin, 'alice', PAGE_TEST_PASSWORD);
    for (const route of PAGE_ROUTES.filter((r) => r.viewer === viewer)) {
      const where = `${route.name} at ${widthName}`;
      if (route.setup) await route.setup(page, env.origin);
      else {
        const response = await page.goto(`${env.origin}${route.path}`);
        expect(response?.status(), where).toBe(route.status ?? 200);
      }
      expect(new URL(page.url()).pathname, where).toBe(route.path);
      if ((route.status ?? 200) < 400) {
        // The one script is nonced: it ran, so the policy let it (and the stylesheet) through.
        await page.waitForFunction(LOCAL_TIMES_SHOWN);
      } else {
        // Error pages are rendered outside the page's nonce (Latchkey's renderError): they show no
        // time and carry no script, so the policy has nothing to refuse.
        expect(await page.locator('script').count(), where).toBe(0);
      }
      // The stylesheet applied (it sets the body's margin to 0).
      expect(await page.evaluate('getComputedStyle(document.body).margin'), where).toBe('0px');
      expect(await csp.violations(), where).toEqual([]);
      await page.screenshot({ path: join(SHOTS, `${route.name}-${widthName}.png`), fullPage: true });
      // The README's picture (docs/screenshot.png is a copy): the sessions page, its top part.
      if (route.name === 'sessions' && widthName === 'desktop')
        await page.screenshot({
          path: join(SHOTS, 'readme.png'),
          clip: { x: 0, y: 0, width: 1280, height: 460 },
        });
    }
  }

  for (const width of WIDTHS) {
    const title = `issue 15 items 7, 8: every page at ${width.name} width, no CSP violation, screenshots`;
    test(title, () =>
      withPages(env.browser, title, async (open) => {
        // Another device, so the sessions page has more than this session to show.
        const other = await open({ userAgent: width.name === 'phone' ? CHROME_ON_LINUX : SAFARI_ON_IPHONE });
        await logIn(other, env.origin, 'alice', PAGE_TEST_PASSWORD);
        await look(await open(width.options), 'anonymous', width.name);
        await look(await open(width.options), 'user', width.name);
      }),
    );
  }

  const violationTitle = 'the CSP watch sees a violation when a page breaks the policy';
  test(violationTitle, () =>
    withPages(env.browser, violationTitle, async (open) => {
      const page = await open();
      const csp = await watchCsp(page);
      await page.goto(`${env.origin}/`);
      // An inline <style> without the nonce, as a careless template would add.
      await page.evaluate(
        "document.head.append(Object.assign(document.createElement('style'), { textContent: 'body { color: red }' }))",
      );
      await expect.poll(async () => (await csp.violations()).length).toBeGreaterThanOrEqual(1);
      expect((await csp.violations()).map((v) => v.text).join('\n')).toMatch(/style-src/);
    }),
  );

  const devicesTitle =
    'the sessions page names each device, marks this session, and shows times in the reader’s zone';
  test(devicesTitle, () =>
    withPages(env.browser, devicesTitle, async (open) => {
      const phone = await open({ userAgent: SAFARI_ON_IPHONE });
      await logIn(phone, env.origin, 'alice', PAGE_TEST_PASSWORD);
      const page = await open({ userAgent: CHROME_ON_LINUX, timezoneId: 'Asia/Tokyo', locale: 'en-GB' });
      await logIn(page, env.origin, 'alice', PAGE_TEST_PASSWORD);
      await page.goto(`${env.origin}/accounts/sessions/`);
      const current = page.locator('li.session[aria-current="true"]');
      await expect.poll(() => current.count()).toBe(1);
      expect(await current.locator('.device').textContent()).toBe('Chrome on Linux');
      expect(await current.locator('.badge').textContent()).toBe('This session');
      expect(await current.textContent()).toContain('just now');
      expect(await page.locator('li.session .device').allTextContents()).toContain('Safari on iOS');
      await page.goto(`${env.origin}/dashboard/`);
      await page.waitForFunction(LOCAL_TIMES_SHOWN);
      const time = page.locator('time[datetime]').first();
      const instant = new Date((await time.getAttribute('datetime')) as string);
      expect(Math.abs(instant.getTime() - Date.now())).toBeLessThan(120_000);
      const tokyo = new Intl.DateTimeFormat('en-GB', {
        dateStyle: 'medium',
        timeStyle: 'short',
        timeZone: 'Asia/Tokyo',
      });
      expect(await page.locator('[data-local-time]').first().textContent()).toBe(tokyo.format(instant));
      expect(await time.getAttribute('title')).toContain('GMT+9');
    }),
  );
});
