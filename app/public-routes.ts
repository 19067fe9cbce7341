/**
 * @module The reference app's public routes (../shared/CONTRACT.md): the app runs with login
 * required by default, so these are the only ones an anonymous visitor reaches. An exact path, or
 * a prefix ending in `*`.
 */
import { type RouteOptions, routeTable } from '../src/index.js';

const open: RouteOptions = { public: true };

/** The public routes, and why each is. */
export const PUBLIC_ROUTES: Readonly<Record<string, RouteOptions>> = {
  '/': open,
  // The login page needs its stylesheet before anyone is logged in.
  '/static/*': open,
  // What browsers ask for without a <link rel=icon>, before anyone is logged in.
  '/favicon.ico': open,
  '/accounts/login/': open,
  // Logging out must always work, also for a session that already ended (Django marks LogoutView).
  '/accounts/logout/': open,
  '/api/logout/': open,
  // A forgotten password is the reason the visitor cannot log in.
  '/accounts/password_reset/*': open,
  '/accounts/reset/*': open,
  // The cart works anonymously by contract (extra session data that logout must clear).
  '/cart/': open,
  '/cart/add/': open,
  '/api/csrf/': open,
  '/api/login/': open,
};

/** {@link PUBLIC_ROUTES} as the pipeline's route options. */
export const publicRoutes = routeTable(PUBLIC_ROUTES);
