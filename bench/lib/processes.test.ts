import { describe, expect, test } from 'vitest';
import { outputSince } from './processes.js';

describe('outputSince: what a server wrote during one measurement', () => {
  test('the new lines only, when the earlier tail is still there', () => {
    expect(outputSince('ready\n', 'ready\n{"event":"store.unavailable"}\n')).toBe(
      '{"event":"store.unavailable"}\n',
    );
  });

  test('nothing when it wrote nothing', () => {
    expect(outputSince('ready\n', 'ready\n')).toBe('');
  });

  test('the later tail from its first whole line when the earlier one rolled out of the kept 4,000 characters', () => {
    const before = `ready\n${'a'.repeat(3_990)}`;
    const after = `${'a'.repeat(3_000)}\nstore.unavailable\n${'b'.repeat(980)}`;
    expect(outputSince(before, after)).toBe(`store.unavailable\n${'b'.repeat(980)}`);
    // Nothing before the run, and more than the kept tail during it: the cut line is dropped too.
    expect(outputSince('', `${'a'.repeat(1_000)}\nstore.unavailable\n${'b'.repeat(2_981)}`)).toBe(
      `store.unavailable\n${'b'.repeat(2_981)}`,
    );
  });
});
