-- wrk script for `bench/run.py --crawl`: each request takes the next URL of the list in
-- CRAWL_URLS (a file, one path a line), every thread starting at its own place in it, so the
-- run spreads over thousands of distinct URLs as a crawler does. Prints the same RESULT line as
-- report.lua (statuses, latency percentiles).
local paths = {}
for line in io.lines(os.getenv("CRAWL_URLS")) do
  if line ~= "" then table.insert(paths, line) end
end
local position = 0
statuses = {}  -- global: done() reads it from each thread with thread:get
local threads = {}

function setup(thread)
  thread:set("id", #threads + 1)
  table.insert(threads, thread)
end

function init(args)
  statuses = {}
  local count = tonumber(os.getenv("CRAWL_THREADS") or "1")
  position = math.floor((id - 1) * #paths / count)
end

function request()
  position = position % #paths + 1
  return wrk.format("GET", paths[position], {["Accept-Language"] = "en"})
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
    '"p99_ms": %.2f, "errors": %d, "receipts": 0, "statuses": {%s}}\n',
    summary.requests, summary.duration / 1e6, summary.requests / (summary.duration / 1e6),
    latency:percentile(50) / 1000, latency:percentile(95) / 1000, latency:percentile(99) / 1000,
    summary.errors.connect + summary.errors.read + summary.errors.write + summary.errors.status +
    summary.errors.timeout, table.concat(parts, ", ")))
end
