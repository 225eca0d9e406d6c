-- wrk script for bench/soak.py: a mixed load of pages, API, search, feeds
-- and (with a data file naming API tokens) votes.
--
-- wrk -t2 -c16 -d60s -s bench/soak.lua URL -- PATHS_FILE [TOKENS_FILE]
--
-- PATHS_FILE lines: "<weight> <path>" (GET requests, chosen at random by
-- weight). TOKENS_FILE lines: "<token> <arXiv id>": with it, one request in
-- ten is a vote, alternating POST and DELETE /api/papers/{id}/upvote per
-- token and paper, each sent with `Authorization: Bearer <token>`.
--
-- At the end one machine-readable line:
--   WRK_RESULT {"requests":..,"seconds":..,"p50_ms":..,"p99_ms":..,"max_ms":..,
--               "errors":..,"non2xx":..}

local paths = {}    -- a path repeated by its weight
local votes = {}    -- {token, id, voted}
local n = 0

function init(args)
  math.randomseed(os.time() + (tonumber(tostring({}):match("0x(%x+)"), 16) or 0) % 100000)
  for line in io.lines(args[1]) do
    local weight, path = line:match("^(%d+) (.+)$")
    if weight then
      for _ = 1, tonumber(weight) do table.insert(paths, path) end
    end
  end
  if args[2] ~= nil then
    for line in io.lines(args[2]) do
      local token, id = line:match("^(%S+) (%S+)$")
      if token then table.insert(votes, {token = token, id = id, voted = false}) end
    end
  end
end

function request()
  n = n + 1
  if #votes > 0 and n % 10 == 0 then
    local v = votes[math.random(#votes)]
    local method = v.voted and "DELETE" or "POST"
    v.voted = not v.voted
    return wrk.format(method, "/api/papers/" .. v.id .. "/upvote",
                      {["Authorization"] = "Bearer " .. v.token, ["Content-Length"] = "0"})
  end
  return wrk.format("GET", paths[math.random(#paths)], {["Accept-Encoding"] = "gzip"})
end

function done(summary, latency, requests)
  local e = summary.errors
  io.write(string.format(
    'WRK_RESULT {"requests":%d,"seconds":%.3f,"p50_ms":%.3f,"p99_ms":%.3f,"max_ms":%.3f,' ..
    '"errors":%d,"non2xx":%d}\n',
    summary.requests, summary.duration / 1e6, latency:percentile(50) / 1e3,
    latency:percentile(99) / 1e3, latency.max / 1e3,
    e.connect + e.read + e.write + e.timeout, e.status))
end
