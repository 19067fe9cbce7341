import { mkdtemp, readdir, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, test } from 'vitest';
import { startSmtpServer, type TestSmtpServer } from '../../test/support/smtp-server.js';
import { ConfigurationError } from '../core/errors.js';
import { createMemoryLogger } from '../core/logger.js';
import { defaultSettings, type Settings } from '../core/settings.js';
import { BadMessageError, createMailer } from './mailer.js';
import { Outbox } from './outbox.js';

const message = { to: 'alice@example.com', subject: 'Hello Alice', text: 'Follow https://example.com/x/\n' };
const settings = (overrides: Partial<Settings>): Settings => ({ ...defaultSettings, ...overrides });

let smtp: TestSmtpServer | null = null;
let dir: string | null = null;
afterEach(async () => {
  await smtp?.close();
  smtp = null;
  if (dir !== null) await rm(dir, { recursive: true, force: true });
  dir = null;
});

describe('EMAIL_BACKEND', () => {
  test('console prints the whole message, headers and body', async () => {
    let printed = '';
    const mailer = createMailer(settings({ EMAIL_BACKEND: 'console' }), {
      write: (text) => (printed += text),
    });
    await mailer.send(message);
    expect(printed).toMatch(/^From: webmaster@localhost$/m);
    expect(printed).toMatch(/^To: alice@example.com$/m);
    expect(printed).toMatch(/^Subject: Hello Alice$/m);
    expect(printed).toContain('Follow https://example.com/x/');
  });

  test('file writes one private .eml file per message under EMAIL_FILE_PATH', async () => {
    dir = await mkdtemp(join(tmpdir(), 'latchkey-mail-'));
    const path = join(dir, 'outbox');
    const mailer = createMailer(settings({ EMAIL_BACKEND: 'file', EMAIL_FILE_PATH: path }));
    await mailer.send(message);
    await mailer.send({ ...message, subject: 'Second' });
    const files = (await readdir(path)).sort();
    expect(files).toHaveLength(2);
    expect(files.every((f) => f.endsWith('.eml'))).toBe(true);
    const texts = await Promise.all(files.map((f) => readFile(join(path, f), 'utf8')));
    expect(texts.some((t) => t.includes('Subject: Second'))).toBe(true);
    expect(() => createMailer(settings({ EMAIL_BACKEND: 'file' }))).toThrow(ConfigurationError);
  });

  test('smtp delivers to a real SMTP server, envelope and headers as given', async () => {
    smtp = await startSmtpServer();
    const mailer = createMailer(
      settings({
        EMAIL_BACKEND: 'smtp',
        EMAIL_PORT: smtp.port,
        DEFAULT_FROM_EMAIL: 'no-reply@latchkey.test',
      }),
    );
    await mailer.send(message);
    await mailer.close();
    const [mail] = smtp.messages;
    expect(mail?.envelopeFrom).toBe('no-reply@latchkey.test');
    expect(mail?.envelopeTo).toEqual(['alice@example.com']);
    expect(mail?.headers.get('subject')).toBe('Hello Alice');
    expect(mail?.text).toContain('Follow https://example.com/x/');
  });

  test('smtp logs in with EMAIL_HOST_USER and EMAIL_HOST_PASSWORD; wrong credentials are an error', async () => {
    smtp = await startSmtpServer({ auth: { user: 'latchkey', pass: 's3cret-mail' } });
    const base = { EMAIL_BACKEND: 'smtp', EMAIL_PORT: smtp.port, EMAIL_HOST_USER: 'latchkey' } as const;
    await createMailer(settings({ ...base, EMAIL_HOST_PASSWORD: 's3cret-mail' })).send(message);
    expect(smtp.messages).toHaveLength(1);
    await expect(
      createMailer(settings({ ...base, EMAIL_HOST_PASSWORD: 'wrong' })).send(message),
    ).rejects.toMatchObject({ code: 'EAUTH' });
    await expect(
      createMailer(settings({ EMAIL_BACKEND: 'smtp', EMAIL_PORT: smtp.port })).send(message),
    ).rejects.toThrow();
    expect(smtp.messages).toHaveLength(1);
  });

  test('EMAIL_USE_TLS: a server that offers no STARTTLS gets nothing in clear', async () => {
    smtp = await startSmtpServer();
    const mailer = createMailer(
      settings({ EMAIL_BACKEND: 'smtp', EMAIL_PORT: smtp.port, EMAIL_USE_TLS: true }),
    );
    await expect(mailer.send(message)).rejects.toMatchObject({ code: 'ETLS' });
    expect(smtp.messages).toHaveLength(0);
  });

  test('CWE-93: a line break in an address or the subject never reaches the transport', async () => {
    smtp = await startSmtpServer();
    const mailer = createMailer(settings({ EMAIL_BACKEND: 'smtp', EMAIL_PORT: smtp.port }));
    const bad = [
      { ...message, to: 'alice@example.com\r\nBcc: mallory@evil.test' },
      { ...message, to: 'Alice <alice@example.com>' },
      { ...message, from: 'x@example.com\nBcc: mallory@evil.test' },
      { ...message, subject: 'Hi\r\nBcc: mallory@evil.test' },
    ];
    for (const one of bad) await expect(mailer.send(one)).rejects.toBeInstanceOf(BadMessageError);
    expect(smtp.messages).toHaveLength(0);
  });
});

describe('Outbox', () => {
  test('runs jobs after the caller returns and logs a failure by code, never its text', async () => {
    const logger = createMemoryLogger();
    const outbox = new Outbox(
      createMailer(settings({ EMAIL_BACKEND: 'console' }), { write: () => {} }),
      logger,
    );
    const order: string[] = [];
    outbox.defer('first', async () => {
      order.push('job');
    });
    order.push('caller');
    outbox.defer('broken', async () => {
      throw Object.assign(new Error('550 <alice@example.com> rejected'), {
        code: 'EENVELOPE',
        responseCode: 550,
      });
    });
    expect(outbox.pending).toBe(2);
    await outbox.drain();
    expect(order).toEqual(['caller', 'job']);
    expect(logger.events).toEqual([
      {
        level: 'error',
        event: 'mail.job_failed',
        fields: { job: 'broken', backend: 'console', error: 'Error', code: 'EENVELOPE', responseCode: 550 },
      },
    ]);
    expect(JSON.stringify(logger.events)).not.toContain('alice');
  });
});
