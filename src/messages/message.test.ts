import { describe, expect, test } from 'vitest';
import { DEFAULT_MESSAGE_TAGS, MessageLevel } from './constants.js';
import { fromStoredMessage, fromStoredMessages, Message, toStoredMessage } from './message.js';

describe('Message', () => {
  test('tags are the extra tags then the level tag, like Django', () => {
    expect(new Message(MessageLevel.SUCCESS, 'ok').tags).toBe('success');
    expect(new Message(MessageLevel.ERROR, 'no', { extraTags: 'sticky wide' }).tags).toBe(
      'sticky wide error',
    );
    expect(new Message(15, 'custom', { extraTags: 'x' }).tags).toBe('x');
    expect(new Message(15, 'custom', { levelTags: { 15: 'notice' } }).levelTag).toBe('notice');
  });

  test('renders as its text, which stays plain (no escaping here)', () => {
    expect(`${new Message(MessageLevel.INFO, '<b>&</b>')}`).toBe('<b>&</b>');
  });
});

describe('stored form', () => {
  test('omits empty extra tags and round-trips', () => {
    const plain = new Message(20, 'hi');
    const tagged = new Message(30, 'careful', { extraTags: 'sticky' });
    expect(toStoredMessage(plain)).toEqual([20, 'hi']);
    expect(toStoredMessage(tagged)).toEqual([30, 'careful', 'sticky']);
    expect(fromStoredMessage(toStoredMessage(tagged), DEFAULT_MESSAGE_TAGS)).toEqual(tagged);
  });

  test('anything else reads as null, and one bad entry rejects the whole list', () => {
    for (const bad of [
      null,
      'x',
      [],
      [20],
      ['20', 'x'],
      [20.5, 'x'],
      [20, 1],
      [20, 'x', 1],
      [20, 'x', '', 4],
    ]) {
      expect(fromStoredMessage(bad, DEFAULT_MESSAGE_TAGS)).toBeNull();
    }
    expect(fromStoredMessages([[20, 'ok'], [20]], DEFAULT_MESSAGE_TAGS)).toBeNull();
    expect(fromStoredMessages({ 0: [20, 'ok'] }, DEFAULT_MESSAGE_TAGS)).toBeNull();
    expect(fromStoredMessages([[20, 'ok']], DEFAULT_MESSAGE_TAGS)).toHaveLength(1);
  });
});
