/**
 * @module `latchkey/django`: Latchkey as a peer of a live Django project on its database — Django's
 * users, the `django` session store and its codec, Django's message cookie, its `signed_cookies`
 * format, and `openDjangoMode`, which builds them all from `DJANGO_DATABASE` and friends.
 * @example
 * const django = djangoSettingsFromEnv(process.env);
 * const mode = await openDjangoMode({ db, keys: { secret: settings.SECRET_KEY }, django, clock, logger });
 * const latchkey = createLatchkey({ settings, ...mode });
 */
export {
  createDjangoMessageSigning,
  fromDjangoSessionMessages,
  toDjangoSessionMessages,
} from './messages-format.js';
export {
  checkDjangoTables,
  createDjangoPasswordService,
  DJANGO_TABLES,
  type DjangoMode,
  type OpenDjangoModeOptions,
  openDjangoMode,
} from './mode.js';
export { type DjangoDatabase, SESSION_INDEX_TABLE } from './schema.js';
export {
  AUTH_BACKEND_KEY,
  createDjangoSessionCodec,
  DJANGO_SESSION_SALT,
  type DjangoSessionCodec,
  type DjangoSessionCodecOptions,
  MODEL_BACKEND,
} from './session-codec.js';
export {
  createDjangoSessionStore,
  DjangoSessionStore,
  type DjangoSessionStoreOptions,
} from './session-store.js';
export { type DjangoPasswordHasherName, type DjangoSettings, djangoSettingsFromEnv } from './settings.js';
export {
  DJANGO_SIGNED_COOKIES_SALT,
  type DjangoSignedCookieOptions,
  decodeDjangoSignedCookie,
  encodeDjangoSignedCookie,
} from './signed-cookies.js';
export { DjangoUserSource } from './users.js';
