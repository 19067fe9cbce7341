/**
 * @module `latchkey/signing`: Django's `django.core.signing` — sign a value with `SECRET_KEY` (and
 * its fallbacks) and check it later, for links and cookies of your own. Values signed here and by
 * Django with the same key and salt verify in both.
 * @example
 * import { dumps, loads } from 'latchkey/signing';
 * const token = dumps({ list: 'news' }, { secret: settings.SECRET_KEY, salt: 'unsubscribe' });
 */
export { BadSignatureError, SignatureExpiredError } from '../core/errors.js';
export {
  constantTimeEquals,
  type DumpsOptions,
  dumps,
  type LoadsOptions,
  loads,
  Signer,
  type SignerOptions,
  type SigningKeys,
  saltedHmac,
  TimestampSigner,
  type TimestampSignerOptions,
} from '../core/signing.js';
