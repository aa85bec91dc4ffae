-- wrk script of bench/run.py: after wrk's own report, one JSON line with the
-- run's counts and 1000 latency quantiles (at 0.05 %, 0.15 %, ... 99.95 %, in
-- microseconds), so that runs of one scenario interleaved with others can be
-- merged into one distribution.
done = function(summary, latency, requests)
  local e = summary.errors
  local quantiles = {}
  for i = 0, 999 do
    quantiles[#quantiles + 1] = string.format("%d", latency:percentile(i / 10 + 0.05))
  end
  io.write(string.format(
    '{"requests": %d, "duration_us": %d, "bytes": %d, "max_us": %d, ' ..
    '"status_errors": %d, "socket_errors": %d, "timeouts": %d, "quantiles": [%s]}\n',
    summary.requests, summary.duration, summary.bytes, latency.max,
    e.status, e.connect + e.read + e.write, e.timeout,
    table.concat(quantiles, ",")))
end
