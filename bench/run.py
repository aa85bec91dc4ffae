"""`make bench`: the API and its floors under load, in one run, on the demo data.

    python -m bench.run [--duration 9] [--rounds 3] [--database-url URL] [--no-write]

Starts gunicorn as `make serve-prod` does (gunicorn.conf.py, production settings,
collected static files) with one gthread worker and the bench-only floor views
(BENCH_FLOORS=1), and drives every scenario with wrk on loopback, one connection,
for --duration seconds in --rounds slices interleaved with the other scenarios
(background load then weighs on compared scenarios alike). Then:

- streams the CSV export and its COPY floor at about 20k and 200k rows, reading
  the worker's peak RSS for each (VmHWM, reset before each export);
- starts two more servers, without the server-side settings of
  docs/performance.md (gc.freeze, jit=off, no parallel query) and with
  CONN_MAX_AGE=0, and measures a few scenarios on all three, interleaved;
- counts the queries of one request of each scenario and splits its time into
  Python and PostgreSQL, in this process (same settings, no profiler);
- profiles the quotes list page with cProfile.

It prints the tables, writes them into docs/performance.md (between the bench
markers) and .data/bench/results.json, and exits 1 when a target is missed.
Figures move 0-40 % from run to run on a shared machine: compare ratios within a
run, never absolute figures across runs.
"""

import argparse
import cProfile
import datetime
import http.client
import json
import os
import platform
import pstats
import secrets
import shutil
import signal
import socket
import statistics
import subprocess
import sys
import threading
import time
import urllib.parse
import urllib.request
from dataclasses import dataclass, field
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
BIN = Path(sys.executable).parent
DATA_DIR = ROOT / ".data" / "bench"
REPORT = ROOT / "docs" / "performance.md"
WRK_SCRIPT = Path(__file__).with_name("wrk_report.lua")
DEFAULT_DATABASE_URL = "postgres://postgres@127.0.0.1:5432/statements_demo"
SEARCH_TERM = "harbour"
PLAIN_FILTER = "fidelity=reported"
SMALL_EXPORT_ROWS = 20_000
# The server's own settings, without the wins of docs/performance.md.
POSTGRES_DEFAULTS = "-c jit=on -c max_parallel_workers_per_gather=2"
UNLIMITED = str(10**9)


@dataclass
class Scenario:
    """One URL under load, and what it is compared with."""

    name: str
    path: str
    label: str
    load: dict = field(default_factory=dict)
    in_process: dict = field(default_factory=dict)


# --- The server --------------------------------------------------------------------


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


class Server:
    """gunicorn with one sync worker, as `make serve-prod` runs it."""

    def __init__(self, env: dict, port: int, log: Path):
        self.env, self.port, self.log = env, port, log
        self.process = None

    @property
    def base(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    def start(self) -> "Server":
        command = [
            str(BIN / "gunicorn"),
            "config.wsgi",
            "--config",
            "gunicorn.conf.py",
            "--bind",
            f"127.0.0.1:{self.port}",
            "--workers",
            "1",
            "--worker-class",
            "sync",
            # A 200k-row export takes longer than the default 30 s when slow.
            "--timeout",
            "300",
            "--access-logfile",
            "-",
        ]
        with self.log.open("ab") as log:
            self.process = subprocess.Popen(
                command,
                cwd=ROOT,
                env=self.env,
                stdout=log,
                stderr=subprocess.STDOUT,
                start_new_session=True,
            )
        deadline = time.monotonic() + 60
        while time.monotonic() < deadline:
            if self.process.poll() is not None:
                raise SystemExit(f"gunicorn exited; see {self.log}")
            try:
                with urllib.request.urlopen(f"{self.base}/healthz", timeout=2):
                    return self
            except OSError:
                time.sleep(0.3)
        self.stop()
        raise SystemExit(f"gunicorn did not answer /healthz; see {self.log}")

    def worker_pid(self) -> int:
        children = Path(f"/proc/{self.process.pid}/task/{self.process.pid}/children")
        pids = children.read_text().split()
        if len(pids) != 1:
            raise SystemExit(f"expected one gunicorn worker, found {pids}")
        return int(pids[0])

    def stop(self) -> None:
        if self.process is None or self.process.poll() is not None:
            return
        os.killpg(self.process.pid, signal.SIGTERM)
        try:
            self.process.wait(timeout=20)
        except subprocess.TimeoutExpired:
            os.killpg(self.process.pid, signal.SIGKILL)
            self.process.wait(timeout=10)

    def __enter__(self):
        return self.start()

    def __exit__(self, *exc):
        self.stop()


def get(url: str, timeout: float = 120) -> bytes:
    with urllib.request.urlopen(url, timeout=timeout) as response:
        if response.status != 200:
            raise SystemExit(f"{url} answered {response.status}")
        return response.read()


# --- Load ----------------------------------------------------------------------------


def wrk(url: str, seconds: int) -> dict:
    """One wrk run: one thread, one connection, `seconds` long."""
    command = [
        shutil.which("wrk") or "wrk",
        "-t1",
        "-c1",
        f"-d{seconds}s",
        "--timeout",
        "30s",
        "-s",
        str(WRK_SCRIPT),
        url,
    ]
    result = subprocess.run(
        command, capture_output=True, text=True, timeout=seconds + 60, check=False
    )
    lines = [line for line in result.stdout.splitlines() if line.startswith("{")]
    if result.returncode != 0 or not lines:
        raise SystemExit(f"wrk failed on {url}:\n{result.stdout}\n{result.stderr}")
    return json.loads(lines[-1])


def merged(runs: list[dict]) -> dict:
    """The figures of several wrk runs of one scenario, as if they were one."""
    requests = sum(run["requests"] for run in runs)
    seconds = sum(run["duration_us"] for run in runs) / 1e6
    # Each of a run's 1000 quantiles stands for a thousandth of its requests.
    points = sorted(
        (value, run["requests"] / len(run["quantiles"]))
        for run in runs
        for value in run["quantiles"]
    )

    def percentile(share: float) -> float:
        wanted, seen = share * requests, 0.0
        for value, weight in points:
            seen += weight
            if seen >= wanted:
                return value / 1000
        return points[-1][0] / 1000 if points else 0.0

    return {
        "requests": requests,
        "rps": requests / seconds if seconds else 0.0,
        "p50_ms": percentile(0.50),
        "p90_ms": percentile(0.90),
        "p99_ms": percentile(0.99),
        "max_ms": max(run["max_us"] for run in runs) / 1000,
        "errors": sum(
            run["status_errors"] + run["socket_errors"] + run["timeouts"]
            for run in runs
        ),
        "kb_per_request": sum(run["bytes"] for run in runs) / max(1, requests) / 1024,
        "runs": len(runs),
    }


def load(urls: dict[str, str], seconds: int, rounds: int) -> dict[str, dict]:
    """Every URL for about `seconds`, in `rounds` interleaved slices.

    Scenarios that are compared with each other are measured in turn, slice by
    slice, so that whatever else loads the machine weighs on them alike.
    """
    slice_seconds = max(1, round(seconds / rounds))
    runs = {key: [] for key in urls}
    for round_number in range(rounds):
        for key, url in urls.items():
            runs[key].append(wrk(url, slice_seconds))
            # wrk stops with a request in flight; the sync worker finishes it
            # before it accepts the next slice's first request, so wait for it.
            parts = urllib.parse.urlsplit(url)
            get(f"{parts.scheme}://{parts.netloc}/healthz")
        print(f"  round {round_number + 1}/{rounds} done", flush=True)
    figures = {key: merged(key_runs) for key, key_runs in runs.items()}
    for key, figure in figures.items():
        print(
            f"  {key:24s} {figure['rps']:8.1f} req/s  p50 {figure['p50_ms']:7.1f} ms"
            f"  p99 {figure['p99_ms']:7.1f} ms  errors {figure['errors']}",
            flush=True,
        )
    return figures


# --- Memory of the worker ------------------------------------------------------------


def memory_kb(pid: int) -> dict[str, int]:
    fields = {}
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        name, _, value = line.partition(":")
        if name in ("VmRSS", "VmHWM"):
            fields[name] = int(value.split()[0])
    return fields


def reset_peak_rss(pid: int) -> bool:
    """Reset VmHWM to the current RSS (Linux 4.0+: clear_refs 5)."""
    try:
        Path(f"/proc/{pid}/clear_refs").write_text("5")
    except OSError:
        return False
    return True


class RssSampler(threading.Thread):
    """Samples VmRSS every 20 ms: the peak where VmHWM cannot be reset."""

    def __init__(self, pid: int):
        super().__init__(daemon=True)
        self.pid, self.peak, self.running = pid, 0, True

    def run(self):
        while self.running:
            self.peak = max(self.peak, memory_kb(self.pid)["VmRSS"])
            time.sleep(0.02)

    def stop(self) -> int:
        self.running = False
        self.join()
        return self.peak


def export(server: Server, path: str, expected_rows: int) -> dict:
    """Stream one export; rows/s and the worker's peak RSS while it ran."""
    pid = server.worker_pid()
    exact_peak = reset_peak_rss(pid)
    before = memory_kb(pid)["VmRSS"]
    sampler = RssSampler(pid)
    sampler.start()
    connection = http.client.HTTPConnection("127.0.0.1", server.port, timeout=300)
    started = time.perf_counter()
    connection.request("GET", path)
    response = connection.getresponse()
    if response.status != 200:
        sampler.stop()
        raise SystemExit(f"{path} answered {response.status}")
    size = lines = 0
    while chunk := response.read(1 << 20):
        size += len(chunk)
        lines += chunk.count(b"\n")
    seconds = time.perf_counter() - started
    connection.close()
    sampled_peak = sampler.stop()
    peak = memory_kb(pid)["VmHWM"] if exact_peak else sampled_peak
    return {
        "rows": expected_rows,
        "lines": lines - 1,
        "mb": size / 2**20,
        "seconds": seconds,
        "rows_per_s": expected_rows / seconds,
        "rss_before_mb": before / 1024,
        "peak_rss_mb": peak / 1024,
        "peak_exact": exact_peak,
    }


# --- In this process: queries, Python vs PostgreSQL, profile ------------------------


def django_environment(database_url: str) -> dict:
    """The environment of the server (and of this process once Django starts)."""
    return {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "config.settings",
        "DATABASE_URL": database_url,
        "DEBUG": "false",
        "SECRET_KEY": secrets.token_urlsafe(50),
        "WHITENOISE_USE_FINDERS": "false",
        "BENCH_FLOORS": "1",
        # Every request comes from 127.0.0.1: no rate limit may answer 429, nor
        # the export slots (statements.api.concurrency) 429 or 503.
        "RATE_LIMIT_ANONYMOUS": UNLIMITED,
        "RATE_LIMIT_PARTNER": UNLIMITED,
        "EXPORTS_PER_CLIENT": "64",
        "EXPORTS_IN_TOTAL": "64",
    }


def start_django(env: dict) -> None:
    os.environ.update(env)
    sys.path.insert(0, str(ROOT))
    import django

    django.setup()
    from django.urls import get_resolver

    # Import every view now: the in-process steps then run the code the servers
    # started with, even when files change during the run.
    get_resolver().url_patterns  # noqa: B018


class QueryTimer:
    """Counts the queries of a block and times each one (connection.execute_wrapper)."""

    def __init__(self):
        self.queries: list[tuple[float, str]] = []

    def __call__(self, execute, sql, params, many, context):
        started = time.perf_counter()
        try:
            return execute(sql, params, many, context)
        finally:
            self.queries.append((time.perf_counter() - started, sql))

    @property
    def seconds(self) -> float:
        return sum(seconds for seconds, _ in self.queries)


def measure_in_process(scenarios: list[Scenario], host: str) -> None:
    """Queries per request, and its time split into Python and PostgreSQL."""
    from django.db import connection
    from django.test import Client

    client = Client(HTTP_HOST=host)
    for scenario in scenarios:
        walls, sqls, queries = [], [], 0
        try:
            client.get(scenario.path)
            for _ in range(5):
                timer = QueryTimer()
                started = time.perf_counter()
                with connection.execute_wrapper(timer):
                    response = client.get(scenario.path)
                walls.append((time.perf_counter() - started) * 1000)
                sqls.append(timer.seconds * 1000)
                queries = len(timer.queries)
                if walls[-1] > 500:
                    break
        except Exception as exc:  # noqa: BLE001 - one failing URL must not end the run
            scenario.in_process = {"error": repr(exc)[:200]}
            continue
        wall, sql = statistics.median(walls), statistics.median(sqls)
        scenario.in_process = {
            "status": response.status_code,
            "queries": queries,
            "wall_ms": wall,
            "sql_ms": sql,
            "python_ms": max(0.0, wall - sql),
        }


# (label, file suffix, function): where the time of a list request goes.
COMPONENTS = [
    ("whole request (test client)", "django/test/client.py", "request"),
    ("view dispatch (DRF)", "rest_framework/views.py", "dispatch"),
    ("SQL round trips (cursor.execute)", "django/db/backends/utils.py", "_execute"),
    ("ETag validators", "statements/api/caching.py", "validators_for"),
    ("rate limit", "statements/api/throttling.py", "allow_request"),
    ("filters", "rest_framework/filters.py", "filter_queryset"),
    ("django-filter", "django_filters/rest_framework/backends.py", "filter_queryset"),
    ("pagination", "statements/api/pagination.py", "paginate_queryset"),
    ("row building (Representer.build)", "statements/representations.py", "build"),
    ("JSON rendering", "rest_framework/renderers.py", "render"),
    ("model instances (Model.__init__)", "django/db/models/base.py", "__init__"),
    ("QuerySet clones", "django/db/models/query.py", "_clone"),
]


def profile(path: str, host: str, requests: int = 40) -> dict:
    """cProfile of `requests` requests of `path`, per request."""
    from django.test import Client

    client = Client(HTTP_HOST=host)
    client.get(path)
    profiler = cProfile.Profile()
    profiler.enable()
    for _ in range(requests):
        client.get(path)
    profiler.disable()
    stats = pstats.Stats(profiler).stats
    per = 1000 / requests

    def where(key):
        filename, line, function = key
        short = filename.split("site-packages/")[-1].replace(str(ROOT) + "/", "")
        return f"{short}:{line} {function}"

    top = sorted(stats.items(), key=lambda item: item[1][2], reverse=True)[:15]
    components = []
    for label, suffix, function in COMPONENTS:
        matches = [
            (key, value)
            for key, value in stats.items()
            if key[0].endswith(suffix) and key[2] == function
        ]
        if matches:
            calls = sum(value[1] for _, value in matches) / requests
            cumulative = max(value[3] for _, value in matches) * per
            components.append(
                {"label": label, "calls": calls, "cumulative_ms": cumulative}
            )
    from django.db import connection

    timer = QueryTimer()
    with connection.execute_wrapper(timer):
        client.get(path)
    queries = [
        {"ms": seconds * 1000, "sql": " ".join(sql.split())}
        for seconds, sql in timer.queries
    ]
    return {
        "path": path,
        "requests": requests,
        "queries": queries,
        "top_self": [
            {
                "function": where(key),
                "calls": value[1] / requests,
                "self_ms": value[2] * per,
                "cumulative_ms": value[3] * per,
            }
            for key, value in top
        ],
        "components": components,
    }


# --- The data ------------------------------------------------------------------------


def data_facts() -> dict:
    """Counts, and the parameters of the scenarios that depend on the data."""
    from django.db import connection

    from statements.api.params import encode_cursor
    from statements.models import Quote, Speaker, Statement

    quotes = Quote.objects.count()
    if quotes == 0:
        raise SystemExit("The demo database has no quotes: run `make demo-data`.")
    last_page_start = max(0, quotes - 51)
    updated_at, pk = (
        Quote.objects.order_by("updated_at", "id")
        .values_list("updated_at", "id")[last_page_start : last_page_start + 1]
        .get()
    )
    # The first speakers (by id) whose quotes add up to about 20k rows.
    speakers, rows = [], 0
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT s.slug, count(q.id) FROM statements_speaker s "
            "JOIN statements_quote q ON q.speaker_id = s.id GROUP BY s.id "
            "ORDER BY s.id"
        )
        for slug, n in cursor.fetchall():
            if rows >= SMALL_EXPORT_ROWS or len(speakers) == 50:
                break
            speakers.append(slug)
            rows += n
        cursor.execute("SELECT count(*) FROM statements_change")
        changes = cursor.fetchone()[0]
        cursor.execute("SHOW server_version")
        postgres = cursor.fetchone()[0]
    return {
        "quotes": quotes,
        "statements": Statement.objects.count(),
        "speakers": Speaker.objects.count(),
        "changes": changes,
        "deep_cursor": encode_cursor([updated_at.isoformat(), pk]),
        "small_export_speakers": speakers,
        "small_export_rows": rows,
        "postgres": postgres,
    }


def versions(postgres: str) -> dict:
    import django
    import gunicorn
    import orjson
    import psycopg
    import rest_framework

    wrk_version = subprocess.run(
        [shutil.which("wrk") or "wrk", "--version"],
        capture_output=True,
        text=True,
        check=False,
    )
    return {
        "Python": platform.python_version(),
        "Django": django.get_version(),
        "DRF": rest_framework.VERSION,
        "psycopg": psycopg.__version__,
        "orjson": orjson.__version__,
        "gunicorn": gunicorn.__version__,
        "PostgreSQL": postgres,
        "wrk": (wrk_version.stdout or wrk_version.stderr)
        .splitlines()[0]
        .split(" Copyright")[0]
        .removeprefix("wrk ")
        .strip(),
    }


# --- The run -----------------------------------------------------------------------


def scenarios_for(facts: dict) -> list[Scenario]:
    since = "2000-01-01T00:00:00Z"
    cursor = urllib.parse.quote(facts["deep_cursor"])
    return [
        Scenario("quotes_api", "/api/v1/quotes/", "quotes list, page 1 (API)"),
        Scenario("quotes_b", "/bench/quotes/b/", "floor B: .values() + orjson"),
        Scenario(
            "quotes_b_nocount", "/bench/quotes/b/?count=0", "floor B, no COUNT(*)"
        ),
        Scenario("quotes_c", "/bench/quotes/c/", "floor C: JSON built in SQL"),
        Scenario(
            "quotes_c_nocount", "/bench/quotes/c/?count=0", "floor C, no COUNT(*)"
        ),
        Scenario("statements_api", "/api/v1/statements/", "statements list (API)"),
        Scenario("statements_b", "/bench/statements/b/", "statements floor B"),
        Scenario("statements_c", "/bench/statements/c/", "statements floor C"),
        Scenario(
            "sync_first",
            f"/api/v1/quotes/?updated_since={since}",
            "keyset sync page 1 (no count)",
        ),
        Scenario(
            "sync_deep",
            f"/api/v1/quotes/?updated_since={since}&cursor={cursor}",
            "keyset sync, last page",
        ),
        Scenario("offset_max", "/api/v1/quotes/?page=200", "offset page 200 (9,950)"),
        Scenario(
            "search", f"/api/v1/quotes/?q={SEARCH_TERM}", f"search ?q={SEARCH_TERM}"
        ),
        Scenario("filtered", f"/api/v1/quotes/?{PLAIN_FILTER}", "plain filtered page"),
        Scenario("facets", "/api/v1/quotes/facets/", "facets (all quotes)"),
    ]


BEFORE_AFTER = ["quotes_api", "statements_api", "search", "facets", "quotes_b"]


def same_json(server: Server, api: str, floor: str) -> bool:
    return json.loads(get(server.base + api)) == json.loads(get(server.base + floor))


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument(
        "--duration",
        type=int,
        default=int(os.environ.get("BENCH_DURATION", "9")),
        help="seconds of load per scenario (9)",
    )
    parser.add_argument(
        "--rounds",
        type=int,
        default=int(os.environ.get("BENCH_ROUNDS", "3")),
        help="interleaved slices per scenario (3)",
    )
    parser.add_argument(
        "--database-url",
        default=os.environ.get("BENCH_DATABASE_URL", DEFAULT_DATABASE_URL),
        help="the demo database (make demo-data)",
    )
    parser.add_argument(
        "--no-write", action="store_true", help="do not rewrite docs/performance.md"
    )
    parser.add_argument(
        "--skip-before-after",
        action="store_true",
        help="skip the runs without the server-side settings",
    )
    args = parser.parse_args(argv)
    if not urllib.parse.urlparse(args.database_url).path.endswith("_demo"):
        raise SystemExit("The bench runs on a *_demo database only (make demo-data).")
    if not shutil.which("wrk"):
        raise SystemExit("wrk is not installed (make bench installs it on Debian).")
    DATA_DIR.mkdir(parents=True, exist_ok=True)
    log = DATA_DIR / "gunicorn.log"
    log.write_text("")
    started = time.monotonic()
    port = free_port()
    env = django_environment(args.database_url)
    start_django(env)
    facts = data_facts()
    scenarios = scenarios_for(facts)
    results = {
        "when": datetime.datetime.now(datetime.UTC).isoformat(timespec="seconds"),
        "command": "make bench  (python -m bench.run "
        + " ".join(argv if argv is not None else sys.argv[1:])
        + ")",
        "versions": versions(facts["postgres"]),
        "machine": {
            "cpus": os.cpu_count(),
            "load_before": os.getloadavg(),
            "platform": platform.platform(),
        },
        "facts": facts,
        "duration": args.duration,
        "rounds": args.rounds,
    }
    print(
        f"bench: {facts['quotes']} quotes, {args.duration} s per scenario in "
        f"{args.rounds} interleaved rounds",
        flush=True,
    )
    with Server(env, port, log) as server:
        results["same_json"] = {
            "quotes B": same_json(server, "/api/v1/quotes/", "/bench/quotes/b/"),
            "quotes C": same_json(server, "/api/v1/quotes/", "/bench/quotes/c/"),
            "statements B": same_json(
                server, "/api/v1/statements/", "/bench/statements/b/"
            ),
            "statements C": same_json(
                server, "/api/v1/statements/", "/bench/statements/c/"
            ),
        }
        for scenario in scenarios:
            for _ in range(3):
                get(server.base + scenario.path)
        figures = load(
            {s.name: server.base + s.path for s in scenarios},
            args.duration,
            args.rounds,
        )
        for scenario in scenarios:
            scenario.load = figures[scenario.name]
        results["exports"] = exports(server, facts)
        if not args.skip_before_after:
            results["before_after"] = before_after(args, scenarios, server, log)
    results["scenarios"] = scenario_figures(scenarios)
    (DATA_DIR / "results.json").write_text(json.dumps(results, indent=1, default=str))
    host = f"127.0.0.1:{port}"
    measure_in_process(scenarios, host)
    try:
        results["profile"] = profile("/api/v1/quotes/", host)
    except Exception as exc:  # noqa: BLE001 - the load figures are still worth writing
        print(f"profile failed: {exc!r}", flush=True)
    results["scenarios"] = scenario_figures(scenarios)
    results["machine"]["load_after"] = os.getloadavg()
    results["seconds"] = time.monotonic() - started
    from bench.report import render, targets, write_report

    results["targets"] = targets(results)
    text = render(results)
    print(text)
    (DATA_DIR / "results.json").write_text(json.dumps(results, indent=1, default=str))
    if not args.no_write:
        write_report(REPORT, text)
        print(f"Wrote {REPORT.relative_to(ROOT)} and .data/bench/results.json")
    return 0 if all(t["passed"] for t in results["targets"]) else 1


def scenario_figures(scenarios: list[Scenario]) -> dict:
    return {
        s.name: {
            "path": s.path,
            "label": s.label,
            "load": s.load,
            "in_process": s.in_process,
        }
        for s in scenarios
    }


def exports(server: Server, facts: dict) -> dict:
    """The CSV export and its COPY floor, for about 20k rows and for all."""
    small = "?speaker=" + ",".join(facts["small_export_speakers"])
    figures = {}
    for name, path, rows in [
        ("api_small", "/api/v1/exports/quotes.csv" + small, facts["small_export_rows"]),
        ("copy_small", "/bench/exports/quotes.csv" + small, facts["small_export_rows"]),
        ("api_all", "/api/v1/exports/quotes.csv", facts["quotes"]),
        ("copy_all", "/bench/exports/quotes.csv", facts["quotes"]),
    ]:
        try:
            figures[name] = export(server, path, rows)
        except SystemExit as exc:
            if not name.startswith("api"):
                raise
            # The exports are being built elsewhere: missing is reported, not fatal.
            figures[name] = {"error": str(exc)}
        print(f"  export {name:12s} {figures[name]}", flush=True)
    return figures


def before_after(args, scenarios: list[Scenario], server: Server, log: Path) -> dict:
    """A few scenarios on three servers at once, one per set of settings.

    `server` is the one as served; the others run without the server-side
    settings of docs/performance.md, and with CONN_MAX_AGE=0. Only one of them is
    under load at a time, slice by slice, as in the main run.
    """
    url = args.database_url
    separator = "&" if "?" in url else "?"
    without = {
        "GUNICORN_GC_FREEZE": "0",
        "DATABASE_URL": url
        + separator
        + urllib.parse.urlencode({"options": POSTGRES_DEFAULTS}),
    }
    others = {
        "without (GC not frozen, jit on, parallel query)": without,
        "with, but CONN_MAX_AGE=0 (a connection per request)": {"CONN_MAX_AGE": "0"},
    }
    by_name = {scenario.name: scenario for scenario in scenarios}
    servers = {"with (as served)": server}
    try:
        for label, overrides in others.items():
            port = free_port()
            env = {**django_environment(url), **overrides}
            servers[label] = Server(env, port, log).start()
        urls = {}
        for name in BEFORE_AFTER:
            for label, each in servers.items():
                for _ in range(3):
                    get(each.base + by_name[name].path)
                urls[(label, name)] = each.base + by_name[name].path
        figures = load(
            {f"{label}|{name}": url for (label, name), url in urls.items()},
            args.duration,
            args.rounds,
        )
    finally:
        for each in servers.values():
            if each is not server:
                each.stop()
    table = {label: {} for label in servers}
    for key, figure in figures.items():
        label, name = key.split("|")
        table[label][name] = figure
    return {"duration": args.duration, "figures": table}


if __name__ == "__main__":
    sys.exit(main())
