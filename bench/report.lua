-- wrk script: counts statuses and prints one JSON line of results at the end.
-- With POST_BODY_TEMPLATE set (env), each request POSTs the template with {n} replaced by a
-- per-thread counter (KEYPLACEHOLDER is replaced), so every submission has its own idempotency key.
local counter = 0
statuses = {}  -- global: done() reads it from each thread with thread:get
local threads = {}
local template = os.getenv("POST_BODY_TEMPLATE")
local cookie = os.getenv("BENCH_COOKIE")
local vary_query = os.getenv("VARY_QUERY")

function setup(thread)
  thread:set("id", #threads + 1)
  table.insert(threads, thread)
end

function init(args)
  statuses = {}
end

function request()
  if template then
    counter = counter + 1
    local body = template:gsub("KEYPLACEHOLDER", id .. "x" .. counter .. "x" .. math.random(1, 1e9))
    local headers = {["Content-Type"] = "application/x-www-form-urlencoded"}
    if cookie then headers["Cookie"] = cookie end
    return wrk.format("POST", nil, headers, body)
  end
  if vary_query then
    counter = counter + 1
    return wrk.format(nil, wrk.path .. "?v=" .. id .. "x" .. counter)
  end
  return wrk.format(nil)
end

function response(status, headers, body)
  statuses[status] = (statuses[status] or 0) + 1
end

function done(summary, latency, requests)
  local merged = {}
  for _, thread in ipairs(threads) do
    local s = thread:get("statuses")
    for code, count in pairs(s) do merged[code] = (merged[code] or 0) + count end
  end
  local parts = {}
  for code, count in pairs(merged) do table.insert(parts, string.format('"%d": %d', code, count)) end
  io.write(string.format(
    'RESULT {"requests": %d, "seconds": %.3f, "rps": %.1f, "p50_ms": %.2f, "p95_ms": %.2f, ' ..
    '"p99_ms": %.2f, "errors": %d, "statuses": {%s}}\n',
    summary.requests, summary.duration / 1e6, summary.requests / (summary.duration / 1e6),
    latency:percentile(50) / 1000, latency:percentile(95) / 1000, latency:percentile(99) / 1000,
    summary.errors.connect + summary.errors.read + summary.errors.write + summary.errors.status +
    summary.errors.timeout, table.concat(parts, ", ")))
end
