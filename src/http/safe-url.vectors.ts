/**
 * @module Redirect test vectors copied from Django's test suite, for every test that checks a
 * redirect target (the safe-URL unit tests here, and the login and logout HTTP tests). Python raw
 * strings (`r"..."`) are written with `String.raw` so each backslash stays one character.
 */

/** Hosts Django's `test_bad_urls` allows (tests/utils_tests/test_http.py). */
export const BAD_URLS_ALLOWED_HOSTS: readonly string[] = ['testserver', 'testserver2'];

/** `URLHasAllowedHostAndSchemeTests.test_bad_urls`: each must be refused. */
export const DJANGO_BAD_URLS: readonly string[] = [
  'http://example.com',
  'http:///example.com',
  'https://example.com',
  'ftp://example.com',
  String.raw`\\example.com`,
  String.raw`\\\example.com`,
  String.raw`/\\/example.com`,
  String.raw`\\\example.com`,
  String.raw`\\example.com`,
  String.raw`\\//example.com`,
  String.raw`/\/example.com`,
  String.raw`\/example.com`,
  String.raw`/\example.com`,
  'http:///example.com',
  String.raw`http:/\//example.com`,
  String.raw`http:\/example.com`,
  String.raw`http:/\example.com`,
  'javascript:alert("XSS")',
  '\njavascript:alert(x)',
  'java\nscript:alert(x)',
  '\x08//example.com',
  String.raw`http://otherserver\@example.com`,
  String.raw`http:\\testserver\@example.com`,
  String.raw`http://testserver\me:pass@example.com`,
  String.raw`http://testserver\@example.com`,
  String.raw`http:\\testserver\confirm\me@example.com`,
  'http:999999999',
  'ftp:9999999999',
  '\n',
  'http://[2001:cdba:0000:0000:0000:0000:3257:9652/',
  'http://2001:cdba:0000:0000:0000:0000:3257:9652]/',
];

/** Hosts Django's `test_good_urls` allows. */
export const GOOD_URLS_ALLOWED_HOSTS: readonly string[] = ['otherserver', 'testserver'];

/** `URLHasAllowedHostAndSchemeTests.test_good_urls`: each must be accepted. */
export const DJANGO_GOOD_URLS: readonly string[] = [
  '/view/?param=http://example.com',
  '/view/?param=https://example.com',
  '/view?param=ftp://example.com',
  'view/?param=//example.com',
  'https://testserver/',
  'HTTPS://testserver/',
  '//testserver/',
  'http://testserver/confirm?email=me@example.com',
  '/url%20with%20spaces/',
  'path/http:2222222222',
];

/**
 * `LoginTest.test_security_check` and `LogoutTest.test_security_check` (tests/auth_tests/
 * test_views.py): `next` values a login or logout on host `testserver` must not redirect to.
 */
export const DJANGO_VIEW_BAD_NEXT_URLS: readonly string[] = [
  'http://example.com',
  'http:///example.com',
  'https://example.com',
  'ftp://example.com',
  '///example.com',
  '//example.com',
  'javascript:alert("XSS")',
];

/** The same tests' `next` values that must be followed (the redirect's URL contains them). */
export const DJANGO_VIEW_GOOD_NEXT_URLS: readonly string[] = [
  '/view/?param=http://example.com',
  '/view/?param=https://example.com',
  '/view?param=ftp://example.com',
  'view/?param=//example.com',
  'https://testserver/',
  'HTTPS://testserver/',
  '//testserver/',
  '/url%20with%20spaces/',
];

/** `test_secure_param_https_urls`: accepted with `requireHttps` and allowed host `example.com`. */
export const DJANGO_SECURE_URLS: readonly string[] = [
  'https://example.com/p',
  'HTTPS://example.com/p',
  '/view/?param=http://example.com',
];

/** `test_secure_param_non_https_urls`: refused with `requireHttps` and allowed host `example.com`. */
export const DJANGO_INSECURE_URLS: readonly string[] = [
  'http://example.com/p',
  'ftp://example.com/p',
  '//example.com/p',
];

/**
 * Latchkey's additions (INVARIANTS 7): targets Django accepts or that browsers read differently
 * from `urlsplit`, which must never reach a `Location` header. Allowed host: `testserver`.
 */
export const LATCHKEY_BAD_URLS: readonly string[] = [
  '/next\r\nSet-Cookie: sessionid=attacker',
  '/next\n',
  '\r\n/next',
  '/\t/example.com',
  '/\n/example.com',
  '/\r/example.com',
  '/next\x00',
  '/next\x7f',
  '/next\u0085',
  '//',
  '//?next',
  String.raw`/\?next`,
];
