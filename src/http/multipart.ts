/**
 * @module `multipart/form-data` bodies (RFC 7578), read as Django reads them into `request.POST`:
 * the text fields, within the same body size limit as urlencoded forms (the adapters read at most
 * `DATA_UPLOAD_MAX_MEMORY_SIZE` bytes before this runs) and the same field count limit. File parts
 * are left out: no view of Latchkey takes a file, and a login form sent as multipart (some
 * JavaScript clients do: `fetch(url, { body: new FormData(form) })`) must pass its CSRF token. The
 * parsing is the platform's (`Response.formData()`, undici's WHATWG Fetch implementation), not a
 * parser of our own; a malformed body is a 400.
 */
import { BadRequestError } from './bad-request.js';

/** Largest number of fields in one form (Django's `DATA_UPLOAD_MAX_NUMBER_FIELDS` default). */
export const MAX_FORM_FIELDS = 1000;

/** The media type of multipart forms. */
export const MULTIPART_FORM = 'multipart/form-data';

/**
 * Refuses a form with more than {@link MAX_FORM_FIELDS} fields (Django's `TooManyFieldsSent`, a
 * 400): a body within the byte limit can still hold enough tiny fields to cost real time.
 * @example
 * checkFieldCount(new URLSearchParams(text));
 */
export function checkFieldCount(count: number): void {
  if (count > MAX_FORM_FIELDS)
    throw new BadRequestError(400, `Too many form fields (more than ${MAX_FORM_FIELDS})`);
}

/**
 * The text fields of a multipart body, in order; file parts are skipped.
 * @example
 * const form = await parseMultipartForm(bytes, request.header('content-type') ?? '');
 * form.get('csrfmiddlewaretoken');
 */
export async function parseMultipartForm(body: Uint8Array, contentType: string): Promise<URLSearchParams> {
  // RFC 7578 section 4.1: the boundary parameter is required; without it nothing can be parsed.
  if (!/;\s*boundary=/i.test(contentType))
    throw new BadRequestError(400, 'Malformed multipart body: the Content-Type has no boundary');
  let parsed: FormData;
  try {
    parsed = await new Response(body, { headers: { 'content-type': contentType } }).formData();
  } catch (error) {
    throw new BadRequestError(400, 'Malformed multipart body', { cause: error });
  }
  const form = new URLSearchParams();
  let count = 0;
  for (const [name, value] of parsed) {
    checkFieldCount(++count);
    if (typeof value === 'string') form.append(name, value);
  }
  return form;
}
