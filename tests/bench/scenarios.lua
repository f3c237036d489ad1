-- The requests of each benchmark scenario, for wrk. tests/bench/run.sh sets the environment:
--   BENCH_SCENARIO  which scenario (a key of `scenarios` below)
--   BENCH_TOKEN     a write token of the seeded tenant
--   BENCH_USERS     the seeded users, one "id<TAB>userName<TAB>externalId" line each, oldest first
--   BENCH_BIG_GROUP, BENCH_SMALL_GROUP   ids of the 100,000-member and the 10-member group
--   BENCH_CURSOR    a cursor deep in the users, for the deep page
--   BENCH_RUN       a word that makes created userNames unique to this run (http, https)

local scenario_name = os.getenv("BENCH_SCENARIO")
local run = os.getenv("BENCH_RUN") or "run"
wrk.headers["Authorization"] = "Bearer " .. os.getenv("BENCH_TOKEN")
wrk.headers["Content-Type"] = "application/scim+json"

local users = {}
local counter = 0

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

-- Take one member out of a group and put it back: a remove and an add in one PATCH.
local function member_churn(group, member)
  local ops = '[{"op":"remove","path":"members[value eq \\"' .. member.id .. '\\"]"},' ..
    '{"op":"add","path":"members","value":[{"value":"' .. member.id .. '"}]}]'
  return wrk.format("PATCH", "/scim/v2/Groups/" .. group, nil, patch_body(ops))
end

local function filter(expression)
  return wrk.format("GET", "/scim/v2/Users?filter=" .. urlencode(expression))
end

local entra_step = 0
local entra_user

local scenarios = {
  get_user = function() return wrk.format("GET", "/scim/v2/Users/" .. any_user().id) end,
  filter_username = function() return filter('userName eq "' .. random_case(any_user().name) .. '"') end,
  filter_externalid = function() return filter('externalId eq "' .. any_user().ext .. '"') end,
  page_index = function() return wrk.format("GET", "/scim/v2/Users?startIndex=1&count=100") end,
  page_cursor_first = function() return wrk.format("GET", "/scim/v2/Users?count=100&cursor=") end,
  page_cursor_deep = function()
    return wrk.format("GET", "/scim/v2/Users?count=100&cursor=" .. urlencode(os.getenv("BENCH_CURSOR")))
  end,
  group_big_no_members = function()
    return wrk.format("GET", "/scim/v2/Groups/" .. os.getenv("BENCH_BIG_GROUP") .. "?excludedAttributes=members")
  end,
  post_user = function() return wrk.format("POST", "/scim/v2/Users", nil, user_body(unique_name("post"))) end,
  patch_user = function()
    local ops = '[{"op":"replace","path":"title","value":"Title ' .. math.random(1000000) .. '"}]'
    return wrk.format("PATCH", "/scim/v2/Users/" .. any_user().id, nil, patch_body(ops))
  end,
  put_user = function()
    local u = any_user()
    local extra = ',"externalId":"' .. u.ext .. '","title":"Put ' .. math.random(1000000) .. '"'
    return wrk.format("PUT", "/scim/v2/Users/" .. u.id, nil, user_body(u.name, extra))
  end,
  members_big = function() return member_churn(os.getenv("BENCH_BIG_GROUP"), any_user()) end,
  members_small = function() return member_churn(os.getenv("BENCH_SMALL_GROUP"), users[math.random(10)]) end,
  bulk_create = function()
    local ops = {}
    for i = 1, 1000 do
      ops[i] = '{"method":"POST","path":"/Users","bulkId":"b' .. i .. '","data":' .. user_body(unique_name("bulk")) .. '}'
    end
    return wrk.format("POST", "/scim/v2/Bulk", nil,
      '{"schemas":["urn:ietf:params:scim:api:messages:2.0:BulkRequest"],"Operations":[' ..
      table.concat(ops, ",") .. ']}')
  end,
  -- What Entra ID does per user in a sync cycle: look the user up by userName, then update it (or, one time in
  -- ten, create a user it did not find).
  entra_mixed = function()
    entra_step = entra_step + 1
    if entra_step % 2 == 1 then
      entra_user = any_user()
      return filter('userName eq "' .. entra_user.name .. '"')
    end
    if entra_step % 20 == 0 then return wrk.format("POST", "/scim/v2/Users", nil, user_body(unique_name("entra"))) end
    local ops = '[{"op":"Replace","path":"active","value":"True"},' ..
      '{"op":"Replace","path":"title","value":"T' .. math.random(1000000) .. '"}]'
    return wrk.format("PATCH", "/scim/v2/Users/" .. entra_user.id, nil, patch_body(ops))
  end,
}

request = scenarios[scenario_name]
if not request then error("no scenario named " .. tostring(scenario_name)) end

local threads = 0
function setup(thread)
  threads = threads + 1
  thread:set("thread_id", threads)
end

function init(args)
  math.randomseed(os.time() * 100 + (thread_id or 0))
  for line in io.lines(os.getenv("BENCH_USERS")) do
    local id, name, ext = line:match("^([^\t]+)\t([^\t]+)\t([^\t]+)$")
    if id then users[#users + 1] = { id = id, name = name, ext = ext } end
  end
end

function done(summary, latency, requests)
  local e = summary.errors
  io.write(string.format("RESULT requests=%d duration_us=%d p50_us=%d p99_us=%d errors=%d\n",
    summary.requests, summary.duration, latency:percentile(50), latency:percentile(99),
    e.connect + e.read + e.write + e.status + e.timeout))
end
