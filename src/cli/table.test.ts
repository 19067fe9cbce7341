import { describe, expect, test } from 'vitest';
import { formatTable, MAX_CELL, printable } from './table.js';

describe('terminal tables', () => {
  test('columns line up and missing values show as "-"', () => {
    expect(
      formatTable(
        ['event', 'user'],
        [
          ['user_logged_in', 'alice'],
          ['x', null],
        ],
      ),
    ).toBe('event           user\nuser_logged_in  alice\nx               -\n');
  });

  test('escape sequences and bidi overrides cannot reach the terminal', () => {
    expect(printable('evil\u001b[2J\r\u202Etxt')).toBe('evil?[2J??txt');
    expect(formatTable(['user'], [['\u001b]0;pwned\u0007']])).toBe('user\n?]0;pwned?\n');
  });

  test('long cells are cut with an ellipsis', () => {
    const [, row] = formatTable(['ua'], [['x'.repeat(100)]]).split('\n');
    expect([...(row ?? '')]).toHaveLength(MAX_CELL);
    expect(row?.endsWith('…')).toBe(true);
  });
});
