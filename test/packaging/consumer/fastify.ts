/** @module The consumer project's Fastify app (issue 15 item 2). */
import Fastify from 'fastify';
import { contextOf, latchkeyErrorHandler, latchkeyFastify } from 'latchkey/fastify';
import { loginUrlFor, loginView, logoutView } from 'latchkey/views';
import { dashboard, latchkey, login, logout, port, ready } from './setup.js';

const app = Fastify();
await app.register(latchkeyFastify, { latchkey });
app.setErrorHandler(latchkeyErrorHandler(latchkey));
app.route({
  method: ['GET', 'HEAD', 'POST'],
  url: '/accounts/login/',
  handler: (request) => loginView(request.latchkey, { render: login }),
});
app.route({
  method: ['GET', 'HEAD', 'POST'],
  url: '/accounts/logout/',
  handler: (request) => logoutView(request.latchkey, logout),
});
app.get('/dashboard/', async (request, reply) => {
  const ctx = contextOf(latchkey, request); // typed with the app's User
  const user = await ctx.user();
  if (user === null) return reply.redirect(loginUrlFor(ctx));
  return reply.type('text/html').send(dashboard(user, ctx.csrf.getToken()));
});
await app.listen({ port, host: '127.0.0.1' });
ready('fastify');
