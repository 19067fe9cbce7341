/**
 * @module What the parts of the conformance suite share: the fixture of the running test, a
 * browser on it, a logged-in browser, and helpers to read cookies and check the store.
 */
import { expect } from 'vitest';
import { DJANGO_BAD_URLS, DJANGO_VIEW_BAD_NEXT_URLS } from '../../src/http/safe-url.vectors.js';
import { Browser } from '../support/browser.js';
import type { ConformanceFixture } from './harness.js';

/** The password of the suite's user, `alice`. */
export const PASSWORD = 'correct horse battery';
/** Django's never-cache headers, with `private` (INVARIANTS 8). */
export const NEVER_CACHE = /max-age=0.*no-cache.*no-store.*must-revalidate.*private/;
/** Every redirect target Django's tests refuse, plus header injection and a network path. */
export const BAD_NEXTS = [
  ...new Set([...DJANGO_BAD_URLS, ...DJANGO_VIEW_BAD_NEXT_URLS, '/\r\nSet-Cookie: x=1', '//evil.example/']),
];

/** A `Set-Cookie`'s attributes other than its lifetime, lower-cased and sorted, to compare two. */
export function attributesOf(header: string | undefined): string[] {
  return (header ?? '')
    .split(';')
    .slice(1)
    .map((a) => a.trim().toLowerCase())
    .filter((a) => !a.startsWith('max-age=') && !a.startsWith('expires='))
    .sort();
}

/** The session cookie a response sets, if any. */
export function sessionCookieOf(response: Response): string | undefined {
  return response.headers.getSetCookie().find((c) => c.startsWith('sessionid='));
}

/** The running test's fixture and helpers on it. */
export class SuiteContext {
  #fixture: ConformanceFixture | null = null;

  get fixture(): ConformanceFixture {
    if (this.#fixture === null) throw new Error('No fixture: the suite’s beforeEach has not run');
    return this.#fixture;
  }

  set fixture(fixture: ConformanceFixture) {
    this.#fixture = fixture;
  }

  /** A browser with an empty cookie jar. */
  readonly browser = (): Browser =>
    new Browser((request) => this.fixture.request(request), { origin: this.fixture.origin });

  /** A browser logged in as `alice` through the login form. */
  readonly loggedIn = async (): Promise<Browser> => {
    const b = this.browser();
    expect((await b.login('alice', PASSWORD)).status).toBe(302);
    return b;
  };

  /** Whether the store holds a live session under `key`. */
  readonly exists = (key: string | null): Promise<boolean> =>
    this.fixture.latchkey.engine.store.exists(key as string);
}
