/** @module HTML responses for views: always UTF-8, optionally never cached. */
import { neverCache } from '../http/headers.js';

/** An HTML response; pass `cache: 'never'` for pages that must not be kept (login, logout, private pages). */
export function html(body: string, options?: { status?: number; cache?: 'never' }): Response {
  const response = new Response(body, {
    status: options?.status ?? 200,
    headers: { 'Content-Type': 'text/html; charset=utf-8' },
  });
  if (options?.cache === 'never') neverCache(response.headers);
  return response;
}

/** 405 with the methods a view accepts. */
export function methodNotAllowed(allow: readonly string[]): Response {
  return new Response('Method Not Allowed', { status: 405, headers: { Allow: allow.join(', ') } });
}
