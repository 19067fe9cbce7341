/**
 * @module The Lua scripts `wrk` runs: one fixed request, or a login/logout cycle whose steps carry
 * cookies and a CSRF token from one response to the next. wrk runs one Lua state per thread and
 * does not say which connection a response came from, so a cycle runs one connection per thread
 * (requests and responses then strictly alternate). Both scripts count every status and print
 * them, with wrk's own totals, as one JSON line at the end.
 *
 * A limit of wrk's Lua API: the `headers` table of a response keeps one value per name, so of
 * several `Set-Cookie` headers the script sees only the last. A cycle step therefore declares the
 * one cookie it needs from a response, and a stack that sets that cookie before another one in the
 * same response cannot be driven by wrk (its contender keeps autocannon for S3, and says so).
 */

/** One step of a cycle, in a form both generators can run. */
export interface CycleStep {
  readonly method: 'GET' | 'POST';
  readonly path: string;
  readonly headers?: Readonly<Record<string, string>>;
  /** The body: fixed text, where `{token}` is replaced by the captured token. */
  readonly body?: string;
  /** Send the cookies collected so far in this cycle. */
  readonly sendCookies?: boolean;
  /** Start a fresh cookie jar at this step (a new browser). */
  readonly freshJar?: boolean;
  /** Keep the `Set-Cookie` of the response (the last one, see the module note). */
  readonly keepCookie?: boolean;
  /** Capture `name="<field>" value="…"` from the response body as the token. */
  readonly captureField?: string;
}

const luaString = (value: string): string => JSON.stringify(value);

/**
 * An urlencoded form body whose `tokenField` is the placeholder `{token}` (URLSearchParams would
 * encode the braces), for a step that sends the captured token.
 * @example
 * formWithToken('csrfmiddlewaretoken', { username: 'bench' }); // 'csrfmiddlewaretoken={token}&username=bench'
 */
export function formWithToken(tokenField: string, fields: Readonly<Record<string, string>> = {}): string {
  const rest = new URLSearchParams(fields as Record<string, string>).toString();
  return `${encodeURIComponent(tokenField)}={token}${rest === '' ? '' : `&${rest}`}`;
}

function luaTable(value: Readonly<Record<string, string>> | undefined): string {
  const entries = Object.entries(value ?? {}).map(([k, v]) => `[${luaString(k)}] = ${luaString(v)}`);
  return `{ ${entries.join(', ')} }`;
}

const REPORT = `
local threads = {}
function setup(thread) table.insert(threads, thread) end
function done(summary, latency, requests)
  local statuses = {}
  for _, thread in ipairs(threads) do
    local counts = thread:get("statuses")
    for status, n in pairs(counts) do statuses[status] = (statuses[status] or 0) + n end
  end
  local parts = {}
  for status, n in pairs(statuses) do table.insert(parts, string.format('"%d":%d', status, n)) end
  local e = summary.errors
  io.write(string.format(
    '\\nWRK_JSON {"requests":%d,"durationUs":%d,"errors":%d,"p50Us":%d,"p99Us":%d,"statuses":{%s}}\\n',
    summary.requests, summary.duration, e.connect + e.read + e.write + e.timeout,
    latency:percentile(50), latency:percentile(99), table.concat(parts, ",")))
end
`;

/**
 * The script for one fixed request, sent again and again on every connection.
 * @example
 * writeFileSync(path, singleRequestScript({ method: 'GET', path: '/dashboard/', headers: { cookie } }));
 */
export function singleRequestScript(request: {
  readonly method: string;
  readonly path: string;
  readonly headers?: Readonly<Record<string, string>>;
  readonly body?: string;
}): string {
  return `
local req
-- Formatted in init: only then does wrk.headers hold the Host header of the target URL.
function init(args)
  statuses = {}
  req = wrk.format(${luaString(request.method)}, ${luaString(request.path)}, ${luaTable(request.headers)}, ${request.body === undefined ? 'nil' : luaString(request.body)})
end
function request() return req end
function response(status, headers, body) statuses[status] = (statuses[status] or 0) + 1 end
${REPORT}`;
}

/**
 * The script for a cycle of steps, each thread (one connection) going round and round.
 * @example
 * writeFileSync(path, cycleScript(steps));
 */
export function cycleScript(steps: readonly CycleStep[]): string {
  const luaSteps = steps.map(
    (s) => `{ method = ${luaString(s.method)}, path = ${luaString(s.path)}, headers = ${luaTable(s.headers)},
      body = ${s.body === undefined ? 'nil' : luaString(s.body)}, sendCookies = ${s.sendCookies === true},
      freshJar = ${s.freshJar === true}, keepCookie = ${s.keepCookie === true},
      captureField = ${s.captureField === undefined ? 'nil' : luaString(s.captureField)} }`,
  );
  return `
local steps = { ${luaSteps.join(',\n  ')} }
local at, jar, token = 1, {}, ""
function init(args) statuses = {} end
local function cookieHeader()
  local parts = {}
  for name, value in pairs(jar) do table.insert(parts, name .. "=" .. value) end
  return table.concat(parts, "; ")
end
function request()
  local s = steps[at]
  if s.freshJar then jar, token = {}, "" end
  local headers = {}
  for k, v in pairs(s.headers) do headers[k] = v end
  if s.sendCookies then headers["Cookie"] = cookieHeader() end
  local body = s.body and string.gsub(s.body, "{token}", (string.gsub(token, "%%", "%%%%"))) or nil
  return wrk.format(s.method, s.path, headers, body)
end
function response(status, headers, body)
  statuses[status] = (statuses[status] or 0) + 1
  local s = steps[at]
  if s.keepCookie then
    local line = headers["Set-Cookie"] or headers["set-cookie"]
    if line then
      local name, value = string.match(line, "^%s*([^=;%s]+)=([^;]*)")
      if name then
        if value == "" or string.find(string.lower(line), "max%-age=0") then jar[name] = nil else jar[name] = value end
      end
    end
  end
  if s.captureField then
    token = string.match(body, 'name="' .. s.captureField .. '" value="([^"]*)"') or ""
  end
  at = at % #steps + 1
end
${REPORT}`;
}
