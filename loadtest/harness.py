"""What make loadtest and make faults share: the database, gunicorn, the report.

The server is started like `make serve-prod` and `make fuzz` start it: gunicorn
from the repository root (so gunicorn.conf.py applies) with DEBUG=false, a
throwaway SECRET_KEY and the rate limits raised far above what a run sends,
since every request of a run comes from 127.0.0.1.
"""

import json
import math
import os
import secrets
import signal
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.parse
import urllib.request
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
BIN = Path(sys.executable).parent
REPORT = ROOT / "docs" / "reliability.md"
RATE_LIMIT = os.environ.get("LOADTEST_RATE_LIMIT", "100000000")


def production_env(**overrides: str | None) -> dict[str, str]:
    """The environment of a production-like server; None drops a variable."""
    env = {
        **os.environ,
        "DEBUG": "false",
        "SECRET_KEY": os.environ.get("SECRET_KEY") or secrets.token_urlsafe(50),
        "RATE_LIMIT_ANONYMOUS": RATE_LIMIT,
        "RATE_LIMIT_PARTNER": RATE_LIMIT,
        # The load stands for many clients, all from 127.0.0.1: exports at once
        # are limited per client and in all (statements.api.concurrency).
        "EXPORTS_PER_CLIENT": os.environ.get("LOADTEST_EXPORTS_AT_ONCE", "64"),
        "EXPORTS_IN_TOTAL": os.environ.get("LOADTEST_EXPORTS_AT_ONCE", "64"),
        # The API serves no static file; the finders spare a collectstatic.
        "WHITENOISE_USE_FINDERS": "true",
        "LOG_LEVEL": os.environ.get("LOG_LEVEL", "WARNING"),
    }
    for name, value in overrides.items():
        if value is None:
            env.pop(name, None)
        else:
            env[name] = value
    return env


def describe_database(url: str | None) -> str:
    """A database URL without its password, or the embedded server."""
    if not url:
        return "the embedded PostgreSQL (.data/pg)"
    parts = urllib.parse.urlsplit(url)
    netloc = parts.hostname or ""
    if parts.username:
        netloc = f"{parts.username}@{netloc}"
    if parts.port:
        netloc += f":{parts.port}"
    return urllib.parse.urlunsplit(parts._replace(netloc=netloc))


def ensure_database(url: str) -> None:
    """Create the database of `url` when its server lacks it (as make fuzz does)."""
    import psycopg

    parts = urllib.parse.urlsplit(url)
    name = urllib.parse.unquote(parts.path.lstrip("/"))
    admin = urllib.parse.urlunsplit(parts._replace(path="/postgres"))
    with psycopg.connect(admin, autocommit=True, connect_timeout=5) as conn:
        found = conn.execute(
            "SELECT 1 FROM pg_database WHERE datname = %s", [name]
        ).fetchone()
        if not found:
            conn.execute(f'CREATE DATABASE "{name}"')


def manage(*args: str, env: dict[str, str], check: bool = True, quiet=False):
    """Run manage.py in a fresh process."""
    return subprocess.run(
        [sys.executable, str(ROOT / "manage.py"), *args],
        cwd=ROOT,
        env=env,
        check=check,
        text=True,
        capture_output=quiet,
        timeout=600,
    )


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def get_json(base: str, path: str, timeout: float = 30):
    request = urllib.request.Request(
        base + path, headers={"Accept": "application/json"}
    )
    with urllib.request.urlopen(request, timeout=timeout) as response:
        return json.load(response)


class Gunicorn:
    """gunicorn with production settings on a free loopback port, in its own group.

    stdout and stderr (gunicorn's and Django's logs) go to `log`, the access log
    (status, microseconds and worker of every request) to `access_log`.
    """

    ACCESS_FORMAT = "%(s)s %(D)s %(p)s %(m)s %(U)s"

    def __init__(self, env, *, workers: int, log: Path, access_log: Path):
        self.env = env
        self.workers = workers
        self.log = log
        self.access_log = access_log
        self.port = free_port()
        self.base = f"http://127.0.0.1:{self.port}"
        self.process: subprocess.Popen | None = None

    def start(self, ready_within: float = 90) -> "Gunicorn":
        self.log.parent.mkdir(parents=True, exist_ok=True)
        self.access_log.unlink(missing_ok=True)  # gunicorn appends to it
        with self.log.open("w") as log:
            self.process = subprocess.Popen(
                [
                    str(BIN / "gunicorn"),
                    "config.wsgi",
                    "--bind",
                    f"127.0.0.1:{self.port}",
                    "--workers",
                    str(self.workers),
                    "--timeout",
                    "60",
                    "--access-logfile",
                    str(self.access_log),
                    "--access-logformat",
                    self.ACCESS_FORMAT,
                ],
                cwd=ROOT,
                env=self.env,
                stdout=log,
                stderr=subprocess.STDOUT,
                start_new_session=True,
            )
        deadline = time.monotonic() + ready_within
        while time.monotonic() < deadline:
            if self.process.poll() is not None:
                raise RuntimeError(f"gunicorn exited:\n{self.log.read_text()}")
            if self.ready():
                return self
            time.sleep(0.5)
        raise RuntimeError(f"gunicorn not ready in {ready_within}s:\n{self.log_tail()}")

    def ready(self) -> bool:
        try:
            with urllib.request.urlopen(self.base + "/readyz", timeout=5) as response:
                return response.status == 200
        except (OSError, urllib.error.URLError):
            return False

    def worker_pids(self) -> list[int]:
        import psutil

        return sorted(
            child.pid for child in psutil.Process(self.process.pid).children()
        )

    def stop(self) -> None:
        if self.process is None or self.process.poll() is not None:
            return
        try:
            os.killpg(self.process.pid, signal.SIGTERM)
            self.process.wait(30)
        except subprocess.TimeoutExpired:
            os.killpg(self.process.pid, signal.SIGKILL)
            self.process.wait(10)
        except ProcessLookupError:
            pass

    def __enter__(self) -> "Gunicorn":
        return self.start()

    def __exit__(self, *exc) -> None:
        self.stop()

    def log_tail(self, lines: int = 60) -> str:
        return "\n".join(self.log.read_text(errors="replace").splitlines()[-lines:])

    def server_errors(self) -> list[str]:
        """Log lines of unhandled exceptions and worker trouble."""
        markers = ("Internal Server Error", "Traceback", "ERROR", "CRITICAL")
        text = self.log.read_text(errors="replace") if self.log.exists() else ""
        return [line for line in text.splitlines() if any(m in line for m in markers)]

    def access_lines(self) -> list[str]:
        """Lines of the access log: status, microseconds, <worker pid>, method, path."""
        if not self.access_log.exists():
            return []
        return self.access_log.read_text(errors="replace").splitlines()

    def access_statuses(self) -> list[int]:
        """The status of every request the server logged."""
        statuses = []
        for line in self.access_lines():
            head = line.split(" ", 1)[0]
            if head.isdigit():
                statuses.append(int(head))
        return statuses


def percentile(sorted_values: list[float], share: float) -> float | None:
    """Nearest-rank percentile of an ascending list."""
    if not sorted_values:
        return None
    rank = max(1, min(len(sorted_values), math.ceil(share * len(sorted_values))))
    return sorted_values[rank - 1]


def write_between_markers(start: str, end: str, text: str, path: Path = REPORT):
    """Replace what lies between the two markers of `path` with `text`.

    The markers sit at the end of their section of docs/reliability.md; when one
    is missing the block is appended at the end of the file.
    """
    block = f"{start}\n{text.rstrip()}\n{end}"
    current = path.read_text()
    if start in current and end in current:
        before, rest = current.split(start, 1)
        after = rest.split(end, 1)[1]
        updated = before + block + after
    else:
        updated = current.rstrip("\n") + "\n\n" + block + "\n"
    path.write_text(updated)


def stop_on_sigterm() -> None:
    """Turn SIGTERM into SystemExit, so that `finally` stops the servers."""
    signal.signal(signal.SIGTERM, lambda *_: sys.exit(143))


def load_average() -> str:
    one, five, _ = os.getloadavg()
    return f"{one:.2f} (5 min {five:.2f})"


def machine(before: str) -> str:
    """The CPUs and the load average before a run (`before`) and now."""
    return (
        f"{os.cpu_count()} CPUs, load average {before} before the run, "
        f"{load_average()} after"
    )
