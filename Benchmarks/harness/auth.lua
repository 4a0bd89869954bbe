-- wrk script for the benchmark harness: sends the bearer token (BENCH_TOKEN) and an optional Accept header
-- (BENCH_ACCEPT), and prints one machine-readable summary line that Benchmarks/harness/lib.sh parses.
wrk.headers["Authorization"] = "Bearer " .. (os.getenv("BENCH_TOKEN") or "")
local accept = os.getenv("BENCH_ACCEPT")
if accept and accept ~= "" then wrk.headers["Accept"] = accept end

done = function(summary, latency, requests)
    local e = summary.errors
    io.write(string.format("BENCH requests=%d duration_us=%d p50_us=%d p99_us=%d max_us=%d non2xx3xx=%d socket_errors=%d timeouts=%d bytes=%d\n",
        summary.requests, summary.duration, latency:percentile(50), latency:percentile(99), latency.max,
        e.status, e.connect + e.read + e.write, e.timeout, summary.bytes))
end
