"""make loadtest: a bounded locust run against gunicorn with production settings.

    python -m loadtest.load    (make loadtest; LOADTEST_DURATION=20 for a short run)

The database is DATABASE_URL (the embedded PostgreSQL when unset), migrated and
seeded first, or LOADTEST_DATABASE_URL when set. A database whose name ends in
`_demo` (make demo-data) is only read: it is neither migrated nor seeded, and
the run fails when its migrations are not all applied. (Like every request to
the API, the run's requests count against the rate-limit counter table there.)

The bar is zero errors: any failed request (a status other than the expected
200 or 304, a timeout, a refused or cut connection), any 5xx in the server's
access log and any exception in its log fail the run. The figures go between
the loadtest markers of docs/reliability.md.

Environment: LOADTEST_DURATION (seconds, default 60), LOADTEST_USERS (locust
users, default 8), LOADTEST_WAIT (longest think time per request, default
0.1 s), GUNICORN_WORKERS (default 2), LOADTEST_NO_REPORT=1 (leave the docs alone).
"""

import collections
import datetime
import json
import os
import subprocess
import sys
import time
from pathlib import Path

from loadtest import harness

START = "<!-- loadtest:results:start (written by make loadtest; edit around it) -->"
END = "<!-- loadtest:results:end -->"
OUT = harness.ROOT / ".data" / "loadtest"


def prepare_database() -> tuple[dict, str]:
    """The server's environment and a description of its database."""
    url = os.environ.get("LOADTEST_DATABASE_URL") or os.environ.get("DATABASE_URL")
    env = harness.production_env(DATABASE_URL=url or None)
    name = url.rsplit("/", 1)[-1].split("?")[0] if url else ""
    print(f"== database: {harness.describe_database(url)}", flush=True)
    if name.endswith("_demo"):
        # Read only: the demo data set belongs to make demo-data and make bench.
        harness.manage("migrate", "--check", "--no-input", env=env)
        return env, harness.describe_database(url) + " (read only)"
    if url:
        harness.ensure_database(url)
    harness.manage("migrate", "--no-input", "--verbosity", "0", env=env)
    harness.manage("seed", env=env)
    return env, harness.describe_database(url)


def data_facts(base: str) -> dict[str, int]:
    return {
        route: harness.get_json(base, f"/api/v1/{route}/?page_size=1&fields=slug")[
            "count"
        ]
        for route in ("quotes", "statements", "speakers", "events", "themes")
    }


def run_locust(base: str, duration: int, users: int, records: Path) -> int:
    env = {**os.environ, "LOADTEST_RECORDS": str(records)}
    command = [
        str(harness.BIN / "locust"),
        "-f",
        str(harness.ROOT / "loadtest" / "locustfile.py"),
        "--headless",
        "--host",
        base,
        "--users",
        str(users),
        "--spawn-rate",
        str(users),
        "--run-time",
        f"{duration}s",
        "--stop-timeout",
        "30",
        "--only-summary",
        "--loglevel",
        "WARNING",
    ]
    # A hard bound on top of locust's own: its run time, spawning and stopping.
    return subprocess.run(command, env=env, timeout=duration + 120).returncode


def summarise(records: Path) -> dict:
    rows = [json.loads(line) for line in records.read_text().splitlines() if line]
    by_name = collections.defaultdict(list)
    for row in rows:
        by_name[row[0]].append(row)

    def figures(group):
        times = sorted(row[2] for row in group)
        ends = [row[3] for row in group]
        return {
            "requests": len(group),
            "failures": sum(1 for row in group if row[4]),
            "p50_ms": harness.percentile(times, 0.50),
            "p95_ms": harness.percentile(times, 0.95),
            "p99_ms": harness.percentile(times, 0.99),
            "max_ms": times[-1] if times else None,
            "first_end": min(ends) if ends else None,
            "last_end": max(ends) if ends else None,
        }

    total = figures(rows)
    statuses = collections.Counter(row[1] for row in rows)
    failures = collections.Counter(f"{row[0]}: {row[4]}" for row in rows if row[4])
    return {
        "total": total,
        "by_name": {name: figures(group) for name, group in sorted(by_name.items())},
        "statuses": dict(sorted(statuses.items())),
        "failures": failures.most_common(20),
    }


def render(results: dict) -> str:
    total = results["total"]
    seconds = results["load_seconds"]
    server = results["server_statuses"]
    lines = [
        f"Run {results['when']}: `{results['command']}`, {results['seconds']:.0f} s "
        f"in all; {results['duration']} s of load from {results['users']} locust "
        f"users (think time 0–{results['wait']} s) against gunicorn with "
        f"{results['workers']} sync workers on loopback, on "
        f"{results['database']}.",
        "",
        "Data: " + ", ".join(f"{r} {n:,}" for r, n in results["facts"].items()) + ".",
        f"Machine: {results['machine']}.",
        "",
        f"**{total['requests']:,} requests, {total['requests'] / seconds:,.1f} req/s, "
        f"p50 {_ms(total['p50_ms'])} / p95 {_ms(total['p95_ms'])} / p99 "
        f"{_ms(total['p99_ms'])} ms, {total['failures']} errors, "
        f"{results['server_5xx']} 5xx.** "
        f"{'PASS' if results['passed'] else 'FAIL'}.",
        "",
        "Statuses seen by the clients: "
        + ", ".join(f"{status}: {n:,}" for status, n in results["statuses"].items())
        + "; by the server (access log): "
        + ", ".join(f"{status}: {n:,}" for status, n in sorted(server.items()))
        + ".",
        "",
        "| Request | requests | errors | p50 ms | p95 ms | p99 ms | max ms |",
        "|---|--:|--:|--:|--:|--:|--:|",
    ]
    for name, row in results["by_name"].items():
        lines.append(
            f"| {name} | {row['requests']:,} | {row['failures']} | "
            f"{_ms(row['p50_ms'])} | {_ms(row['p95_ms'])} | {_ms(row['p99_ms'])} | "
            f"{_ms(row['max_ms'])} |"
        )
    if results["failures"]:
        lines += ["", "Errors:", ""]
        lines += [f"- {n} × `{what}`" for what, n in results["failures"]]
    if results["server_errors"]:
        lines += ["", "Server log:", ""]
        lines += [f"- `{line[:160]}`" for line in results["server_errors"][:10]]
    return "\n".join(lines) + "\n"


def _ms(value) -> str:
    if value is None:
        return "n/a"
    return f"{value:,.0f}" if value >= 10 else f"{value:.1f}"


def main() -> int:
    harness.stop_on_sigterm()
    started = time.monotonic()
    load_before = harness.load_average()
    duration = int(os.environ.get("LOADTEST_DURATION") or 60)
    users = int(os.environ.get("LOADTEST_USERS") or 8)
    workers = int(os.environ.get("GUNICORN_WORKERS") or 2)
    OUT.mkdir(parents=True, exist_ok=True)
    records = OUT / "requests.jsonl"
    records.unlink(missing_ok=True)

    env, database = prepare_database()
    server = harness.Gunicorn(
        env, workers=workers, log=OUT / "server.log", access_log=OUT / "access.log"
    )
    try:
        server.start()
        facts = data_facts(server.base)
        print(
            f"== locust: {users} users for {duration} s against {server.base} "
            f"(server log: {server.log.relative_to(harness.ROOT)})",
            flush=True,
        )
        load_started = time.monotonic()
        code = run_locust(server.base, duration, users, records)
        load_seconds = time.monotonic() - load_started
    finally:
        server.stop()

    if not records.exists():
        print(f"locust wrote no records (exit {code})")
        return 1
    results = summarise(records)
    total = results["total"]
    # Throughput over the span of the load itself (first to last answer).
    span = (total["last_end"] or 0) - (total["first_end"] or 0)
    server_statuses = collections.Counter(server.access_statuses())
    server_5xx = sum(n for status, n in server_statuses.items() if status >= 500)
    server_errors = server.server_errors()
    passed = (
        code == 0
        and total["requests"] > 0
        and total["failures"] == 0
        and not any(status == 0 or status >= 500 for status in results["statuses"])
        and server_5xx == 0
        and not server_errors
    )
    results.update(
        when=datetime.datetime.now(datetime.UTC).strftime("%Y-%m-%d %H:%M UTC"),
        command="make loadtest"
        + (f" LOADTEST_DURATION={duration}" if duration != 60 else ""),
        seconds=time.monotonic() - started,
        duration=duration,
        load_seconds=span if span > 0 else load_seconds,
        users=users,
        wait=os.environ.get("LOADTEST_WAIT", "0.1"),
        workers=workers,
        database=database,
        facts=facts,
        machine=harness.machine(load_before),
        server_statuses=server_statuses,
        server_5xx=server_5xx,
        server_errors=server_errors,
        passed=passed,
    )
    text = render(results)
    print(text)
    if os.environ.get("LOADTEST_NO_REPORT") != "1":
        harness.write_between_markers(START, END, text)
        print(f"== written to {harness.REPORT.relative_to(harness.ROOT)}")
    print(f"== loadtest {'PASS' if passed else 'FAIL'} (locust exit {code})")
    return 0 if passed else 1


if __name__ == "__main__":
    sys.exit(main())
