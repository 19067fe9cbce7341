/**
 * @module `latchkey/mail`: sending email (Django's `EMAIL_BACKEND`: console, file or SMTP) and the
 * outbox that sends it after the response, which `requestPasswordReset` takes.
 * @example
 * import { createMailer, Outbox } from 'latchkey/mail';
 * const outbox = new Outbox(createMailer(settings), logger);
 */
export {
  BadMessageError,
  createMailer,
  type EmailMessage,
  type Mailer,
  type MailerOptions,
  type MailSettings,
} from './mailer.js';
export { Outbox } from './outbox.js';
