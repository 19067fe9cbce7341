/**
 * @module Sending mail (Django's `EMAIL_BACKEND`): `console` prints each message, `file` writes one
 * `.eml` file per message under `EMAIL_FILE_PATH`, `smtp` sends through `EMAIL_HOST:EMAIL_PORT`.
 * Every backend builds the message with nodemailer, so what is printed or filed is byte for byte
 * what SMTP would carry. Addresses and subjects are checked before nodemailer sees them.
 */
import { randomBytes } from 'node:crypto';
import { mkdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { createTransport, type SendMailOptions, type Transporter } from 'nodemailer';
import { ConfigurationError, LatchkeyError } from '../core/errors.js';
import type { Settings } from '../core/settings.js';
import { addressProblem } from './address.js';

/** One plain-text message to one recipient. */
export interface EmailMessage {
  readonly to: string;
  readonly subject: string;
  readonly text: string;
  /** `DEFAULT_FROM_EMAIL` when omitted. */
  readonly from?: string;
}

/** Sends messages. `send` rejects with the transport's error when the message is not accepted. */
export interface Mailer {
  /** Which backend this is (`console`, `file`, `smtp`). */
  readonly backend: Settings['EMAIL_BACKEND'];
  send(message: EmailMessage): Promise<void>;
  /** Closes pooled connections, if any. */
  close(): Promise<void>;
}

/** A message refused before it reached the transport (bad address, line break in the subject). */
export class BadMessageError extends LatchkeyError {
  constructor(message: string) {
    super('LATCHKEY_BAD_MESSAGE', message);
  }
}

/** Options of {@link createMailer}. */
export interface MailerOptions {
  /** Where the `console` backend prints; standard output by default. */
  readonly write?: (text: string) => void;
}

export type MailSettings = Pick<
  Settings,
  | 'EMAIL_BACKEND'
  | 'EMAIL_FILE_PATH'
  | 'EMAIL_HOST'
  | 'EMAIL_PORT'
  | 'EMAIL_HOST_USER'
  | 'EMAIL_HOST_PASSWORD'
  | 'EMAIL_USE_TLS'
  | 'EMAIL_TIMEOUT'
  | 'DEFAULT_FROM_EMAIL'
>;

function envelope(message: EmailMessage, defaultFrom: string): SendMailOptions {
  const from = message.from ?? defaultFrom;
  for (const [field, address] of [
    ['to', message.to],
    ['from', from],
  ] as const) {
    // CWE-93: refused here whatever nodemailer would make of it; the address is not repeated.
    if (addressProblem(address) !== null || /[\r\n]/.test(address))
      throw new BadMessageError(`the "${field}" address is not a single plain mailbox`);
  }
  if (/[\r\n]/.test(message.subject)) throw new BadMessageError('the subject contains a line break');
  // Plain addresses only: nodemailer never has to parse a display name, group or comment.
  return { from, to: message.to, subject: message.subject, text: message.text };
}

function smtpTransport(s: MailSettings): Transporter {
  const timeout = s.EMAIL_TIMEOUT * 1000;
  return createTransport({
    host: s.EMAIL_HOST,
    port: s.EMAIL_PORT,
    // Django's EMAIL_USE_TLS is STARTTLS on a plain connection; without it, no TLS is tried at all.
    secure: false,
    requireTLS: s.EMAIL_USE_TLS,
    ignoreTLS: !s.EMAIL_USE_TLS,
    ...(s.EMAIL_HOST_USER === '' ? {} : { auth: { user: s.EMAIL_HOST_USER, pass: s.EMAIL_HOST_PASSWORD } }),
    connectionTimeout: timeout,
    greetingTimeout: timeout,
    socketTimeout: timeout,
  });
}

/** Builds the raw RFC 5322 message without sending it (the console and file backends). */
function rawTransport(): Transporter {
  return createTransport({ streamTransport: true, buffer: true, newline: 'unix' });
}

async function raw(transport: Transporter, options: SendMailOptions): Promise<string> {
  const info = (await transport.sendMail(options)) as { message: Buffer };
  return info.message.toString('utf8');
}

/**
 * The mailer the settings ask for. Throws {@link ConfigurationError} for a `file` backend without
 * `EMAIL_FILE_PATH`.
 * @example
 * const mailer = createMailer(settings);
 * await mailer.send({ to: 'alice@example.com', subject: 'Hello', text: 'Hi Alice' });
 */
export function createMailer(settings: MailSettings, options: MailerOptions = {}): Mailer {
  const from = settings.DEFAULT_FROM_EMAIL;
  switch (settings.EMAIL_BACKEND) {
    case 'smtp': {
      const transport = smtpTransport(settings);
      return {
        backend: 'smtp',
        async send(message) {
          await transport.sendMail(envelope(message, from));
        },
        async close() {
          transport.close();
        },
      };
    }
    case 'file': {
      const directory = settings.EMAIL_FILE_PATH;
      if (directory === null)
        throw new ConfigurationError(['EMAIL_FILE_PATH: must be set with EMAIL_BACKEND=file']);
      const transport = rawTransport();
      return {
        backend: 'file',
        async send(message) {
          const text = await raw(transport, envelope(message, from));
          await mkdir(directory, { recursive: true });
          // Django's file backend names files by time and a random part; `wx` never overwrites one.
          const stamp = new Date().toISOString().replace(/[-:]/g, '').replace(/\..*/, '');
          const name = `${stamp}-${randomBytes(6).toString('hex')}.eml`;
          await writeFile(join(directory, name), text, { flag: 'wx', mode: 0o600 });
        },
        async close() {},
      };
    }
    case 'console': {
      const transport = rawTransport();
      const write = options.write ?? ((text: string) => process.stdout.write(text));
      return {
        backend: 'console',
        async send(message) {
          const text = await raw(transport, envelope(message, from));
          write(`${text}\n${'-'.repeat(79)}\n`);
        },
        async close() {},
      };
    }
  }
}
