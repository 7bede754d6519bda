-- wrk script: POST /send with the key in LISOLOO_KEY and the body in LISOLOO_BODY (one request shape per run).
wrk.method = "POST"
wrk.headers["Content-Type"] = "application/json"
wrk.headers["app-key"] = os.getenv("LISOLOO_KEY")
wrk.body = os.getenv("LISOLOO_BODY")
-- No `response` callback: it would make wrk hand every response to Lua, CPU taken from the server on a 2-core box.
-- wrk counts non-2xx/3xx answers itself (summary.errors.status).

done = function(summary, latency, requests)
  io.write(string.format("p50 %.2f ms, p90 %.2f ms, p99 %.2f ms, max %.2f ms\n",
    latency:percentile(50) / 1000, latency:percentile(90) / 1000, latency:percentile(99) / 1000, latency.max / 1000))
  io.write(string.format("non-2xx/3xx: %d, socket errors: connect %d read %d write %d timeout %d\n",
    summary.errors.status, summary.errors.connect, summary.errors.read, summary.errors.write, summary.errors.timeout))
end
