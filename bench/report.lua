-- wrk script: counts statuses and prints one JSON line of results at the end.
-- With POST_BODY_TEMPLATE set (env), each request POSTs the template with KEYPLACEHOLDER replaced
-- by the run's RUN_NONCE, the thread and a per-thread counter, so every submission has its own
-- idempotency key (Lua's math.random repeats itself from one run to the next). A response that
-- shows the receipt (its manage link) counts as accepted: a 200 may also be the form again.
local counter = 0
statuses = {}  -- global: done() reads it from each thread with thread:get
local threads = {}
local template = os.getenv("POST_BODY_TEMPLATE")
local cookie = os.getenv("BENCH_COOKIE")
local vary_query = os.getenv("VARY_QUERY")
local nonce = os.getenv("RUN_NONCE") or tostring(os.time())
accepted = 0  -- global, read by done() like statuses

function setup(thread)
  thread:set("id", #threads + 1)
  table.insert(threads, thread)
end

function init(args)
  statuses = {}
  accepted = 0
end

function request()
  if template then
    counter = counter + 1
    local body = template:gsub("KEYPLACEHOLDER", nonce .. "x" .. id .. "x" .. counter)
    local headers = {["Content-Type"] = "application/x-www-form-urlencoded"}
    if cookie then headers["Cookie"] = cookie end
    return wrk.format("POST", nil, headers, body)
  end
  if vary_query then
    counter = counter + 1
    -- A parameter no earlier request (of this run or another) had: the page cache misses.
    local joiner = wrk.path:find("?", 1, true) and "&" or "?"
    return wrk.format(nil, wrk.path .. joiner .. "v=" .. nonce .. "x" .. id .. "x" .. counter)
  end
  return wrk.format(nil)
end

function response(status, headers, body)
  statuses[status] = (statuses[status] or 0) + 1
  if template and status == 200 and body and body:find('class="manage-link"', 1, true) then
    accepted = accepted + 1
  end
end

function done(summary, latency, requests)
  local merged = {}
  local receipts = 0
  for _, thread in ipairs(threads) do
    receipts = receipts + thread:get("accepted")
    local s = thread:get("statuses")
    for code, count in pairs(s) do merged[code] = (merged[code] or 0) + count end
  end
  local parts = {}
  for code, count in pairs(merged) do table.insert(parts, string.format('"%d": %d', code, count)) end
  io.write(string.format(
    'RESULT {"requests": %d, "seconds": %.3f, "rps": %.1f, "p50_ms": %.2f, "p95_ms": %.2f, ' ..
    '"p99_ms": %.2f, "errors": %d, "receipts": %d, "statuses": {%s}}\n',
    summary.requests, summary.duration / 1e6, summary.requests / (summary.duration / 1e6),
    latency:percentile(50) / 1000, latency:percentile(95) / 1000, latency:percentile(99) / 1000,
    summary.errors.connect + summary.errors.read + summary.errors.write + summary.errors.status +
    summary.errors.timeout, receipts, table.concat(parts, ", ")))
end
