-- The requests of each benchmark scenario, for wrk. tests/bench/run.sh sets the environment:
--   BENCH_SCENARIO  which scenario (a key of `scenarios` below)
--   BENCH_TOKENS    a file of write tokens, one per line: each request uses one at random (one tenant: one line)
--   BENCH_USERS     the seeded users, one "id<TAB>userName<TAB>externalId[<TAB>token of its tenant]" line each,
--                   oldest first
--   BENCH_USER_COUNT     how many users the tenant has (walks wrap around there)
--   BENCH_BIG_GROUP, BENCH_SMALL_GROUP   ids of the group of every user and of the 10-member group
--   BENCH_CURSOR    a cursor deep in the users, for the deep page
--   BENCH_RUN       a word that makes created userNames unique to this run (http, https)
-- Only answers that succeeded count: wrk counts a status of 400 and above as an error, and response() below counts
-- a 2xx that did not do its work (a bulk operation that failed, a page without its resources) as a failure.

local scenario_name = os.getenv("BENCH_SCENARIO")
local run = os.getenv("BENCH_RUN") or "run"
local user_count = tonumber(os.getenv("BENCH_USER_COUNT") or "0")
wrk.headers["Content-Type"] = "application/scim+json"

local users = {}
local tokens = {}
local counter = 0
failures = 0  -- per thread; done() adds them up
bulk_created = 0

local function urlencode(s)
  return (s:gsub("[^%w%-%._~]", function(c) return string.format("%%%02X", c:byte()) end))
end

-- The same userName in a random mix of cases: userName is case-insensitive.
local function random_case(s)
  return (s:gsub("%a", function(c)
    if math.random(2) == 1 then return c:upper() end
    return c:lower()
  end))
end

-- thread_id is set by setup() in each thread (a global, so thread:set can reach it).

local function any_user() return users[math.random(#users)] end

local function unique_name(kind)
  counter = counter + 1
  return string.format("%s-%s-%d-%d@bench.example", kind, run, thread_id or 0, counter)
end

local function user_body(name, extra)
  return '{"schemas":["urn:ietf:params:scim:schemas:core:2.0:User"],"userName":"' .. name .. '"' ..
    ',"name":{"givenName":"Bench","familyName":"User"},"emails":[{"value":"' .. name .. '","type":"work"}]' ..
    (extra or "") .. '}'
end

local function patch_body(operations)
  return '{"schemas":["urn:ietf:params:scim:api:messages:2.0:PatchOp"],"Operations":' .. operations .. '}'
end

-- A user's own tenant's token when the users come from several tenants, else any token.
local function headers(user)
  return { ["Authorization"] = "Bearer " .. ((user and user.token) or tokens[math.random(#tokens)]) }
end

local function get(path, user) return wrk.format("GET", path, headers(user)) end
-- A walk stays in one tenant: a cursor is bound to the tenant that was given it.
local function walk_get(path)
  return wrk.format("GET", path, { ["Authorization"] = "Bearer " .. tokens[(thread_id or 1) % #tokens + 1] })
end
local function send(method, path, body, user) return wrk.format(method, path, headers(user), body) end

-- Take one member out of a group and put it back: a remove and an add in one PATCH.
local function member_churn(group, member)
  local ops = '[{"op":"remove","path":"members[value eq \\"' .. member.id .. '\\"]"},' ..
    '{"op":"add","path":"members","value":[{"value":"' .. member.id .. '"}]}]'
  return send("PATCH", "/scim/v2/Groups/" .. group, patch_body(ops))
end

local function filter(expression) return "/scim/v2/Users?filter=" .. urlencode(expression) end

-- Walks: each wrk thread has one connection (run.sh starts as many threads as connections) and walks the set
-- page after page as one client would, from the first page (as Okta imports, and as a cursor walk starts), wrapping
-- around at the end.
local walk_index = 1
local walk_cursor = ""
local function next_index()
  local i = walk_index
  walk_index = walk_index + 100
  if walk_index > user_count then walk_index = 1 end
  return i
end

local members_filter = 'groups.value eq "' .. (os.getenv("BENCH_BIG_GROUP") or "") .. '"'

local entra_step = 0
local entra_user

local scenarios = {
  service_provider_config = function() return get("/scim/v2/ServiceProviderConfig") end,
  get_user = function()
    local u = any_user()
    return get("/scim/v2/Users/" .. u.id, u)
  end,
  get_user_no_groups = function()
    local u = any_user()
    return get("/scim/v2/Users/" .. u.id .. "?excludedAttributes=groups", u)
  end,
  filter_username = function()
    local u = any_user()
    return get(filter('userName eq "' .. random_case(u.name) .. '"'), u)
  end,
  filter_externalid = function()
    local u = any_user()
    return get(filter('externalId eq "' .. u.ext .. '"'), u)
  end,
  page_index = function() return get("/scim/v2/Users?startIndex=1&count=100") end,
  page_total = function() return get("/scim/v2/Users?count=1") end,
  page_cursor_deep = function()
    return get("/scim/v2/Users?count=100&cursor=" .. urlencode(os.getenv("BENCH_CURSOR")))
  end,
  walk_index = function() return walk_get("/scim/v2/Users?count=100&startIndex=" .. next_index()) end,
  walk_cursor = function() return walk_get("/scim/v2/Users?count=100&cursor=" .. urlencode(walk_cursor)) end,
  members_walk_index = function()
    return walk_get(filter(members_filter) .. "&count=100&startIndex=" .. next_index())
  end,
  members_walk_cursor = function()
    return walk_get(filter(members_filter) .. "&count=100&cursor=" .. urlencode(walk_cursor))
  end,
  group_big_no_members = function()
    return get("/scim/v2/Groups/" .. os.getenv("BENCH_BIG_GROUP") .. "?excludedAttributes=members")
  end,
  post_user = function() return send("POST", "/scim/v2/Users", user_body(unique_name("post"))) end,
  patch_user = function()
    local ops = '[{"op":"replace","path":"title","value":"Title ' .. math.random(1000000) .. '"}]'
    return send("PATCH", "/scim/v2/Users/" .. any_user().id, patch_body(ops))
  end,
  put_user = function()
    local u = any_user()
    local extra = ',"externalId":"' .. u.ext .. '","title":"Put ' .. math.random(1000000) .. '"'
    return send("PUT", "/scim/v2/Users/" .. u.id, user_body(u.name, extra))
  end,
  members_big = function() return member_churn(os.getenv("BENCH_BIG_GROUP"), any_user()) end,
  members_small = function() return member_churn(os.getenv("BENCH_SMALL_GROUP"), users[math.random(10)]) end,
  bulk_create = function()
    local ops = {}
    for i = 1, 1000 do
      ops[i] = '{"method":"POST","path":"/Users","bulkId":"b' .. i .. '","data":' .. user_body(unique_name("bulk")) .. '}'
    end
    return send("POST", "/scim/v2/Bulk",
      '{"schemas":["urn:ietf:params:scim:api:messages:2.0:BulkRequest"],"Operations":[' ..
      table.concat(ops, ",") .. ']}')
  end,
  -- What Entra ID does per user in a sync cycle: look the user up by userName, then update it (or, one time in
  -- ten, create a user it did not find).
  entra_mixed = function()
    entra_step = entra_step + 1
    if entra_step % 2 == 1 then
      entra_user = any_user()
      return get(filter('userName eq "' .. entra_user.name .. '"'))
    end
    if entra_step % 20 == 0 then return send("POST", "/scim/v2/Users", user_body(unique_name("entra"))) end
    local ops = '[{"op":"Replace","path":"active","value":"True"},' ..
      '{"op":"Replace","path":"title","value":"T' .. math.random(1000000) .. '"}]'
    return send("PATCH", "/scim/v2/Users/" .. entra_user.id, patch_body(ops))
  end,
}

request = scenarios[scenario_name]
if not request then error("no scenario named " .. tostring(scenario_name)) end

local function ok(status) return status >= 200 and status < 300 end

-- What a scenario checks of each answer; a scenario without an entry is judged by wrk on its status alone (wrk
-- reads no body into Lua then, which keeps the client cheap).
-- A walk's page is a failure unless it is full (count=100) or the last one.
local function count_pages(status, headers, body)
  local items = tonumber(body:match('"itemsPerPage":(%d+)') or "-1")
  local last
  if body:find('"nextCursor"', 1, true) then last = false
  elseif body:find('"totalResults"', 1, true) then
    last = tonumber(body:match('"startIndex":(%d+)') or "0") + items - 1 >= tonumber(body:match('"totalResults":(%d+)'))
  else last = true end
  if not ok(status) or not body:find('"Resources"', 1, true) or (items ~= 100 and not last) then
    failures = failures + 1
  end
end
local function follow_cursor(status, headers, body)
  count_pages(status, headers, body)
  walk_cursor = body:match('"nextCursor":"([^"]+)"') or ""
end
local checks = {
  walk_index = count_pages,
  walk_cursor = follow_cursor,
  members_walk_index = count_pages,
  members_walk_cursor = follow_cursor,
  page_cursor_deep = count_pages,
  bulk_create = function(status, headers, body)
    local created = 0
    for _ in body:gmatch('"status":"201"') do created = created + 1 end
    bulk_created = bulk_created + created
    if not ok(status) or created ~= 1000 then failures = failures + 1 end
  end,
}
response = checks[scenario_name]

local picks_users = {
  get_user = true, get_user_no_groups = true, filter_username = true, filter_externalid = true, patch_user = true,
  put_user = true, members_big = true, members_small = true, entra_mixed = true,
}

local all_threads = {}
local thread_count = 0
function setup(thread)
  thread_count = thread_count + 1
  thread:set("thread_id", thread_count)
  table.insert(all_threads, thread)
end

function init(args)
  math.randomseed(os.time() * 100 + (thread_id or 0))
  for line in io.lines(os.getenv("BENCH_TOKENS")) do
    if line ~= "" then tokens[#tokens + 1] = line end
  end
  -- Only the scenarios that pick users read the file: every wrk thread parses it, and 32 threads parsing 100,000
  -- lines on two cores start so late that wrk's own timing of the run no longer holds.
  if not picks_users[scenario_name] then return end
  for line in io.lines(os.getenv("BENCH_USERS")) do
    local id, name, ext, token = line:match("^([^\t]+)\t([^\t]+)\t([^\t]+)\t?([^\t]*)$")
    if id then users[#users + 1] = { id = id, name = name, ext = ext, token = token ~= "" and token or nil } end
  end
end

function done(summary, latency, requests)
  local failed, created = 0, 0
  for _, t in ipairs(all_threads) do
    failed = failed + (t:get("failures") or 0)
    created = created + (t:get("bulk_created") or 0)
  end
  local e = summary.errors
  io.write(string.format("RESULT requests=%d duration_us=%d p50_us=%d p99_us=%d errors=%d created=%d\n",
    summary.requests, summary.duration, latency:percentile(50), latency:percentile(99),
    e.connect + e.read + e.write + e.status + e.timeout + failed, created))
end
