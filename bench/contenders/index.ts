/**
 * @module Every contender the benchmark knows, in report order. A new stack (Latchkey on Express or
 * Fastify, the Fastify peer) is one file in this folder plus one server in bench/servers/, listed here.
 */
import { betterAuthContenders } from './better-auth.js';
import type { Contender } from './contender.js';
import { expressContenders } from './express-passport.js';
import { fastifyContenders } from './fastify-session.js';
import { latchkeyContenders } from './latchkey.js';
import { latchkeyClusterContender } from './latchkey-cluster.js';

/** All contenders, Latchkey first. */
export function allContenders(): Contender[] {
  return [
    ...latchkeyContenders(),
    latchkeyClusterContender(),
    ...expressContenders(),
    ...betterAuthContenders(),
    ...fastifyContenders(),
  ];
}
