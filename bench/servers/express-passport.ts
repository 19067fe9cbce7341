/**
 * @module The Express peer: express 5 + express-session + passport-local, configured as their READMEs
 * recommend (`resave: false`, `saveUninitialized: false`), with the same routes and pages as Latchkey's
 * reference app. No CSRF check at all (express has none built in), no session auth hash (a password
 * change does not end other sessions). `STORE` picks express-session's MemoryStore or connect-redis
 * on node-redis; users live in the peers' SQLite table (one primary-key read per request in
 * `deserializeUser`). `/limit/` is the same page before any middleware (S0).
 *
 * Environment: PORT, DATA_DIR, SECRET_KEY, STORE (`memory` | `redis`), HASHER, REDIS_URL.
 */
import { RedisStore } from 'connect-redis';
import express from 'express';
import session from 'express-session';
import passport from 'passport';
import { Strategy as LocalStrategy } from 'passport-local';
import { createClient } from 'redis';
import { announceReady, portFromEnv, requireEnv } from './listen.js';
import { BENCH_USER, renderDashboard, renderLoginPage, SHOWN_LAST_LOGIN } from './page.js';
import { hasherFromEnv, peerPasswords } from './peer-passwords.js';
import { openPeerUsers, type PeerUser } from './peer-users.js';

const port = portFromEnv();
const passwords = peerPasswords(hasherFromEnv());
const users = openPeerUsers(requireEnv('DATA_DIR'), {
  username: BENCH_USER.username,
  password: await passwords.hash(BENCH_USER.password),
});

const redis = process.env.STORE === 'redis' ? createClient({ url: requireEnv('REDIS_URL') }) : null;
if (redis !== null) await redis.connect();
const store = redis === null ? new session.MemoryStore() : new RedisStore({ client: redis, prefix: 'sess:' });

passport.use(
  new LocalStrategy((username, password, done) => {
    const user = users.byUsername(username);
    if (user === null || user.is_active !== 1) return done(null, false);
    passwords.verify(password, user.password).then(
      (valid) => done(null, valid ? user : false),
      (error: unknown) => done(error),
    );
  }),
);
passport.serializeUser((user, done) => done(null, (user as PeerUser).id));
passport.deserializeUser((id: number, done) => done(null, users.byId(id) ?? false));

const app = express();
app.disable('x-powered-by');
app.get('/limit/', async (_req, res) => {
  res
    .type('html')
    .send(
      await renderDashboard({ username: BENCH_USER.username, csrfToken: '', lastLogin: SHOWN_LAST_LOGIN }),
    );
});
app.use(express.urlencoded({ extended: false }));
app.use(
  session({
    name: 'sessionid',
    secret: requireEnv('SECRET_KEY'),
    store,
    resave: false,
    saveUninitialized: false,
    cookie: { httpOnly: true, sameSite: 'lax', maxAge: 14 * 24 * 3600 * 1000 },
  }),
);
app.use(passport.session());

app.get('/dashboard/', async (req, res) => {
  const user = req.user as PeerUser | undefined;
  if (user === undefined) {
    res.redirect('/accounts/login/?next=/dashboard/');
    return;
  }
  res.set('Cache-Control', 'max-age=0, no-cache, no-store, must-revalidate, private');
  res
    .type('html')
    .send(await renderDashboard({ username: user.username, csrfToken: '', lastLogin: SHOWN_LAST_LOGIN }));
});
app.get('/accounts/login/', async (_req, res) => {
  res.set('Cache-Control', 'max-age=0, no-cache, no-store, must-revalidate, private');
  res.type('html').send(await renderLoginPage({ csrfToken: '' }));
});
app.post(
  '/accounts/login/',
  passport.authenticate('local', { successRedirect: '/dashboard/', failureRedirect: '/accounts/login/' }),
);
app.post('/accounts/logout/', (req, res, next) => {
  req.logout((error) => {
    if (error) return next(error);
    res.redirect('/accounts/login/');
  });
});

const server = app.listen(port, '127.0.0.1', () =>
  announceReady(server, async () => {
    users.close();
    await redis?.quit();
  }),
);
