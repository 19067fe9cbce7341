/**
 * @module A real SMTP server for tests (the `smtp-server` package, speaking SMTP over TCP on a free
 * port of 127.0.0.1): it accepts every message and keeps it, raw and decoded, so a test can read
 * the mail the app sent and follow the link in it, as a user would.
 */
import { SMTPServer } from 'smtp-server';
import { freePort } from './ports.js';

/** One message as the server received it. */
export interface ReceivedMail {
  /** `MAIL FROM` and `RCPT TO` of the SMTP envelope. */
  readonly envelopeFrom: string;
  readonly envelopeTo: readonly string[];
  /** The whole message as sent (headers and body). */
  readonly raw: string;
  /** Header values by lower-case name (unfolded). */
  readonly headers: ReadonlyMap<string, string>;
  /** The body, transfer-decoded. */
  readonly text: string;
}

/** A running test SMTP server. */
export interface TestSmtpServer {
  readonly port: number;
  readonly messages: readonly ReceivedMail[];
  /** Resolves when at least `count` messages arrived; rejects after `timeoutMs`. */
  waitForMessages(count: number, timeoutMs?: number): Promise<readonly ReceivedMail[]>;
  close(): Promise<void>;
}

/** RFC 2045 section 6.7: soft line breaks (`=` at a line end) vanish, `=XX` is a byte. */
function decodeQuotedPrintable(body: string): string {
  const bytes = body
    .replace(/=\r?\n/g, '')
    .replace(/=([0-9A-F]{2})/g, (_, hex: string) => `%${hex}`)
    .replace(/%(?![0-9A-F]{2})/g, '%25');
  return decodeURIComponent(bytes);
}

function parseMessage(raw: string): { headers: Map<string, string>; text: string } {
  const split = raw.search(/\r?\n\r?\n/);
  const head = raw.slice(0, split).replace(/\r?\n[ \t]+/g, ' ');
  const body = raw.slice(split).replace(/^\r?\n\r?\n/, '');
  const headers = new Map<string, string>();
  for (const line of head.split(/\r?\n/)) {
    const colon = line.indexOf(':');
    if (colon > 0) headers.set(line.slice(0, colon).trim().toLowerCase(), line.slice(colon + 1).trim());
  }
  const encoding = (headers.get('content-transfer-encoding') ?? '7bit').toLowerCase();
  const text =
    encoding === 'quoted-printable'
      ? decodeQuotedPrintable(body)
      : encoding === 'base64'
        ? Buffer.from(body.replace(/\s+/g, ''), 'base64').toString('utf8')
        : body;
  return { headers, text };
}

/**
 * Starts an SMTP server on a free port. `delayMs` holds each message that long before accepting it
 * (a slow mail server).
 * @example
 * const smtp = await startSmtpServer();
 * const [mail] = await smtp.waitForMessages(1);
 */
export async function startSmtpServer(
  options: {
    delayMs?: number;
    /** Require SMTP AUTH (PLAIN/LOGIN) with these credentials; over plain TCP, as a test server may. */
    auth?: { user: string; pass: string };
  } = {},
): Promise<TestSmtpServer> {
  const messages: ReceivedMail[] = [];
  const waiters = new Set<() => void>();
  const { auth } = options;
  const server = new SMTPServer({
    authOptional: auth === undefined,
    allowInsecureAuth: auth !== undefined,
    disabledCommands: ['STARTTLS'],
    logger: false,
    onAuth(login, _session, callback) {
      if (auth !== undefined && login.username === auth.user && login.password === auth.pass)
        callback(null, { user: login.username });
      else callback(new Error('Invalid username or password'));
    },
    onData(stream, session, callback) {
      const chunks: Buffer[] = [];
      stream.on('data', (chunk: Buffer) => chunks.push(chunk));
      stream.on('end', () => {
        const raw = Buffer.concat(chunks).toString('utf8');
        const from = session.envelope.mailFrom;
        const { headers, text } = parseMessage(raw);
        const accept = (): void => {
          messages.push({
            envelopeFrom: from === false ? '' : from.address,
            envelopeTo: session.envelope.rcptTo.map((r) => r.address),
            raw,
            headers,
            text,
          });
          for (const wake of waiters) wake();
          callback();
        };
        if (options.delayMs === undefined) accept();
        else setTimeout(accept, options.delayMs);
      });
    },
  });
  const port = await freePort();
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(port, '127.0.0.1', () => resolve());
  });
  return {
    port,
    messages,
    waitForMessages(count, timeoutMs = 10_000) {
      return new Promise((resolve, reject) => {
        const check = (): void => {
          if (messages.length < count) return;
          clearTimeout(timer);
          waiters.delete(check);
          resolve(messages);
        };
        const timer = setTimeout(() => {
          waiters.delete(check);
          reject(new Error(`expected ${count} message(s), got ${messages.length} in ${timeoutMs} ms`));
        }, timeoutMs);
        waiters.add(check);
        check();
      });
    },
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
}

/**
 * The reset link (path only) in a received message.
 * @example
 * const path = resetLinkIn(mail); // '/accounts/reset/NDI/d7w940-…/'
 */
export function resetLinkIn(mail: ReceivedMail): string {
  const match = /https?:\/\/[^/\s]+(\/accounts\/reset\/[A-Za-z0-9_-]+\/[0-9a-z]+-[0-9a-f]+\/)/.exec(
    mail.text,
  );
  if (match?.[1] === undefined) throw new Error(`no reset link in the message:\n${mail.text}`);
  return match[1];
}
