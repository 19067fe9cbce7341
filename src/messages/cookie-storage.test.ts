import { randomBytes } from 'node:crypto';
import { describe, expect, test } from 'vitest';
import { createManualClock } from '../core/clock.js';
import { serializeCookie } from '../core/cookies.js';
import { createMemoryLogger } from '../core/logger.js';
import { defineSettings } from '../core/settings.js';
import { dumps } from '../core/signing.js';
import { DEFAULT_MESSAGE_TAGS, MESSAGES_COOKIE_NAME, MESSAGES_SALT } from './constants.js';
import {
  decodeMessageCookie,
  encodeMessageCookie,
  type MessageCookieCodecOptions,
  messageCookieOptions,
} from './cookie-storage.js';
import { Message } from './message.js';

const SECRET = 'cookie-storage-test-secret-'.padEnd(60, 'z');

function codecOptions(overrides: Partial<MessageCookieCodecOptions> = {}): MessageCookieCodecOptions {
  return {
    secret: SECRET,
    clock: createManualClock(),
    logger: createMemoryLogger(),
    levelTags: DEFAULT_MESSAGE_TAGS,
    maxCookieSize: 2048,
    ...overrides,
  };
}

function noisy(count: number, length: number): Message[] {
  return Array.from(
    { length: count },
    (_, i) => new Message(20, `${i}:${randomBytes(length).toString('base64').slice(0, length)}`),
  );
}

describe('the messages cookie', () => {
  test('messages that fit round-trip with nothing left over', () => {
    const options = codecOptions();
    const messages = [new Message(25, 'Saved'), new Message(40, 'Oops', { extraTags: 'sticky' })];
    const { value, unstored } = encodeMessageCookie(messages, options);
    expect(unstored).toEqual([]);
    const decoded = decodeMessageCookie(value, options);
    expect(decoded?.allRetrieved).toBe(true);
    expect(decoded?.messages.map((m) => [m.level, m.text, m.tags])).toEqual([
      [25, 'Saved', 'success'],
      [40, 'Oops', 'sticky error'],
    ]);
  });

  test('too many messages: the oldest stay in the cookie, the newest are handed back, none lost', () => {
    const options = codecOptions();
    const messages = noisy(30, 200);
    const { value, unstored } = encodeMessageCookie(messages, options);
    expect(value.length).toBeLessThanOrEqual(2048);
    expect(() => serializeCookie(MESSAGES_COOKIE_NAME, value)).not.toThrow();
    const decoded = decodeMessageCookie(value, options);
    expect(decoded?.allRetrieved).toBe(false);
    expect(unstored.length).toBeGreaterThan(0);
    expect(decoded?.messages.length).toBeGreaterThan(0);
    const rejoined = [...(decoded?.messages ?? []), ...unstored].map((m) => m.text);
    expect(rejoined).toEqual(messages.map((m) => m.text));
  });

  test('the cookie is filled as far as it goes, not just emptied', () => {
    const options = codecOptions();
    const messages = noisy(30, 200);
    const { value, unstored } = encodeMessageCookie(messages, options);
    const kept = messages.length - unstored.length;
    const oneMore = encodeMessageCookie(messages.slice(0, kept + 1), codecOptions({ maxCookieSize: 1e6 }));
    expect(oneMore.value.length).toBeGreaterThan(value.length);
    expect(oneMore.value.length).toBeGreaterThan(2048 - 400);
  });

  test('a single message larger than the cookie leaves only the continuation marker', () => {
    const options = codecOptions();
    const [big] = noisy(1, 3000);
    const { value, unstored } = encodeMessageCookie([big as Message], options);
    expect(unstored).toEqual([big]);
    expect(decodeMessageCookie(value, options)).toEqual({ messages: [], allRetrieved: false });
  });

  test('a genuine signature over something that is not a message list is refused and logged', () => {
    const options = codecOptions();
    const forged = dumps({ level: 40 }, { secret: SECRET, salt: MESSAGES_SALT, clock: options.clock });
    expect(decodeMessageCookie(forged, options)).toBeNull();
    const logger = options.logger as ReturnType<typeof createMemoryLogger>;
    expect(logger.events).toEqual([
      { level: 'warn', event: 'security.messages_tampered', fields: { reason: 'Malformed messages' } },
    ]);
  });

  test('is set and deleted with the session cookie attributes, at path /', () => {
    const settings = defineSettings({
      DEBUG: true,
      SESSION_COOKIE_DOMAIN: 'example.com',
      SESSION_COOKIE_SECURE: true,
      SESSION_COOKIE_SAMESITE: 'Strict',
    });
    expect(messageCookieOptions(settings)).toEqual({
      domain: 'example.com',
      path: '/',
      secure: true,
      httpOnly: true,
      sameSite: 'Strict',
    });
  });
});
