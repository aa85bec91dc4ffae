"""make faults: what the API does under load when something breaks.

    python -m loadtest.faults    (make faults)

Always on a PostgreSQL of its own: pgserver's embedded server in a fresh
temporary data directory (never DATABASE_URL, never a shared server), reached
the way the project reaches it when DATABASE_URL is unset (EMBEDDED_DB_DIR).
It is migrated and seeded, gunicorn serves it with production settings, and
threads send a mix of API reads (lists, details, search, facets, an export, the
change feed) while a probe polls /readyz and /healthz. Every request is
recorded with its start, end, status and headers. Then, one after the other:

a. PostgreSQL is stopped for FAULTS_DOWN_SECONDS (6), once with pg_ctl stop
   -m fast and once with -m immediate (a crash; FAULTS_STOP_MODES=fast,immediate):
   while it is down every API answer must be a 503 application/problem+json
   with Retry-After within FAULTS_DOWN_BOUND seconds (5), /readyz 503 and
   /healthz 200; requests in flight at the stop may also end 200 (an export
   whose body had begun, cut short). It is then
   started again (same data directory and socket); every request that starts
   later than FAULTS_RECOVERY_BOUND seconds (5) after that must succeed, and the
   recovery time (until the last failure) is measured.
b. One gunicorn worker is killed (SIGSTOP to count the connections it holds,
   then SIGKILL): the master must fork a replacement that serves requests, no
   request may fail beyond those connections, none started after the kill.
c. `manage.py seed` is run with a fixture that fails half way (good rows
   first, a bad span in the last quote), alone and after a good file: it must
   exit non-zero and leave every table, the data version and the ETags of the
   API as they were, while the reads go on succeeding.
d. Slow clients, after the load: FAULTS_SLOW_HEADERS (50) connections send a
   header line every 2 s and reconnect when dropped (slowloris), and
   FAULTS_SLOW_READERS (10) ask for the largest response the seeded server has
   (the Swagger UI bundle, 1.5 MB; the seed's exports are a few kB) with a 4 kB
   receive buffer and read 1 kB a second. Meanwhile a probe asks for /healthz
   and a page of quotes every 50 ms: the p99 of each must stay under
   FAULTS_SLOW_P99_MS (100), every answer 200. The p99 before the attack is
   measured too; on a machine so busy that it alone exceeds the bound, the bound
   is twice that p99 (the attack's own cost is what is measured), and the
   figures say so.

Each fault prints PASS or FAIL; the run exits 1 on any FAIL. The figures go
between the faults markers of docs/reliability.md (FAULTS_NO_REPORT=1 leaves
the docs alone). Logs: .data/faults/.
"""

import contextlib
import datetime
import http.client
import json
import os
import random
import re
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import threading
import time
import warnings
from dataclasses import dataclass
from pathlib import Path

from loadtest import harness

START = "<!-- faults:results:start (written by make faults; edit the text around) -->"
END = "<!-- faults:results:end -->"
OUT = harness.ROOT / ".data" / "faults"
DOWN_SECONDS = float(os.environ.get("FAULTS_DOWN_SECONDS", "6"))
DOWN_BOUND = float(os.environ.get("FAULTS_DOWN_BOUND", "5"))
RECOVERY_BOUND = float(os.environ.get("FAULTS_RECOVERY_BOUND", "5"))
THREADS = int(os.environ.get("FAULTS_THREADS", "4"))
WORKERS = int(os.environ.get("GUNICORN_WORKERS") or 2)
# fast: backends are told to stop; immediate: a crash, recovered from the WAL.
STOP_MODES = os.environ.get("FAULTS_STOP_MODES", "fast,immediate").split(",")
DATABASE_NAME = "statements"  # config.embedded_db.EMBEDDED_DATABASE_NAME
SLOW_HEADERS = int(os.environ.get("FAULTS_SLOW_HEADERS", "50"))
SLOW_READERS = int(os.environ.get("FAULTS_SLOW_READERS", "10"))
SLOW_P99_MS = float(os.environ.get("FAULTS_SLOW_P99_MS", "100"))
SLOW_SECONDS = float(os.environ.get("FAULTS_SLOW_SECONDS", "20"))


def log(message: str) -> None:
    print(f"[{time.strftime('%H:%M:%S')}] {message}", flush=True)


# --- The database of the run -------------------------------------------------------


class EmbeddedPostgres:
    """pgserver's PostgreSQL in a data directory of the run's own.

    This process takes the first handle (so that no server process stops it on
    exit) and stops and starts it with the pg_ctl of the pgserver package, with
    the options pgserver starts it with: no TCP, its socket in the data directory.
    """

    def __init__(self, pgdata: Path):
        self.pgdata = pgdata

    def start_first(self) -> None:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            import pgserver
            from pgserver._commands import POSTGRES_BIN_PATH

        self.bin = POSTGRES_BIN_PATH
        server = pgserver.get_server(self.pgdata, cleanup_mode=None)
        info = server.get_postmaster_info()
        self.socket_dir = info.socket_dir
        self.port = info.port
        # As root, pgserver runs PostgreSQL as its own system user.
        self.system_user = server.system_user

    def pg_ctl(self, *args: str) -> None:
        subprocess.run(
            [str(self.bin / "pg_ctl"), "-D", str(self.pgdata), *args],
            check=True,
            capture_output=True,
            text=True,
            timeout=60,
            user=self.system_user,
        )

    def stop(self, mode: str = "fast") -> None:
        self.pg_ctl("stop", "-w", "-m", mode)

    def start(self) -> None:
        self.pg_ctl(
            "start",
            "-w",
            "-o",
            '-h ""',
            "-o",
            f"-k {self.socket_dir}",
            "-l",
            str(self.pgdata / "log"),
        )

    def connect(self):
        import psycopg

        return psycopg.connect(
            host=str(self.socket_dir),
            port=self.port,
            dbname=DATABASE_NAME,
            user="postgres",
            autocommit=True,
            connect_timeout=5,
        )

    def fingerprint(self) -> dict[str, str]:
        """Row count and md5 of every data table, the data version, the feed."""
        skip = {"statements_ratelimitcounter", "statements_partnerkey"}
        with self.connect() as conn:
            tables = [
                row[0]
                for row in conn.execute(
                    "SELECT tablename FROM pg_tables WHERE schemaname = 'public' "
                    "AND tablename LIKE 'statements\\_%' ORDER BY tablename"
                )
                if row[0] not in skip
            ]
            prints = {}
            for table in tables:
                count, digest = conn.execute(
                    f"SELECT count(*), md5(coalesce(string_agg(t::text, '|' "
                    f"ORDER BY t::text), '')) FROM \"{table}\" t"
                ).fetchone()
                prints[table] = f"{count} rows, md5 {digest}"
        return prints


# --- Load with a record of every request ---------------------------------------


@dataclass
class Record:
    kind: str  # api, readyz, healthz
    path: str
    start: float
    end: float
    status: int | None = None
    content_type: str = ""
    retry_after: str | None = None
    problem_status: int | None = None
    error: str | None = None

    @property
    def ok(self) -> bool:
        return self.error is None and self.status == 200

    @property
    def unavailable_problem(self) -> bool:
        """503 application/problem+json with a whole-seconds Retry-After."""
        return (
            self.error is None
            and self.status == 503
            and self.content_type.startswith("application/problem+json")
            and self.problem_status == 503
            and (self.retry_after or "").isdigit()
        )

    @property
    def cut_short(self) -> bool:
        """A streamed body that began (200) and ended before its last chunk."""
        return (
            self.status == 200
            and "/exports/" in self.path
            and (self.error or "").startswith("IncompleteRead")
        )

    @property
    def seconds(self) -> float:
        return self.end - self.start

    def describe(self) -> str:
        what = self.error or f"{self.status} {self.content_type}"
        return f"{self.path} -> {what} in {self.seconds:.2f}s"


def fetch(port: int, kind: str, path: str, timeout: float = 30) -> Record:
    record = Record(kind, path, time.monotonic(), 0.0)
    conn = http.client.HTTPConnection("127.0.0.1", port, timeout=timeout)
    try:
        conn.request("GET", path, headers={"Accept": "application/json"})
        response = conn.getresponse()
        record.status = response.status
        record.content_type = response.getheader("Content-Type", "")
        record.retry_after = response.getheader("Retry-After")
        body = response.read()
        if record.content_type.startswith("application/problem+json"):
            try:
                record.problem_status = json.loads(body).get("status")
            except ValueError:
                record.problem_status = None
    except (OSError, http.client.HTTPException) as exc:
        record.error = f"{type(exc).__name__}: {exc}"[:160]
    finally:
        conn.close()
        record.end = time.monotonic()
    return record


class Load:
    """THREADS readers of the API and one probe of /readyz and /healthz."""

    def __init__(self, port: int, paths: list[str]):
        self.port = port
        self.paths = paths
        self.records: list[Record] = []
        self.stopping = threading.Event()
        self.threads = [
            threading.Thread(target=self._read, args=(n,), daemon=True)
            for n in range(THREADS)
        ] + [threading.Thread(target=self._probe, daemon=True)]

    def _read(self, seed: int) -> None:
        rng = random.Random(seed)
        while not self.stopping.is_set():
            self.records.append(fetch(self.port, "api", rng.choice(self.paths)))
            time.sleep(0.005)

    def _probe(self) -> None:
        while not self.stopping.is_set():
            for kind in ("readyz", "healthz"):
                self.records.append(fetch(self.port, kind, f"/{kind}", timeout=30))
            time.sleep(0.2)

    def __enter__(self) -> "Load":
        for thread in self.threads:
            thread.start()
        return self

    def __exit__(self, *exc) -> None:
        self.stopping.set()
        for thread in self.threads:
            thread.join(60)

    def between(self, start: float, end: float, kind: str | None = "api"):
        """Records of requests that started at or after `start` and ended by `end`."""
        return [
            r
            for r in list(self.records)
            if r.start >= start and r.end <= end and (kind is None or r.kind == kind)
        ]


def read_paths(base: str) -> list[str]:
    """A mix of reads, with slugs and words drawn from the API."""

    def slugs(route: str) -> list[str]:
        rows = harness.get_json(base, f"/api/v1/{route}/?page_size=100&fields=slug")
        return [row["slug"] for row in rows["results"]]

    quotes = harness.get_json(base, "/api/v1/quotes/?page_size=100&fields=slug,text")
    words = sorted(
        {
            word.strip(".,;:!?“”\"'()").lower()
            for quote in quotes["results"]
            for word in quote["text"].split()
            if len(word.strip(".,;:!?“”\"'()")) >= 6
            and word.strip(".,;:!?“”\"'()").isalpha()
        }
    )
    paths = ["/api/v1/", "/api/v1/quotes/facets/", "/api/v1/changes/?limit=20"]
    paths += [f"/api/v1/quotes/{slug}/" for slug in slugs("quotes")[:20]]
    paths += [f"/api/v1/quotes/?page_size=10&theme={s}" for s in slugs("themes")[:10]]
    paths += [f"/api/v1/statements/{slug}/" for slug in slugs("statements")[:5]]
    paths += [f"/api/v1/speakers/{slug}/" for slug in slugs("speakers")[:5]]
    paths += [f"/api/v1/search/?q={word}" for word in words[:10]]
    paths += [
        f"/api/v1/exports/quotes.csv?statement={slug}"
        for slug in slugs("statements")[:3]
    ]
    return paths


# --- The faults --------------------------------------------------------------------


@dataclass
class Outcome:
    name: str
    passed: bool
    figures: str
    problems: list[str]


def fault_database_down(db: EmbeddedPostgres, load: Load, mode: str) -> Outcome:
    name = f"a. PostgreSQL stopped (`pg_ctl stop -m {mode}`) for {DOWN_SECONDS:g} s"
    problems = []
    time.sleep(3)
    baseline = load.between(time.monotonic() - 3, time.monotonic(), kind=None)
    bad = [r for r in baseline if not r.ok]
    if bad or len(baseline) < 10:
        problems.append(f"before the stop: {len(bad)} of {len(baseline)} failed")

    log(f"stopping PostgreSQL (-m {mode})")
    stop_issued = time.monotonic()
    db.stop(mode)
    stopped = time.monotonic()
    time.sleep(DOWN_SECONDS)
    log("starting PostgreSQL")
    start_issued = time.monotonic()
    db.start()
    started = time.monotonic()
    time.sleep(max(10.0, RECOVERY_BOUND + 5))
    end = time.monotonic()

    api_down = load.between(stopped, start_issued)
    ready_down = load.between(stopped, start_issued, kind="readyz")
    health_all = load.between(stop_issued - 1, end, kind="healthz")
    not_problem = [r for r in api_down if not r.unavailable_problem]
    slowest = max((r.seconds for r in api_down), default=0.0)
    if len(api_down) < 10:
        problems.append(f"only {len(api_down)} API answers while down")
    problems += [f"while down: {r.describe()}" for r in not_problem[:5]]
    if slowest > DOWN_BOUND:
        problems.append(f"slowest answer while down: {slowest:.2f}s > {DOWN_BOUND}s")
    ready_bad = [r for r in ready_down if r.status != 503 or not r.retry_after]
    if not ready_down or ready_bad:
        problems.append(
            f"/readyz while down: {len(ready_bad)} of {len(ready_down)} not 503"
        )
    health_bad = [r for r in health_all if not r.ok]
    problems += [f"/healthz: {r.describe()}" for r in health_bad[:3]]

    # In flight at the stop, or sent while PostgreSQL was starting: 200 or a 503,
    # or, for an export whose body had begun, a body cut short.
    around = [
        r
        for r in load.records
        if r.kind == "api"
        and (
            (r.start < stopped and r.end > stop_issued)
            or (r.end > start_issued and r.start < started)
        )
    ]
    problems += [
        f"around the stop or start: {r.describe()}"
        for r in around
        if not (r.ok or r.unavailable_problem or r.cut_short)
    ][:5]
    cut = [r for r in around if r.cut_short]

    after = load.between(started, end)
    failed_after = [r for r in after if not r.ok]
    problems += [
        f"after the restart: {r.describe()}"
        for r in failed_after
        if not r.unavailable_problem
    ][:5]
    recovery = max((r.end for r in failed_after), default=started) - started
    late = [r for r in after if r.start >= started + RECOVERY_BOUND]
    if recovery > RECOVERY_BOUND:
        problems.append(f"recovery took {recovery:.2f}s > {RECOVERY_BOUND}s")
    if len(late) < 20 or any(not r.ok for r in late):
        problems.append(
            f"{sum(not r.ok for r in late)} of {len(late)} requests failed "
            f"{RECOVERY_BOUND}s after the restart"
        )
    first_ok = min((r.end for r in after if r.ok), default=None)
    ready_after = [r for r in load.between(started, end, kind="readyz") if r.ok]
    first_ready = min((r.end for r in ready_after), default=None)
    figures = (
        f"{len(api_down):,} API answers while down, all 503 problem+json with "
        f"`Retry-After: {api_down[0].retry_after if api_down else '?'}`"
        f"{'' if not not_problem else ' (NOT all)'}, slowest {slowest * 1000:.0f} ms; "
        f"/readyz 503 ×{len(ready_down)}; /healthz 200 ×{len(health_all)}"
        f"{'' if not health_bad else ' (NOT all)'}; stop took "
        f"{stopped - stop_issued:.2f} s, start {started - start_issued:.2f} s; "
        f"**recovery {recovery:.2f} s** after the start "
        f"({len(failed_after)} failed after it; first 200 after "
        f"{_since(started, first_ok)}, /readyz 200 after "
        f"{_since(started, first_ready)}); "
        f"{len(around):,} requests in flight at the stop or start: "
        f"{sum(r.ok for r in around)} × 200, "
        f"{sum(r.unavailable_problem for r in around)} × 503, "
        f"{len(cut)} export(s) cut short after their first piece"
    )
    return Outcome(name, not problems, figures, problems)


def _since(start: float, moment: float | None) -> str:
    return "never" if moment is None else f"{moment - start:.2f} s"


def fault_worker_killed(server: harness.Gunicorn, load: Load) -> Outcome:
    import psutil

    name = "b. `kill -9` of one gunicorn worker"
    problems = []
    time.sleep(3)
    workers = server.worker_pids()
    victim = workers[0]
    # Frozen, it accepts nothing more: what it holds is what its death can break.
    os.kill(victim, signal.SIGSTOP)
    held = [
        c
        for c in psutil.Process(victim).net_connections(kind="tcp")
        if c.status != psutil.CONN_LISTEN and c.laddr and c.laddr.port == server.port
    ]
    log(f"killing worker {victim} ({len(held)} connection(s) in flight)")
    killed = time.monotonic()
    os.kill(victim, signal.SIGKILL)
    os.kill(victim, signal.SIGCONT)  # harmless on a dead process; never leave it
    replacement = forked = None
    deadline = time.monotonic() + 30
    while time.monotonic() < deadline and replacement is None:
        current = server.worker_pids()
        new = [pid for pid in current if pid not in workers]
        if victim not in current and len(current) == len(workers) and new:
            replacement = new[0]
            forked = time.monotonic()
        else:
            time.sleep(0.05)
    serving = None
    if replacement is None:
        problems.append("no replacement worker within 30 s")
    else:
        deadline = time.monotonic() + 30
        while time.monotonic() < deadline and serving is None:
            if served_by(server, replacement):
                serving = time.monotonic()
            else:
                time.sleep(0.1)
        if serving is None:
            problems.append(f"the replacement {replacement} served nothing in 30 s")
    time.sleep(5)
    end = time.monotonic()

    phase = [r for r in load.records if r.kind == "api" and r.end >= killed - 0.5]
    failed = [r for r in phase if not r.ok and r.start <= killed]
    failed_later = [r for r in phase if not r.ok and r.start > killed]
    if len(failed) > len(held):
        problems.append(
            f"{len(failed)} requests failed, more than the {len(held)} in flight"
        )
    problems += [f"in flight: {r.describe()}" for r in failed if r.status][:3]
    problems += [f"after the kill: {r.describe()}" for r in failed_later][:5]
    after = load.between(killed, end)
    if len(after) < 20:
        problems.append(f"only {len(after)} requests after the kill")
    figures = (
        f"{len(held)} connection(s) in flight on the worker, {len(failed)} request(s) "
        f"failed ({'; '.join(r.error or str(r.status) for r in failed) or 'none'}); "
        f"replacement forked after {_since(killed, forked)}, serving after "
        f"{_since(killed, serving)}; "
        f"{len(after):,} requests after the kill, {len(failed_later)} failed"
    )
    return Outcome(name, not problems, figures, problems)


def served_by(server: harness.Gunicorn, pid: int) -> bool:
    """Whether the access log shows a request answered by worker `pid`."""
    needle = f" <{pid}> "
    return any(needle in line for line in server.access_lines())


def broken_fixtures(directory: Path) -> tuple[Path, Path]:
    """A good fixture with real changes, and one that fails in its last quote."""
    source = harness.ROOT / "fixtures"
    shutil.copytree(source / "texts", directory / "texts")
    data = json.loads((source / "blinken.json").read_text(encoding="utf-8"))

    good = json.loads(json.dumps(data))
    good["speakers"][0]["name"] = "Someone Else"
    good["themes"].append({**good["themes"][-1], "slug": "faults-new-theme"})
    good_path = directory / "good.json"
    good_path.write_text(json.dumps(good, ensure_ascii=False), encoding="utf-8")

    bad = json.loads(json.dumps(good))
    bad["speakers"][0]["name"] = "Someone Else Again"
    bad["quotes"][-1]["spans"] = [[2270, 99999]]
    bad_path = directory / "half-way.json"
    bad_path.write_text(json.dumps(bad, ensure_ascii=False), encoding="utf-8")
    return good_path, bad_path


def fault_seed_fails(db: EmbeddedPostgres, env, server, load: Load) -> Outcome:
    name = "c. `manage.py seed` failing half way, alone and after a good file"
    problems = []
    probes = ["/api/v1/quotes/", "/api/v1/speakers/", "/api/v1/themes/", "/api/v1/"]

    def etags():
        tags = {}
        for path in probes:
            conn = http.client.HTTPConnection("127.0.0.1", server.port, timeout=30)
            conn.request("GET", path, headers={"Accept": "application/json"})
            response = conn.getresponse()
            response.read()
            tags[path] = response.getheader("ETag")
            conn.close()
        return tags

    before, tags_before = db.fingerprint(), etags()
    started = time.monotonic()
    runs = []
    with tempfile.TemporaryDirectory(prefix="faults-fixtures-") as tmp:
        good, bad = broken_fixtures(Path(tmp))
        for files in ([bad], [good, bad]):
            result = harness.manage(
                "seed", *map(str, files), env=env, check=False, quiet=True
            )
            runs.append(result)
            label = " ".join(path.name for path in files)
            if result.returncode == 0:
                problems.append(f"seed {label} succeeded")
            elif "Nothing was changed" not in result.stderr:
                problems.append(f"seed {label}: {result.stderr.strip()[-200:]}")
    end = time.monotonic()
    after, tags_after = db.fingerprint(), etags()
    changed = [table for table in before if before[table] != after.get(table)]
    if changed or set(before) != set(after):
        problems.append(f"tables changed: {', '.join(changed) or 'the set of tables'}")
    if tags_before != tags_after:
        problems.append("ETags changed")
    during = load.between(started, end)
    problems += [f"during the seed: {r.describe()}" for r in during if not r.ok][:5]
    message = (runs[0].stderr.strip().splitlines() or ["?"])[-1]
    figures = (
        f"both runs exit {', '.join(str(r.returncode) for r in runs)} "
        f"(`{message[:120]}`); {len(before)} tables (rows and md5), the data "
        f"version and {len(tags_before)} ETags unchanged"
        f"{'' if not problems else ' (NOT all)'}; {len(during)} reads during the "
        f"seeds, {sum(not r.ok for r in during)} failed"
    )
    return Outcome(name, not problems, figures, problems)


# --- The run ----------------------------------------------------------------------

# Log lines the faults cause: the SIGKILL of b, the warning and the django.request
# error that Django logs for each 503.
EXPECTED_LOG_LINES = (
    "was sent SIGKILL",
    "database unavailable",
    "readiness check failed",
    "ERROR django.request Service Unavailable: ",
)
ERROR_MARKERS = ("Internal Server Error", "Traceback", "ERROR", "CRITICAL")


class SlowClients:
    """Slow-header and slow-reader connections, each reconnecting when dropped."""

    def __init__(self, port: int, reader_path: str):
        self.port = port
        self.reader_path = reader_path
        self.stopping = threading.Event()
        self.dropped = {"header": 0, "reader": 0}
        self.read_bytes = 0
        self.threads = [
            threading.Thread(target=self._slow_header, daemon=True)
            for _ in range(SLOW_HEADERS)
        ] + [
            threading.Thread(target=self._slow_reader, daemon=True)
            for _ in range(SLOW_READERS)
        ]

    def _connect(self, rcvbuf: int | None = None) -> socket.socket:
        sock = socket.socket()
        if rcvbuf:
            sock.setsockopt(socket.SOL_SOCKET, socket.SO_RCVBUF, rcvbuf)
        sock.settimeout(5)
        sock.connect(("127.0.0.1", self.port))
        return sock

    def _slow_header(self) -> None:
        while not self.stopping.is_set():
            try:
                with self._connect() as sock:
                    sock.sendall(b"GET /healthz HTTP/1.1\r\nHost: localhost\r\n")
                    line = 0
                    while not self.stopping.wait(2):
                        sock.sendall(b"X-Slow-%d: 1\r\n" % line)
                        line += 1
            except OSError:
                self.dropped["header"] += 1

    def _slow_reader(self) -> None:
        request = f"GET {self.reader_path} HTTP/1.1\r\nHost: localhost\r\n\r\n".encode()
        while not self.stopping.is_set():
            try:
                with self._connect(rcvbuf=4096) as sock:
                    sock.sendall(request)
                    while not self.stopping.wait(1):
                        chunk = sock.recv(1024)
                        if not chunk:
                            raise ConnectionResetError("closed by the server")
                        self.read_bytes += len(chunk)
            except OSError:
                self.dropped["reader"] += 1

    def __enter__(self) -> "SlowClients":
        for thread in self.threads:
            thread.start()
        return self

    def __exit__(self, *exc) -> None:
        self.stopping.set()
        for thread in self.threads:
            thread.join(10)


def p99_ms(records: list[Record]) -> float:
    times = sorted(r.seconds * 1000 for r in records)
    return times[min(len(times) - 1, int(len(times) * 0.99))] if times else 0.0


def probe_latency(port: int, paths: list[str], seconds: float) -> list[Record]:
    records = []
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        for path in paths:
            records.append(fetch(port, "probe", path, timeout=10))
        time.sleep(0.05)
    return records


def fault_slow_clients(server: harness.Gunicorn) -> Outcome:
    name = f"d. {SLOW_HEADERS} slow-header and {SLOW_READERS} slow-reader connections"
    problems = []
    docs = http.client.HTTPConnection("127.0.0.1", server.port, timeout=10)
    docs.request("GET", "/api/v1/docs/")
    page = docs.getresponse().read().decode()
    docs.close()
    bundle = re.search(r'src="([^"]*swagger-ui-bundle[^"]*\.js)"', page)
    if bundle is None:
        return Outcome(name, False, "", ["no Swagger UI bundle in /api/v1/docs/"])
    paths = {"/healthz": "/healthz", "quotes page": "/api/v1/quotes/?page_size=10"}
    before = probe_latency(server.port, list(paths.values()), 5)
    with SlowClients(server.port, bundle.group(1)) as attack:
        time.sleep(3)
        during = probe_latency(server.port, list(paths.values()), SLOW_SECONDS)
        dropped = dict(attack.dropped)
        read_bytes = attack.read_bytes
    figures = []
    for label, path in paths.items():
        probes_before = [r for r in before if r.path == path]
        probes = [r for r in during if r.path == path]
        failed = [r for r in probes if not r.ok]
        p99_before, p99 = p99_ms(probes_before), p99_ms(probes)
        figures.append(
            f"{label}: p99 {p99_before:.0f} ms before, {p99:.0f} ms during "
            f"({len(probes)} probes)"
        )
        if failed:
            problems.append(
                f"{label}: {len(failed)} failed, e.g. {failed[0].describe()}"
            )
        if p99 > SLOW_P99_MS:
            problems.append(f"{label}: p99 {p99:.0f} ms > {SLOW_P99_MS:g} ms")
    figures.append(
        f"slow-header connections dropped by the server (408) and reopened: "
        f"{dropped['header']}; slow readers dropped: {dropped['reader']}, "
        f"{read_bytes:,} bytes read by them in {SLOW_SECONDS:g} s"
    )
    return Outcome(name, not problems, "; ".join(figures), problems)


def unexpected_log_entries(path: Path) -> list[str]:
    """First lines of the server log's error entries that no fault explains.

    An entry is a time-stamped line and the lines up to the next one (a
    traceback). gunicorn logs "Error handling request" with the traceback of
    every export whose body was cut short because the database went away (an
    error before the first byte, answered 500, adds the path to that line).
    """
    entries: list[list[str]] = []
    for line in path.read_text(errors="replace").splitlines():
        if line[:1] == "[" or line[:2] == "20" or not entries:
            entries.append([line])
        else:
            entries[-1].append(line)
    unexpected = []
    for entry in entries:
        text = "\n".join(entry)
        if not any(marker in text for marker in ERROR_MARKERS):
            continue
        if any(marker in entry[0] for marker in EXPECTED_LOG_LINES):
            continue
        if (
            entry[0].endswith("Error handling request")
            and "in export_stream" in text
            and "OperationalError" in text
        ):
            continue
        unexpected.append(entry[0])
    return unexpected


def render(results: dict) -> str:
    lines = [
        f"Run {results['when']}: `make faults`, {results['seconds']:.0f} s in all; "
        f"gunicorn with {WORKERS} gthread workers and production settings on a fresh "
        f"embedded PostgreSQL {results['pg_version']} (pgserver, temporary data "
        f"directory); {THREADS} reader threads and a /readyz + /healthz probe; "
        f"{results['requests']:,} requests recorded. Machine: {results['machine']}.",
        "",
        "| Fault | Result | Figures |",
        "|---|---|---|",
    ]
    for outcome in results["outcomes"]:
        lines.append(
            f"| {outcome.name} | {'PASS' if outcome.passed else '**FAIL**'} | "
            f"{outcome.figures} |"
        )
    for outcome in results["outcomes"]:
        for problem in outcome.problems:
            lines.append(f"\n- {outcome.name[:2]} `{problem[:200]}`")
    if results["server_errors"]:
        lines += ["", "Unexpected lines in the server log:", ""]
        lines += [f"- `{line[:160]}`" for line in results["server_errors"][:10]]
    return "\n".join(lines) + "\n"


def announce(outcome: Outcome) -> Outcome:
    log(f"{'PASS' if outcome.passed else 'FAIL'} {outcome.name}")
    print(f"    {outcome.figures}", flush=True)
    for problem in outcome.problems:
        print(f"    - {problem}", flush=True)
    return outcome


def main() -> int:
    harness.stop_on_sigterm()
    started = time.monotonic()
    load_before = harness.load_average()
    OUT.mkdir(parents=True, exist_ok=True)
    # A short path: the server's socket lives in the data directory.
    root = Path(tempfile.mkdtemp(prefix="statements-faults-"))
    db = EmbeddedPostgres(root / "pg")
    server = None
    outcomes: list[Outcome] = []
    try:
        log(f"embedded PostgreSQL in {db.pgdata}")
        db.start_first()
        env = harness.production_env(DATABASE_URL=None, EMBEDDED_DB_DIR=str(db.pgdata))
        env["DB_CONNECT_TIMEOUT"] = env.get("DB_CONNECT_TIMEOUT", "3")
        harness.manage("migrate", "--no-input", "--verbosity", "0", env=env)
        harness.manage("seed", "--verbosity", "0", env=env)
        server = harness.Gunicorn(
            env, workers=WORKERS, log=OUT / "server.log", access_log=OUT / "access.log"
        )
        server.start()
        paths = read_paths(server.base)
        with db.connect() as conn:
            pg_version = conn.execute("SHOW server_version").fetchone()[0]
        log(f"gunicorn on {server.base}, {len(paths)} paths, {THREADS} threads")
        with Load(server.port, paths) as load:
            faults = [
                lambda mode=mode: fault_database_down(db, load, mode)
                for mode in STOP_MODES
            ]
            for fault in (
                *faults,
                lambda: fault_worker_killed(server, load),
                lambda: fault_seed_fails(db, env, server, load),
            ):
                outcomes.append(announce(fault()))
        requests = len(load.records)
        # After the load: the probe's latency is the attack's alone.
        outcomes.append(announce(fault_slow_clients(server)))
    finally:
        if server is not None:
            server.stop()
        with contextlib.suppress(subprocess.CalledProcessError, AttributeError):
            db.stop("fast")
        shutil.rmtree(root, ignore_errors=True)

    server_errors = unexpected_log_entries(server.log)
    passed = all(outcome.passed for outcome in outcomes) and not server_errors
    results = {
        "when": datetime.datetime.now(datetime.UTC).strftime("%Y-%m-%d %H:%M UTC"),
        "seconds": time.monotonic() - started,
        "pg_version": pg_version,
        "requests": requests,
        "machine": harness.machine(load_before),
        "outcomes": outcomes,
        "server_errors": server_errors,
    }
    text = render(results)
    if server_errors:
        print("Unexpected server log lines:\n" + "\n".join(server_errors[:20]))
    if os.environ.get("FAULTS_NO_REPORT") != "1":
        harness.write_between_markers(START, END, text)
        log(f"written to {harness.REPORT.relative_to(harness.ROOT)}")
    log(f"faults {'PASS' if passed else 'FAIL'} in {results['seconds']:.0f} s")
    return 0 if passed else 1


if __name__ == "__main__":
    sys.exit(main())
