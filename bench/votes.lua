-- wrk script for bench/votes_http.py: votes through the HTTP API.
--
-- wrk -t2 -c32 -d10s -s bench/votes.lua http://HOST:PORT -- DATA_FILE [WINDOW [START,START...]]
--
-- DATA_FILE lines: "T<thread> <API token>" (each wrk thread votes with its own
-- accounts, so two threads never touch the same (account, paper) pair) and
-- "P <arXiv id>" (the papers, shared by all threads).
--
-- Each thread runs the same deterministic sequence over its pairs j = 0, 1, 2, ...
-- (pair j: account j mod U, paper (j + floor(j / U)) mod P, which visits every
-- pair once per U*P steps when gcd(U + 1, P) = 1): request 2i is
-- POST /api/papers/{id}/upvote for pair i, request 2i+1 is DELETE for pair
-- i - WINDOW (default 500). So requests alternate POST and DELETE, every
-- request is sent with `Authorization: Bearer <token>`, each thread keeps about
-- WINDOW votes standing, and the POST and DELETE of one pair are 2 * WINDOW
-- requests apart: far more than a thread's connections, so they are never in
-- flight at the same time. START (one per thread, default 0) continues the
-- sequence of an earlier run. The harness replays the sequence to know which
-- votes must exist afterwards. Note that wrk calls request() once on thread
-- 0's script before the run, to check the request parses, and never sends
-- that one: thread 0's first request index is not sent.
--
-- At the end one line per thread, then one for the run:
--   VOTES_THREAD {"tid":..,"generated":..,"statuses":{"200":..,...}}
-- (generated: the index after the thread's last request, START included)
--   WRK_RESULT {"requests":..,"seconds":..,"p50_ms":..,"p90_ms":..,"p99_ms":..,"max_ms":..,"errors":..,"non2xx":..}

local threads = {}

-- Main state: numbers the threads before their init() runs.
function setup(thread)
  thread:set("tid", #threads)
  table.insert(threads, thread)
end

-- Thread state from here on; globals so that done() can read them.
k = 0          -- requests generated so far
statuses = {}  -- answers by HTTP status

local window = 500
local headers = {}  -- per account: the request headers
local papers = {}

function init(args)
  local path = args[1]
  if path == nil then
    error("usage: wrk ... -s votes.lua URL -- DATA_FILE [WINDOW [START,START...]]")
  end
  if args[2] ~= nil then
    window = tonumber(args[2])
  end
  if args[3] ~= nil then
    local i = 0
    for start in args[3]:gmatch("[^,]+") do
      if i == tid then
        k = tonumber(start)
      end
      i = i + 1
    end
  end
  local mine = "T" .. tostring(tid)
  for line in io.lines(path) do
    local kind, value = line:match("^(%S+) (%S+)$")
    if kind == mine then
      table.insert(headers, {["Authorization"] = "Bearer " .. value})
    elseif kind == "P" then
      table.insert(papers, value)
    end
  end
  if #headers == 0 or #papers == 0 then
    error(path .. ": no tokens for thread " .. tostring(tid) .. " or no papers")
  end
end

function request()
  local method, j
  if k % 2 == 0 then
    method, j = "POST", k / 2
  else
    method, j = "DELETE", (k - 1) / 2 - window
  end
  k = k + 1
  local accounts, npapers = #headers, #papers
  j = j % (accounts * npapers)
  local account = j % accounts
  local paper = (j + math.floor(j / accounts)) % npapers
  return wrk.format(method, "/api/papers/" .. papers[paper + 1] .. "/upvote", headers[account + 1])
end

function response(status, headers, body)
  statuses[status] = (statuses[status] or 0) + 1
end

function done(summary, latency, requests)
  for _, t in ipairs(threads) do
    local parts = {}
    for code, n in pairs(t:get("statuses")) do
      table.insert(parts, string.format('"%d":%d', code, n))
    end
    io.write(string.format('VOTES_THREAD {"tid":%d,"generated":%d,"statuses":{%s}}\n',
                           t:get("tid"), t:get("k"), table.concat(parts, ",")))
  end
  local e = summary.errors
  io.write(string.format(
    'WRK_RESULT {"requests":%d,"seconds":%.3f,"p50_ms":%.3f,"p90_ms":%.3f,"p99_ms":%.3f,' ..
    '"max_ms":%.3f,"errors":%d,"non2xx":%d}\n',
    summary.requests, summary.duration / 1e6, latency:percentile(50) / 1e3,
    latency:percentile(90) / 1e3, latency:percentile(99) / 1e3, latency.max / 1e3,
    e.connect + e.read + e.write + e.timeout, e.status))
end
