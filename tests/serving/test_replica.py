"""Read replicas for real (issue 14): a primary and a hot-standby streaming replica
of it, started here with pgserver's PostgreSQL binaries, and the production
server (gunicorn) with DATABASE_URL on the primary and DATABASE_REPLICA_URLS on the
replica.

The replica's replay is paused to make it lag, and a change is made on the primary:
public reads (lists, details, exports) then serve the replica's older data with
its older ETag, while the change feed, an editor's key and an admin session read
the primary; the rate-limit counters are written on the primary (the replica is
read-only: a write there would fail the request). Once replay resumes, the public
reads catch up and the ETag moves.
"""

import contextlib
import os
import pwd
import re
import shutil
import subprocess
import sys
import tempfile
import time
import warnings
from pathlib import Path
from urllib.parse import quote

import httpx
import psycopg
import pytest

from tests.conftest import ROOT
from tests.serving.test_gunicorn import free_port, start_gunicorn, stop

pytestmark = pytest.mark.slow

DATABASE = "statements"
SPEAKER = "/api/v1/speakers/antony-blinken/"
RENAMED = "Antony J. Blinken (renamed on the primary)"


class Cluster:
    """A PostgreSQL data directory run with pgserver's binaries, on a Unix socket
    in the directory itself (no TCP), as its own system user when run as root."""

    def __init__(self, pgdata: Path, bin_dir: Path, user: str | None):
        self.pgdata = pgdata
        self.bin = bin_dir
        self.user = user
        self.port = free_port()

    def run(self, program: str, *args: str) -> None:
        subprocess.run(
            [str(self.bin / program), *args],
            check=True,
            capture_output=True,
            text=True,
            timeout=120,
            user=self.user,
        )

    def start(self) -> None:
        self.run(
            "pg_ctl",
            "-D",
            str(self.pgdata),
            "-w",
            "-l",
            str(self.pgdata / "server.log"),
            "-o",
            f'-p {self.port} -k {self.pgdata} -h ""',
            "start",
        )

    def stop(self) -> None:
        self.run("pg_ctl", "-D", str(self.pgdata), "-w", "-m", "immediate", "stop")

    def url(self, dbname: str = DATABASE) -> str:
        socket_dir = quote(str(self.pgdata), safe="")
        return f"postgres://postgres@:{self.port}/{socket_dir}/{dbname}"

    def connect(self, dbname: str = DATABASE) -> psycopg.Connection:
        return psycopg.connect(
            host=str(self.pgdata),
            port=self.port,
            user="postgres",
            dbname=dbname,
            autocommit=True,
        )


def _owned_directory(root: Path, name: str, user: str | None) -> Path:
    path = root / name
    path.mkdir(mode=0o700)
    if user is not None:
        entry = pwd.getpwnam(user)
        os.chown(path, entry.pw_uid, entry.pw_gid)
    return path


@pytest.fixture(scope="module")
def clusters():
    """(primary, replica): the replica streams the primary's WAL, hot standby."""
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        import pgserver
        from pgserver._commands import POSTGRES_BIN_PATH
        from pgserver.utils import ensure_user_exists

    user = None
    if os.geteuid() == 0:  # PostgreSQL refuses to run as root, as pgserver knows
        user = "pgserver"
        ensure_user_exists(user)
    assert pgserver  # the binaries come with the package the project runs on
    root = Path(tempfile.mkdtemp(prefix="rep-"))
    os.chmod(root, 0o755)
    primary = Cluster(_owned_directory(root, "p", user), POSTGRES_BIN_PATH, user)
    replica = Cluster(root / "r", POSTGRES_BIN_PATH, user)
    try:
        primary.run(
            "initdb", "-D", str(primary.pgdata), "-U", "postgres", "--auth=trust"
        )
        primary.start()
        with primary.connect("postgres") as conn:
            conn.execute(f"CREATE DATABASE {DATABASE}")
        _owned_directory(root, "r", user)
        primary.run(
            "pg_basebackup",
            "-D",
            str(replica.pgdata),
            "-h",
            str(primary.pgdata),
            "-p",
            str(primary.port),
            "-U",
            "postgres",
            "-R",
            "-X",
            "stream",
        )
        replica.start()
        yield primary, replica
    finally:
        for cluster in (replica, primary):
            with contextlib.suppress(subprocess.CalledProcessError):
                cluster.stop()
        shutil.rmtree(root, ignore_errors=True)


def wait_for_replay(primary: Cluster, replica: Cluster) -> None:
    with primary.connect() as conn:
        (lsn,) = conn.execute("SELECT pg_current_wal_lsn()").fetchone()
    deadline = time.monotonic() + 30
    with replica.connect() as conn:
        while time.monotonic() < deadline:
            (caught_up,) = conn.execute(
                "SELECT pg_last_wal_replay_lsn() >= %s::pg_lsn", [lsn]
            ).fetchone()
            if caught_up:
                return
            time.sleep(0.1)
    pytest.fail("the replica did not catch up within 30 s")


def manage(env: dict, *args: str, input_text: str | None = None) -> str:
    return subprocess.run(
        [sys.executable, "manage.py", *args],
        cwd=ROOT,
        env=env,
        check=True,
        capture_output=True,
        text=True,
        timeout=300,
        input=input_text,
    ).stdout


@pytest.fixture(scope="module")
def server(clusters):
    primary, replica = clusters
    env = {
        **os.environ,
        "DATABASE_URL": primary.url(),
        "DATABASE_REPLICA_URLS": replica.url(),
        "DEBUG": "false",
        "SECRET_KEY": "replica-test-" + "x" * 40,
        "REDIS_URL": "",
        "RATE_LIMIT_ANONYMOUS": "100000",
        "RATE_LIMIT_PARTNER": "100000",
        "DJANGO_SUPERUSER_PASSWORD": "a-long-test-password-1",
        "WHITENOISE_USE_FINDERS": "true",
    }
    manage(env, "migrate", "--no-input", "--verbosity", "0")
    manage(env, "seed", "--verbosity", "0")
    manage(
        env,
        "createsuperuser",
        "--no-input",
        "--username",
        "editor",
        "--email",
        "editor@example.org",
    )
    editor_key = manage(env, "apikey", "create", "Newsroom", "--scope", "editor")
    wait_for_replay(primary, replica)
    process, port = start_gunicorn("config.wsgi", env=env)
    yield f"http://127.0.0.1:{port}", editor_key.strip()
    stop(process)


def admin_session(base: str) -> httpx.Client:
    session = httpx.Client(base_url=base, timeout=10)
    page = session.get("/admin/login/")
    token = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', page.text)
    answer = session.post(
        "/admin/login/?next=/admin/",
        data={
            "csrfmiddlewaretoken": token.group(1),
            "username": "editor",
            "password": "a-long-test-password-1",
            "next": "/admin/",
        },
        headers={"Referer": f"{base}/admin/login/"},
    )
    assert answer.status_code == 302, answer.text[:500]
    return session


def feed_entries(base: str) -> list[tuple[str, str, str]]:
    entries, cursor = [], None
    while True:
        params = {"limit": 100, **({"since": cursor} if cursor else {})}
        body = httpx.get(f"{base}/api/v1/changes/", params=params, timeout=10).json()
        entries += [(c["type"], c["slug"], c["change"]) for c in body["results"]]
        cursor = body["next_cursor"]
        if not body["has_more"]:
            return entries


def test_public_reads_go_to_the_replica_and_lag_with_their_etag(clusters, server):
    primary, replica = clusters
    base, editor_key = server
    before = httpx.get(base + SPEAKER, timeout=10)
    assert before.status_code == 200
    old_name, old_etag = before.json()["name"], before.headers["ETag"]
    feed_before = feed_entries(base)
    admin = admin_session(base)

    with replica.connect() as conn:
        conn.execute("SELECT pg_wal_replay_pause()")
    try:
        with primary.connect() as conn:
            conn.execute(
                "UPDATE statements_speaker SET name = %s, updated_at = now() "
                "WHERE slug = 'antony-blinken'",
                [RENAMED],
            )
        # Public reads: the replica, body and ETag alike.
        lagging = httpx.get(base + SPEAKER, timeout=10)
        assert (lagging.json()["name"], lagging.headers["ETag"]) == (old_name, old_etag)
        again = httpx.get(base + SPEAKER, headers={"If-None-Match": old_etag})
        assert again.status_code == 304
        listed = httpx.get(f"{base}/api/v1/speakers/?fields=slug,name", timeout=10)
        names = {s["slug"]: s["name"] for s in listed.json()["results"]}
        assert names["antony-blinken"] == old_name
        export = httpx.get(f"{base}/api/v1/exports/speakers.ndjson", timeout=10)
        assert old_name in export.text
        assert RENAMED not in export.text
        # The change feed reads the primary: the change is there already.
        assert ("speaker", "antony-blinken", "updated") in feed_entries(base)[
            len(feed_before) :
        ]
        # An editor's key and an admin session read their own writes.
        edited = httpx.get(
            base + SPEAKER, headers={"X-API-Key": editor_key}, timeout=10
        )
        assert edited.json()["name"] == RENAMED
        assert RENAMED in admin.get("/admin/statements/speaker/").text
        assert admin.get(SPEAKER).json()["name"] == RENAMED
    finally:
        with replica.connect() as conn:
            conn.execute("SELECT pg_wal_replay_resume()")
        admin.close()

    wait_for_replay(primary, replica)
    caught_up = httpx.get(base + SPEAKER, timeout=10)
    assert caught_up.json()["name"] == RENAMED
    assert caught_up.headers["ETag"] != old_etag


def test_the_rate_limit_counters_are_written_on_the_primary(clusters, server):
    primary, replica = clusters
    base, _ = server
    for _ in range(3):
        assert httpx.get(f"{base}/api/v1/themes/", timeout=10).status_code == 200
    with primary.connect() as conn:
        (counted,) = conn.execute(
            "SELECT COALESCE(SUM(hits), 0) FROM statements_ratelimitcounter"
        ).fetchone()
    assert counted >= 3
    with replica.connect() as conn:
        (in_recovery,) = conn.execute("SELECT pg_is_in_recovery()").fetchone()
    assert in_recovery  # a write sent there would have failed the request
