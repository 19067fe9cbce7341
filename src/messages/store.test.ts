import { randomBytes } from 'node:crypto';
import { describe, expect, test } from 'vitest';
import { createManualClock } from '../core/clock.js';
import { deleteCookieHeader, serializeCookie } from '../core/cookies.js';
import { ConfigurationError } from '../core/errors.js';
import { createMemoryLogger } from '../core/logger.js';
import { defineSettings } from '../core/settings.js';
import { createSignedCodec } from '../sessions/codec.js';
import { createSessionEngine, type Session } from '../sessions/session.js';
import { MemorySessionStore } from '../stores/memory.js';
import {
  MAX_MESSAGE_COOKIE_SIZE,
  MESSAGES_COOKIE_NAME,
  MESSAGES_SESSION_KEY,
  MessageLevel,
} from './constants.js';
import { messageCookieOptions } from './cookie-storage.js';
import { MessageStore, type MessageStoreOptions } from './store.js';

const SECRET = 'messages-test-secret-'.padEnd(60, 'x');
const cookieOptions = messageCookieOptions(defineSettings({ DEBUG: true }));

/** A browser talking to an app: it keeps the messages cookie and the session cookie between requests. */
function createBrowser(options: Partial<Pick<MessageStoreOptions, 'keys' | 'level' | 'tags'>> = {}) {
  const clock = createManualClock();
  const logger = createMemoryLogger();
  const store = new MemorySessionStore({ clock });
  const codec = createSignedCodec({ secret: SECRET, clock, logger });
  const policy = { cookieAge: 1_209_600, expireAtBrowserClose: false };
  const sessions = createSessionEngine({ store, codec, clock, policy });
  const jar: { messages: string | null; sessionid: string | null } = { messages: null, sessionid: null };

  async function request<T>(view: (messages: MessageStore, session: Session) => T | Promise<T>) {
    const session = sessions.open(jar.sessionid);
    const keys = { secret: SECRET };
    const messages = new MessageStore({ cookie: jar.messages, session, keys, clock, logger, ...options });
    const result = await view(messages, session);
    const { cookie } = await messages.commit();
    // What the HTTP layer does: the cookie must serialise, and the session is saved after commit.
    if (typeof cookie === 'string') serializeCookie(MESSAGES_COOKIE_NAME, cookie, cookieOptions);
    if (cookie === null) deleteCookieHeader(MESSAGES_COOKIE_NAME, cookieOptions);
    if (cookie !== undefined) jar.messages = cookie;
    if (session.modified) {
      await session.save();
      jar.sessionid = session.key;
    }
    return { result, cookie, session };
  }

  const texts = (messages: MessageStore) => messages.consume().then((list) => list.map((m) => m.text));
  return { jar, logger, request, texts };
}

/** Text that deflate cannot shrink, so it really is too big for the cookie. */
function incompressible(length: number): string {
  return randomBytes(length).toString('base64').slice(0, length);
}

describe('messages across requests', () => {
  test('a message added in one request is shown in the next, and only once', async () => {
    const browser = createBrowser();
    const first = await browser.request((m) => m.success('Profile saved.'));
    expect(typeof first.cookie).toBe('string');

    const second = await browser.request(browser.texts);
    expect(second.result).toEqual(['Profile saved.']);
    expect(second.cookie).toBeNull();

    const third = await browser.request(browser.texts);
    expect(third.result).toEqual([]);
    expect(third.cookie).toBeUndefined();
  });

  test('messages added and shown in the same request are not stored', async () => {
    const browser = createBrowser();
    const { result, cookie } = await browser.request((m) => {
      m.info('Hello');
      return browser.texts(m);
    });
    expect(result).toEqual(['Hello']);
    expect(cookie).toBeUndefined();
  });

  test('messages added after the list was shown wait for the next request', async () => {
    const browser = createBrowser();
    await browser.request((m) => m.info('first'));
    await browser.request(async (m) => {
      expect(await browser.texts(m)).toEqual(['first']);
      m.info('second');
    });
    expect((await browser.request(browser.texts)).result).toEqual(['second']);
  });

  test('a request that adds without showing keeps the earlier messages, oldest first', async () => {
    const browser = createBrowser();
    await browser.request((m) => m.info('one'));
    await browser.request((m) => m.warning('two'));
    expect((await browser.request(browser.texts)).result).toEqual(['one', 'two']);
  });

  test('INVARIANTS 12: a request that does nothing with messages touches neither session nor cookie', async () => {
    const browser = createBrowser();
    await browser.request((m) => m.info('waiting'));
    const idle = await browser.request(() => undefined);
    expect(idle.cookie).toBeUndefined();
    expect(idle.session.accessed).toBe(false);
    expect((await browser.request(browser.texts)).result).toEqual(['waiting']);
  });

  test('INVARIANTS 12: messages that fit in the cookie are shown without loading the session', async () => {
    const browser = createBrowser();
    await browser.request((m) => m.info('small'));
    const shown = await browser.request(browser.texts);
    expect(shown.result).toEqual(['small']);
    expect(shown.session.accessed).toBe(false);
  });

  test('unicode text round-trips through the cookie unchanged', async () => {
    const browser = createBrowser();
    const text = 'Grüße, 👋 — 日本語; "quoted", <b>not markup</b> & \\ back';
    await browser.request((m) => m.info(text, { extraTags: 'é' }));
    const [message] = await (await browser.request((m) => m.consume())).result;
    expect(message?.text).toBe(text);
    expect(message?.tags).toBe('é info');
  });
});

describe('levels and tags', () => {
  test('messages below the minimum level (INFO by default) and empty ones are dropped', async () => {
    const browser = createBrowser();
    await browser.request((m) => {
      m.debug('hidden');
      m.info('');
      m.info('info');
      m.success('success');
      m.warning('warning');
      m.error('error');
    });
    const shown = (await browser.request((m) => m.consume())).result;
    expect(shown.map((m) => [m.level, m.text, m.tags])).toEqual([
      [MessageLevel.INFO, 'info', 'info'],
      [MessageLevel.SUCCESS, 'success', 'success'],
      [MessageLevel.WARNING, 'warning', 'warning'],
      [MessageLevel.ERROR, 'error', 'error'],
    ]);
  });

  test('the minimum level can be lowered for the app or raised for one request', async () => {
    const browser = createBrowser({ level: MessageLevel.DEBUG });
    await browser.request((m) => {
      m.debug('debug');
      m.level = MessageLevel.WARNING;
      m.info('dropped');
      m.warning('kept');
    });
    expect((await browser.request(browser.texts)).result).toEqual(['debug', 'kept']);
  });

  test('custom levels and tags survive the cookie', async () => {
    const browser = createBrowser({ tags: { [MessageLevel.ERROR]: 'danger', 35: 'notice' } });
    await browser.request((m) => {
      m.error('broken', { extraTags: 'sticky' });
      m.add(35, 'custom');
      m.add(99, 'untagged');
    });
    const shown = (await browser.request((m) => m.consume())).result;
    expect(shown.map((m) => m.tags)).toEqual(['sticky danger', 'notice', '']);
  });
});

describe('overflow into the session', () => {
  test('a message too big for the cookie goes to the session and is still shown once, in order', async () => {
    const browser = createBrowser();
    const big = incompressible(3000);
    const first = await browser.request((m) => {
      m.info('before');
      m.info(big);
      m.info('after');
    });
    expect(String(first.cookie).length).toBeLessThanOrEqual(MAX_MESSAGE_COOKIE_SIZE);
    expect(first.session.modified).toBe(true);

    const second = await browser.request(browser.texts);
    expect(second.result).toEqual(['before', big, 'after']);
    expect(second.cookie).toBeNull();

    const third = await browser.request(async (m, session) => [
      await browser.texts(m),
      await session.has(MESSAGES_SESSION_KEY),
    ]);
    expect(third.result).toEqual([[], false]);
  });

  test('overflow not shown yet is kept in the session across a request that only adds', async () => {
    const browser = createBrowser();
    const big = incompressible(2500);
    await browser.request((m) => m.info(big));
    await browser.request((m) => m.info('later'));
    expect((await browser.request(browser.texts)).result).toEqual([big, 'later']);
  });
});

describe('tampering and key rotation', () => {
  test('a tampered cookie yields no messages, a security event, and is deleted', async () => {
    const browser = createBrowser();
    await browser.request((m) => m.info('genuine'));
    const genuine = browser.jar.messages as string;
    browser.jar.messages = `${genuine.slice(0, 10)}${genuine[10] === 'A' ? 'B' : 'A'}${genuine.slice(11)}`;
    const tampered = await browser.request(browser.texts);
    expect(tampered.result).toEqual([]);
    expect(tampered.cookie).toBeNull();
    const events = browser.logger.events.filter((e) => e.event === 'security.messages_tampered');
    expect(events).toHaveLength(1);
    expect(JSON.stringify(events)).not.toContain(genuine.slice(0, 20));
  });

  test('garbage and a value signed for another purpose are refused', async () => {
    const browser = createBrowser();
    const clock = createManualClock();
    const session = createSignedCodec({ secret: SECRET, clock, logger: browser.logger }).encode({ a: 1 });
    for (const value of ['garbage', '::', session]) {
      browser.jar.messages = value;
      expect((await browser.request(browser.texts)).result).toEqual([]);
    }
    expect(browser.logger.events.filter((e) => e.event === 'security.messages_tampered')).toHaveLength(3);
  });

  test('a cookie signed with a key now in SECRET_KEY_FALLBACKS is still read', async () => {
    const oldSecret = 'old-messages-secret-'.padEnd(60, 'y');
    const before = createBrowser({ keys: { secret: oldSecret } });
    await before.request((m) => m.success('kept across the rotation'));
    const after = createBrowser({ keys: { secret: SECRET, fallbacks: [oldSecret] } });
    after.jar.messages = before.jar.messages;
    expect((await after.request(after.texts)).result).toEqual(['kept across the rotation']);
    const forgotten = createBrowser();
    forgotten.jar.messages = before.jar.messages;
    expect((await forgotten.request(forgotten.texts)).result).toEqual([]);
  });
});

describe('MessageStore options', () => {
  test('refuses a level, tag map or cookie size that cannot work, naming each', () => {
    const clock = createManualClock();
    const logger = createMemoryLogger();
    const session = { get: async () => undefined, set: async () => {}, pop: async () => undefined };
    const keys = { secret: SECRET };
    const tags = { x: 'y' } as unknown as Record<number, string>;
    const create = () =>
      new MessageStore({ cookie: null, session, keys, clock, logger, level: 2.5, maxCookieSize: 10, tags });
    expect(create).toThrow(ConfigurationError);
    expect(create).toThrow(/MESSAGE_LEVEL[\s\S]*maxCookieSize[\s\S]*MESSAGE_TAGS/);
  });
});
