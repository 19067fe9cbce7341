import { describe, expect, test } from 'vitest';
import { CookieJar, hiddenField, parseSetCookies, setCookieLines } from './cookie-jar.js';

describe('the benchmark cookie jar', () => {
  test('keeps set cookies and forgets deleted ones, as a browser would', () => {
    const jar = new CookieJar();
    jar.update(['sessionid=abc; Path=/; HttpOnly', 'csrftoken=tok; Max-Age=31449600']);
    expect(jar.header()).toBe('sessionid=abc; csrftoken=tok');
    jar.update(['sessionid=""; expires=Thu, 01 Jan 1970 00:00:00 GMT; Max-Age=0; Path=/']);
    expect(jar.header()).toBe('csrftoken=tok');
  });

  test('a clone is an independent copy (the replayed cookie of the revocation check)', () => {
    const jar = new CookieJar();
    jar.update(['sessionid=abc']);
    const copy = jar.clone();
    jar.update(['sessionid=; Max-Age=0']);
    expect(copy.get('sessionid')).toBe('abc');
    expect(jar.get('sessionid')).toBeUndefined();
  });

  test('reads Set-Cookie from autocannon headers whatever their case or count', () => {
    expect(setCookieLines({ 'Set-Cookie': ['a=1', 'b=2'], 'content-type': 'text/html' })).toEqual([
      'a=1',
      'b=2',
    ]);
    expect(setCookieLines({ 'set-cookie': 'a=1' })).toEqual(['a=1']);
    expect(parseSetCookies(['a=1; Max-Age=0']).get('a')).toBeNull();
  });

  test('finds the CSRF token of a rendered form', () => {
    const html = '<input type="hidden" name="csrfmiddlewaretoken" value="XyZ"/>';
    expect(hiddenField(html, 'csrfmiddlewaretoken')).toBe('XyZ');
    expect(hiddenField('<form></form>', 'csrfmiddlewaretoken')).toBeNull();
  });
});
