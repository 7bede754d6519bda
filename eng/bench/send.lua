-- wrk script: POST /send with the key in LISOLOO_KEY and the body in LISOLOO_BODY (one request shape per run).
wrk.method = "POST"
wrk.headers["Content-Type"] = "application/json"
wrk.headers["app-key"] = os.getenv("LISOLOO_KEY")
wrk.body = os.getenv("LISOLOO_BODY")

local statuses = {}
response = function(status, headers, body)
  statuses[status] = (statuses[status] or 0) + 1
end

done = function(summary, latency, requests)
  io.write(string.format("p50 %.2f ms, p90 %.2f ms, p99 %.2f ms, max %.2f ms\n",
    latency:percentile(50) / 1000, latency:percentile(90) / 1000, latency:percentile(99) / 1000, latency.max / 1000))
  io.write(string.format("non-2xx/3xx: %d, socket errors: connect %d read %d write %d timeout %d\n",
    summary.errors.status, summary.errors.connect, summary.errors.read, summary.errors.write, summary.errors.timeout))
end
