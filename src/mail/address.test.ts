import { describe, expect, test } from 'vitest';
import { addressProblem, MAX_ADDRESS_LENGTH, parseAddress } from './address.js';

describe('email addresses accepted before the mailer', () => {
  test.each([
    ['alice@example.com', 'alice@example.com'],
    [' Alice.Smith+tag@Example.COM ', 'Alice.Smith+tag@example.com'],
    ['webmaster@localhost', 'webmaster@localhost'],
    ['josé@exämple.de', 'josé@exämple.de'],
  ])('%j is one plain mailbox: %j', (typed, parsed) => {
    expect(parseAddress(typed)).toBe(parsed);
  });

  test.each([
    ['CR/LF header injection', 'alice@example.com\r\nBcc: mallory@evil.test'],
    ['a trailing line break', 'alice@example.com\n'],
    ['a NUL', 'alice@example.com\u0000'],
    ['a display name', 'Alice <alice@example.com>'],
    ['two addresses', 'alice@example.com,bob@example.com'],
    ['a quoted local part', '"alice smith"@example.com'],
    ['a comment', 'alice(comment)@example.com'],
    ['no @', 'alice.example.com'],
    ['no domain', 'alice@'],
    ['no local part', '@example.com'],
    ['consecutive dots', 'alice..smith@example.com'],
    ['a hyphen-edged label', 'alice@-example.com'],
    ['a space', 'alice smith@example.com'],
    ['a local part over 64 octets', `${'a'.repeat(65)}@example.com`],
    [
      'an address over 254 octets',
      `alice@${'b'.repeat(63)}.${'c'.repeat(63)}.${'d'.repeat(63)}.${'e'.repeat(63)}.com`,
    ],
    ['nothing', ''],
  ])('%s is refused', (_, typed) => {
    expect(parseAddress(typed)).toBe(null);
  });

  test('the reason never repeats the address', () => {
    const hostile = `${'x'.repeat(MAX_ADDRESS_LENGTH)}@evil.test`;
    expect(addressProblem(hostile)).toMatch(/at most 254 characters/);
    expect(addressProblem('alice@exa mple.com')).not.toContain('alice');
  });
});
