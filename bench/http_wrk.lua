-- wrk script for bench/http_vs_nginx.py.
--
-- `wrk ... -s bench/http_wrk.lua URL`            closed loop (as fast as the server answers)
-- `wrk ... -s bench/http_wrk.lua URL -- DELAY_MS` paced: every connection waits DELAY_MS
--     between a response and its next request, so C connections offer about
--     C * 1000 / DELAY_MS requests per second whatever the server's speed
--     (wrk has no rate option; wrk2 is not packaged in Debian). Latency is
--     measured from sending a request to its response, without the pause.
--
-- At the end one machine-readable line is printed:
--   WRK_RESULT {"requests":..,"seconds":..,"p50_ms":..,"p99_ms":..,"errors":..,"non2xx":..}

local pause_ms = nil

function init(args)
  if args[1] ~= nil then
    pause_ms = tonumber(args[1])
  end
  if pause_ms ~= nil and pause_ms > 0 then
    function delay()
      return pause_ms
    end
  end
end

function done(summary, latency, requests)
  local e = summary.errors
  io.write(string.format(
    'WRK_RESULT {"requests":%d,"seconds":%.3f,"p50_ms":%.3f,"p99_ms":%.3f,"errors":%d,"non2xx":%d}\n',
    summary.requests, summary.duration / 1e6, latency:percentile(50) / 1e3,
    latency:percentile(99) / 1e3, e.connect + e.read + e.write + e.timeout, e.status))
end
