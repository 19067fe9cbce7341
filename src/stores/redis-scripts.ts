/**
 * @module The Redis session store's key layout and Lua scripts, laid out so that every script touches
 * keys of one Redis Cluster hash slot, without putting every session in one slot.
 *
 * Layout under `prefix`, with `{t}` a Redis Cluster hash tag (https://redis.io/docs/reference/cluster-spec/#hash-tags):
 * - `<prefix>{t}s:<key>`: a session, a hash `{d: data, e: expiresAt ms, u: userId}` with a native TTL;
 *   `t` is the session key's first {@link TAG_LENGTH} characters.
 * - `<prefix>{t}u:<userId>`: the set of that user's session keys; `t` is {@link userTag}`(userId)`.
 * - `<prefix>{t}l:<key>` and `<prefix>{t}p:<userId>`: the cache protocol's fill lease and "user purged"
 *   marker (both short-lived), and `<prefix>{t}q` the counter both are compared by.
 * A logged-in session's key starts with its user's tag (the core asks for it through
 * `SessionStore.userKeyTag`, and login picks a new key anyway, OWASP: renew the ID on login), so a
 * session, its user's index and its markers share a slot; anonymous sessions spread by their own
 * random tag. Every write that touches a record and the index is one script, so the index stays exact
 * under any interleaving (INVARIANTS 13), on one server or across shards.
 */
import { createHash } from 'node:crypto';

/** Characters of a session key (and of a user's tag) that pick the hash slot: 36^4 tags over 16,384 slots. */
export const TAG_LENGTH = 4;
const ALPHABET = 'abcdefghijklmnopqrstuvwxyz0123456789';

/**
 * The tag of `userId`'s sessions: a hash, not the id, so a cookie tells nothing of whose it is beyond
 * one chance in 36^4. Independent of the prefix, so the core's keys fit whichever prefix a store uses.
 * @example
 * userTag('42'); // e.g. 'k3x0'
 */
export function userTag(userId: string): string {
  const digest = createHash('sha256').update(userId).digest();
  let tag = '';
  for (let i = 0; i < TAG_LENGTH; i++) tag += ALPHABET[(digest[i] as number) % ALPHABET.length];
  return tag;
}

/** The hash-tagged base every key of tag `tag` starts with. */
export function tagBase(prefix: string, tag: string): string {
  return `${prefix}{${tag}}`;
}

/** The session record's key name. */
export function recordName(prefix: string, key: string): string {
  return `${tagBase(prefix, key.slice(0, TAG_LENGTH))}s:${key}`;
}

/** The user's index key name. */
export function indexName(prefix: string, userId: string): string {
  return `${tagBase(prefix, userTag(userId))}u:${userId}`;
}

/** A script and its SHA1 (for EVALSHA). */
export interface Script {
  readonly lua: string;
  readonly sha: string;
}

// KEYS[1] is a key of the slot the script works in (so a cluster client routes it there); ARGV[1] is
// that slot's base (`<prefix>{t}`), ARGV[2] the clock's now. Every other name is built from the base,
// hence in the same slot. A user argument is '' (anonymous) or '=' .. id.
const PRELUDE = `
local base, now = ARGV[1], tonumber(ARGV[2])
local function rkey(k) return base .. 's:' .. k end
local function ikey(u) return base .. 'u:' .. u end
local function user(arg) if arg == '' then return nil end return string.sub(arg, 2) end
local function live(k)
  local e = redis.call('HGET', rkey(k), 'e')
  return e ~= false and tonumber(e) > now
end
local function remove(k)
  local u = redis.call('HGET', rkey(k), 'u')
  redis.call('DEL', rkey(k))
  if u then redis.call('SREM', ikey(u), k) end
end
local function write(k, data, e, u)
  local ttl = tonumber(e) - now
  if ttl <= 0 then return end
  if u then
    redis.call('HSET', rkey(k), 'd', data, 'e', e, 'u', u)
    redis.call('SADD', ikey(u), k)
    -- The index outlives its longest session, so it never expires under a live one.
    if redis.call('PTTL', ikey(u)) < ttl then redis.call('PEXPIRE', ikey(u), ttl) end
  else
    redis.call('HSET', rkey(k), 'd', data, 'e', e)
  end
  redis.call('PEXPIRE', rkey(k), ttl)
end
`;

function script(body: string): Script {
  const lua = `${PRELUDE}${body}`;
  return { lua, sha: createHash('sha1').update(lua).digest('hex') };
}

/** The store's scripts; each comment lists its ARGV after base and now. */
export const scripts = {
  // key, data, expiresAt, user. A record expired by the clock is replaced.
  create: script(`local k = ARGV[3]
if live(k) then return 0 end
remove(k)
write(k, ARGV[4], ARGV[5], user(ARGV[6]))
return 1`),
  // INVARIANTS 1: update only a live record, never insert.
  save: script(`local k = ARGV[3]
if not live(k) then return 0 end
remove(k)
write(k, ARGV[4], ARGV[5], user(ARGV[6]))
return 1`),
  // key.
  delete: script(`remove(ARGV[3])
redis.call('DEL', base .. 'l:' .. ARGV[3])
return 1`),
  // userId. Members whose record is gone, another user's, or expired are pruned; an expired record goes
  // too, so a clock stepped back cannot revive a session missing from the index.
  list: script(`local u, out = ARGV[3], {}
for _, k in ipairs(redis.call('SMEMBERS', ikey(u))) do
  local r = redis.call('HMGET', rkey(k), 'd', 'e', 'u')
  if not r[2] or r[3] ~= u then redis.call('SREM', ikey(u), k)
  elseif tonumber(r[2]) <= now then remove(k)
  else table.insert(out, k); table.insert(out, r[1]); table.insert(out, r[2]) end
end
return out`),
  // userId, except ('' or '=' .. key), lease ms. Counts live sessions only. The marker refuses cache
  // fills that started before this purge (see reserveFill).
  deleteUser: script(`local u, except, count = ARGV[3], user(ARGV[4]), 0
for _, k in ipairs(redis.call('SMEMBERS', ikey(u))) do
  if k ~= except then
    local r = redis.call('HMGET', rkey(k), 'e', 'u')
    if r[1] and r[2] == u then
      redis.call('DEL', rkey(k))
      if tonumber(r[1]) > now then count = count + 1 end
    end
    redis.call('SREM', ikey(u), k)
  end
end
redis.call('SET', base .. 'p:' .. u, redis.call('INCR', base .. 'q'), 'PX', ARGV[5])
return count`),
  // KEYS: names of one tag found by SCAN. Counts the records expired by the clock; prunes index
  // members whose record is gone or another user's.
  clear: script(`local count = 0
for i = 1, #KEYS do
  local name = KEYS[i]
  local kind, rest = string.sub(name, #base + 1, #base + 2), string.sub(name, #base + 3)
  if kind == 's:' then
    local e = redis.call('HGET', name, 'e')
    if e and tonumber(e) <= now then remove(rest); count = count + 1 end
  elseif kind == 'u:' then
    for _, k in ipairs(redis.call('SMEMBERS', name)) do
      if redis.call('HGET', rkey(k), 'u') ~= rest then redis.call('SREM', name, k) end
    end
  end
end
return count`),
  // key, lease ms, intent. Drops the cached copy and hands out a fill token, or '0' (never valid) when
  // a lease is already out. A writer arriving then voids that lease too: the fill could otherwise carry
  // data older than its write. A reader leaves it: it changes nothing.
  reserveFill: script(`local k, lk = ARGV[3], base .. 'l:' .. ARGV[3]
remove(k)
if redis.call('EXISTS', lk) == 0 then
  local token = tostring(redis.call('INCR', base .. 'q'))
  redis.call('SET', lk, token, 'PX', ARGV[4])
  return token
end
if ARGV[5] == 'write' then redis.call('SET', lk, '0', 'PX', ARGV[4]) end
return '0'`),
  // key, token, data, expiresAt, user.
  fill: script(`local k, lk, u = ARGV[3], base .. 'l:' .. ARGV[3], user(ARGV[7])
if ARGV[4] == '0' or redis.call('GET', lk) ~= ARGV[4] then return 0 end
redis.call('DEL', lk)
if u then
  local purged = redis.call('GET', base .. 'p:' .. u)
  if purged and tonumber(purged) >= tonumber(ARGV[4]) then return 0 end
end
remove(k)
write(k, ARGV[5], ARGV[6], u)
return 1`),
};
