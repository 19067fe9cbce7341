/**
 * @module Real Chromium for browser tests, through playwright-core and the system's browser (never
 * a downloaded one). Without Chromium the tests are skipped with a loud warning, except under
 * `CI=true`, where they run and fail so that a CI without a browser cannot pass silently.
 */
import { existsSync } from 'node:fs';
import { mkdir } from 'node:fs/promises';
import { join } from 'node:path';
import { type Browser, type BrowserContextOptions, chromium, type Page } from 'playwright-core';
import { afterAll, beforeAll } from 'vitest';
import {
  REPO_ROOT,
  type ReferenceApp,
  type ReferenceAppOptions,
  startReferenceApp,
} from './reference-app.js';

/** Debian's Chromium; `CHROMIUM_PATH` points elsewhere (another distribution, a CI image). */
export const CHROMIUM_PATH = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';

/** Screenshots of failed browser tests (git-ignored). */
export const SCREENSHOT_DIR = join(REPO_ROOT, 'test-results', 'browser');

// No background traffic (updates, sync, QUIC probes) to slow a 2-core machine or leak requests.
const LAUNCH_ARGS = [
  '--no-sandbox',
  '--disable-background-networking',
  '--disable-gpu',
  '--disable-quic',
  '--no-first-run',
  '--disable-component-update',
  '--disable-sync',
];

/** Each browser test's time limit: several argon2 logins on a busy 2-core machine take a while. */
export const BROWSER_TEST_TIMEOUT_MS = 45_000;

/** Playwright's waits give up well before the test's limit, so a failing wait still gets its screenshot. */
const ACTION_TIMEOUT_MS = 15_000;

/**
 * Whether the browser tests should run here. Warns loudly when they are skipped.
 * @example
 * describe.runIf(shouldRunBrowserTests('logout'))('logout in a real browser', () => { … });
 */
export function shouldRunBrowserTests(suite: string): boolean {
  if (existsSync(CHROMIUM_PATH)) return true;
  if (process.env.CI === 'true') return true; // launching will fail, and so will CI
  const line = '!'.repeat(78);
  console.warn(
    `\n${line}\n!! SKIPPED: browser tests "${suite}": no Chromium at ${CHROMIUM_PATH}.\n` +
      '!! Install it (apt-get install chromium) or set CHROMIUM_PATH. Under CI=true they fail instead.\n' +
      `${line}\n`,
  );
  return false;
}

/**
 * Launches headless Chromium.
 * @example
 * const browser = await launchChromium();
 */
export function launchChromium(): Promise<Browser> {
  return chromium.launch({
    executablePath: CHROMIUM_PATH,
    args: LAUNCH_ARGS,
    // Playwright turns the back/forward cache off by default; a user's Chrome has it on, and Chrome
    // 156 does keep `Cache-Control: no-store` pages in it (evicting them when cookies change), so
    // the Back-button tests must run with it, or they would prove nothing about it.
    ignoreDefaultArgs: ['--disable-back-forward-cache'],
  });
}

/**
 * Starts the reference app and Chromium side by side; when one fails, stops the other.
 * @example
 * const { app, browser } = await startAppAndBrowser();
 */
export async function startAppAndBrowser(
  options: ReferenceAppOptions = {},
): Promise<{ app: ReferenceApp; browser: Browser }> {
  const [app, browser] = await Promise.allSettled([startReferenceApp(options), launchChromium()]);
  if (app.status === 'fulfilled' && browser.status === 'fulfilled') {
    return { app: app.value, browser: browser.value };
  }
  if (app.status === 'fulfilled') await app.value.stop();
  if (browser.status === 'fulfilled') await browser.value.close();
  throw app.status === 'rejected' ? app.reason : (browser as PromiseRejectedResult).reason;
}

/** Opens a page in a fresh browser context (its own cookie jar, like another device). */
export type OpenPage = (options?: BrowserContextOptions) => Promise<Page>;

function fileNameFor(test: string, index: number): string {
  const slug = test
    .toLowerCase()
    .replace(/[^a-z0-9]+/g, '-')
    .replace(/^-|-$/g, '')
    .slice(0, 80);
  return join(SCREENSHOT_DIR, `${slug}-page${index + 1}.png`);
}

/**
 * Runs `body` with fresh contexts; when it throws, keeps a screenshot of every page it opened under
 * test-results/browser/ before closing them, then rethrows.
 * @example
 * test('logs out', () => withPages(browser, 'logs out', async (open) => { const page = await open(); … }));
 */
export async function withPages(
  browser: Browser,
  test: string,
  body: (open: OpenPage) => Promise<void>,
): Promise<void> {
  const pages: Page[] = [];
  const open: OpenPage = async (options) => {
    const context = await browser.newContext(options);
    context.setDefaultTimeout(ACTION_TIMEOUT_MS);
    const page = await context.newPage();
    pages.push(page);
    return page;
  };
  try {
    await body(open);
  } catch (error) {
    await mkdir(SCREENSHOT_DIR, { recursive: true });
    for (const [index, page] of pages.entries()) {
      const path = fileNameFor(test, index);
      await page.screenshot({ path, fullPage: true }).then(
        () => console.error(`screenshot of the failed browser test: ${path}`),
        () => undefined,
      );
    }
    throw error;
  } finally {
    await Promise.all(
      pages.map((page) =>
        page
          .context()
          .close()
          .catch(() => undefined),
      ),
    );
  }
}

/** The app and browser of a browser test file, started by {@link useAppAndBrowser}. */
export interface AppAndBrowser {
  readonly app: ReferenceApp;
  readonly browser: Browser;
  /** `http://127.0.0.1:<port>` */
  readonly origin: string;
}

/**
 * Starts the reference app and Chromium before the file's tests (then runs `prepare`, e.g. to
 * create users) and stops both after them. Read the fields inside tests, once started.
 * @example
 * const env = useAppAndBrowser((app) => app.createUser('alice', PASSWORD));
 * test('…', () => withPages(env.browser, '…', async (open) => { await (await open()).goto(env.origin); }));
 */
export function useAppAndBrowser(prepare: (app: ReferenceApp) => Promise<void>): AppAndBrowser {
  let started: AppAndBrowser | null = null;
  beforeAll(async () => {
    const { app, browser } = await startAppAndBrowser();
    started = { app, browser, origin: `http://127.0.0.1:${app.port}` };
    await prepare(app);
  }, 60_000);
  afterAll(async () => {
    await started?.browser.close();
    await started?.app.stop();
  });
  const get = (): AppAndBrowser => {
    if (started === null) throw new Error('useAppAndBrowser: read its fields inside tests');
    return started;
  };
  return {
    get app() {
      return get().app;
    },
    get browser() {
      return get().browser;
    },
    get origin() {
      return get().origin;
    },
  };
}
