/**
 * @module Error responses: the default renderer (a plain page, or `{"error": …}` JSON for API
 * calls), and the mapping of the errors Latchkey knows to 4xx/503 (fail closed, INVARIANTS 10).
 */
import { LatchkeyError, SessionInterruptedError, StoreUnavailableError } from '../core/errors.js';
import type { Logger } from '../core/logger.js';
import type { ErrorRenderer } from './context.js';
import { BadRequestError, type HttpRequest } from './request.js';

/**
 * The stable `code`s of JSON error bodies, for clients to branch on (most errors carry none: the
 * status says enough).
 */
export type ApiErrorCode = 'reauthentication_required';

/**
 * Every JSON error Latchkey answers: `{"error": message}` with a 4xx or 503 status, plus a `code`
 * where a client must tell two errors of one status apart.
 * @example
 * const body = (await response.json()) as ApiErrorBody;
 * if (body.code === 'reauthentication_required') showPasswordPrompt();
 */
export interface ApiErrorBody {
  readonly error: string;
  readonly code?: ApiErrorCode;
}

/** Whether a client asked for JSON (an API call) rather than a page. */
export function wantsJson(request: HttpRequest): boolean {
  return (
    request.url.pathname.startsWith('/api/') ||
    (request.header('accept') ?? '').includes('application/json') ||
    (request.header('content-type') ?? '').includes('application/json')
  );
}

/**
 * The default {@link ErrorRenderer}: `{"error": message}` for API calls, else a minimal page with
 * the message escaped. Never cached.
 * @example
 * const response = defaultRenderError(request, 404, 'Not found.');
 */
export function defaultRenderError(request: HttpRequest, status: number, message: string): Response {
  if (wantsJson(request)) {
    const body: ApiErrorBody = { error: message };
    return Response.json(body, { status, headers: { 'Cache-Control': 'no-store' } });
  }
  const escaped = message.replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);
  return new Response(`<!doctype html><title>${status}</title><h1>${status}</h1><p>${escaped}</p>`, {
    status,
    headers: { 'Content-Type': 'text/html; charset=utf-8', 'Cache-Control': 'no-store' },
  });
}

/**
 * Maps a thrown error to a response when it is one Latchkey knows: 400/413 for bad bodies, 400
 * for an interrupted session (INVARIANTS 1), 503 for an unavailable store (INVARIANTS 10), 400 for
 * a bad signature. `null` for anything else (a real bug: the framework's 500 handler takes it).
 * @example
 * const response = knownErrorResponse(error, { request, renderError, logger });
 */
export function knownErrorResponse(
  error: unknown,
  on: { readonly request: HttpRequest; readonly renderError: ErrorRenderer; readonly logger: Logger },
): Response | null {
  const { request, renderError } = on;
  if (error instanceof BadRequestError) return renderError(request, error.status, error.message);
  if (error instanceof SessionInterruptedError) return renderError(request, 400, error.message);
  if (error instanceof StoreUnavailableError) {
    on.logger.log('error', 'store.unavailable', { code: error.code, message: error.message });
    return renderError(request, 503, 'Service temporarily unavailable. Please try again shortly.');
  }
  if (error instanceof LatchkeyError && error.code === 'LATCHKEY_BAD_SIGNATURE') {
    return renderError(request, 400, 'Bad request.');
  }
  return null;
}
