/**
 * @module Watches a page for Content-Security-Policy violations the two ways a browser reports
 * them: the `securitypolicyviolation` DOM event (CSP3 section 5.3), recorded by a script that
 * runs before the page's own, and the console error Chromium prints for each refused resource.
 */
import type { Page } from 'playwright-core';

/** One violation, as the browser reported it. */
export interface CspViolation {
  readonly source: 'event' | 'console';
  readonly text: string;
}

// Runs in the page before its own scripts (a string: the test program has no DOM types).
const RECORDER = `window.__cspViolations = [];
document.addEventListener('securitypolicyviolation', (event) => {
  window.__cspViolations.push(event.effectiveDirective + ' blocked ' + (event.blockedURI || 'inline'));
});`;

/** The violations seen so far on the current document and in the console. */
export interface CspWatch {
  violations(): Promise<CspViolation[]>;
}

/**
 * Starts watching `page` (call before the first navigation).
 * @example
 * const csp = await watchCsp(page);
 * await page.goto(url);
 * expect(await csp.violations()).toEqual([]);
 */
export async function watchCsp(page: Page): Promise<CspWatch> {
  const console: CspViolation[] = [];
  page.on('console', (message) => {
    if (message.type() === 'error' && /Content.Security.Policy/i.test(message.text()))
      console.push({ source: 'console', text: message.text() });
  });
  await page.addInitScript(RECORDER);
  return {
    async violations() {
      const events = (await page.evaluate('window.__cspViolations ?? []')) as string[];
      return [...console, ...events.map((text) => ({ source: 'event' as const, text }))];
    },
  };
}
