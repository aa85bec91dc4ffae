"""The benchmark suite: floor views, the load-test runner and the report writer.

`make bench` runs it (docs/performance.md). Nothing here is mounted in production:
config/urls.py includes bench.urls only when BENCH_FLOORS=1.
"""
