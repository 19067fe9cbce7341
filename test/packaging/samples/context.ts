/**
 * @module What the documentation's fragments take from their surroundings — the instance built in
 * docs/frameworks.md's first sample, the reader's own templates, a reader's store — declared so that
 * each fragment type-checks on its own against the built package (issue 15 item 1). Excluded from
 * the repository's tsconfig: it imports `latchkey`, which resolves to `dist/` only once built.
 */
import type { Clock, Latchkey, LatchkeyConfig, RequestContext, SessionStore } from 'latchkey';
import type { User as UserModel } from 'latchkey/users';
import type { LoginViewOptions, LogoutViewOptions } from 'latchkey/views';

declare global {
  /** The instance "every example below starts from" (docs/frameworks.md). */
  const latchkey: Latchkey<UserModel>;
  type User = UserModel;
  /** A reader's `createLatchkey` options (settings, store, users), as in the quick start. */
  const config: LatchkeyConfig<UserModel>;
  const renderLogin: LoginViewOptions<UserModel>['render'];
  const renderConfirm: LogoutViewOptions<UserModel>['renderConfirm'];
  const renderLoggedOut: LogoutViewOptions<UserModel>['renderLoggedOut'];
  function escapeHtml(text: string): string;
  function logoutButton(token: string): string;
  /** The fetch-style app of docs/frameworks.md ("Fetch-style runtimes"), served by Bun and Deno. */
  function app(request: Request, ctx: RequestContext<UserModel>): Promise<Response>;
  /** The store a reader writes and tests with the exported conformance suite. */
  const MyStore: new (options: { clock: Clock }) => SessionStore;
}
