-- wrk script for bench/http_bench.py: the history of a random person (GET) or a new interaction
-- for one (POST), signed in with a bearer token; prints one JSON line when done.
--   wrk -s bench/http.lua URL -- get|post TOKEN CONTACTS
local mode, token, contacts

function init(args)
  mode, token, contacts = args[1], args[2], tonumber(args[3])
  math.randomseed(os.time() + math.floor(os.clock() * 1e6))
end

local function person()
  local k = math.random(1, contacts)
  if (k - 1) % 10 == 0 then k = k + 1 end -- every 10th contact is a company
  if k > contacts then k = contacts end
  return string.format("CT%07d", k)
end

function request()
  local h = { ["Authorization"] = "Bearer " .. token }
  if mode == "post" then
    h["Content-Type"] = "application/json"
    return wrk.format("POST", "/api/interactions", h, string.format(
      '{"contact_no":"%s","interaction_template_code":"OUTGOING","description":"Bench call"}',
      person()))
  end
  return wrk.format("GET", "/api/interactions?contact_no=" .. person() .. "&limit=20", h)
end

function done(summary, latency, requests)
  local s = summary.duration / 1e6
  local bad = summary.errors.status + summary.errors.connect + summary.errors.read +
              summary.errors.write + summary.errors.timeout
  io.write(string.format('{"requests": %d, "seconds": %.3f, "rps": %.1f, "p50_ms": %.3f, ' ..
    '"p99_ms": %.3f, "errors": %d}\n', summary.requests, s, summary.requests / s,
    latency:percentile(50) / 1000, latency:percentile(99) / 1000, bad))
end
