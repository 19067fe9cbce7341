/** @module The error of a request body that is malformed (400) or too large (413), for every adapter and parser. */
import { LatchkeyError } from '../core/errors.js';

/** A request body that is malformed (400) or too large (413). */
export class BadRequestError extends LatchkeyError {
  readonly status: 400 | 413;
  constructor(status: 400 | 413, message: string, options?: { cause?: unknown }) {
    super(status === 413 ? 'LATCHKEY_BODY_TOO_LARGE' : 'LATCHKEY_BAD_REQUEST', message, options);
    this.status = status;
  }
}
