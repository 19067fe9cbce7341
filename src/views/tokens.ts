/**
 * @module `POST /api/tokens/`: a logged-in user makes an API token. It is returned once and
 * stored only as a hash; logout with it, log out everywhere and a password change revoke it.
 * Needs a fresh login (`REAUTH_MAX_AGE`): an API token cannot mint another.
 */
import type { AuthUser } from '../auth/types.js';
import type { RequestContext } from '../http/context.js';
import { json, jsonError } from './api.js';
import { reauthRequired } from './reauthenticate.js';

/** Makes a token for the logged-in user: 201 `{"token": "..."}`. */
export async function createTokenView<User extends AuthUser>(ctx: RequestContext<User>): Promise<Response> {
  if (ctx.request.method !== 'POST') return jsonError({ error: 'Method not allowed.' }, 405);
  const user = await ctx.user();
  if (user === null) return jsonError({ error: 'Authentication credentials were not provided.' }, 401);
  if (ctx.auth.tokens === null) return jsonError({ error: 'API tokens are not enabled.' }, 404);
  // A new credential is a sensitive action: 403 `reauthentication_required` unless the login is fresh.
  const stale = await reauthRequired(ctx);
  if (stale) return stale;
  const token = await ctx.auth.tokens.create(user.id);
  return json({ token }, 201);
}
