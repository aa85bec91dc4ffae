"""`make run`: the development server stops its embedded PostgreSQL when it stops,
and has a development rate limit (issue 14, item 13)."""

import json
import os
import signal
import subprocess
import sys
import time

import httpx
import psutil
import pytest

from tests.conftest import ROOT
from tests.serving.test_gunicorn import free_port


def make_dry_run(target: str) -> str:
    result = subprocess.run(
        ["make", "-n", target], cwd=ROOT, capture_output=True, text=True, check=True
    )
    return result.stdout


def test_make_run_has_a_development_anonymous_limit_unless_given():
    assert "RATE_LIMIT_ANONYMOUS=${RATE_LIMIT_ANONYMOUS:-6000}" in make_dry_run("run")
    assert "RATE_LIMIT_ANONYMOUS" not in make_dry_run("serve-prod")


def start_make_run(port: int, env: dict, log):
    with log.open("w") as output:
        return subprocess.Popen(
            ["make", "run", f"PORT={port}"],
            cwd=ROOT,
            env=env,
            stdout=output,
            stderr=subprocess.STDOUT,
            start_new_session=True,
        )


def without_database_url(data_dir) -> dict:
    env = {**os.environ, "EMBEDDED_DB_DIR": str(data_dir)}
    env.pop("DATABASE_URL", None)
    env.pop("RATE_LIMIT_ANONYMOUS", None)
    return env


def wait_until_ready(port: int, make, log) -> None:
    deadline = time.monotonic() + 180
    while time.monotonic() < deadline:
        assert make.poll() is None, f"make run stopped: {log.read_text()}"
        try:
            if httpx.get(f"http://127.0.0.1:{port}/readyz").status_code == 200:
                return
        except httpx.TransportError:
            pass
        time.sleep(0.5)
    pytest.fail(f"make run did not become ready: {log.read_text()}")


@pytest.mark.slow
@pytest.mark.parametrize(
    ("stop", "given_limit", "limit"),
    [
        ("ctrl-c", None, "6000"),
        ("sigterm-to-make", None, "6000"),
        ("sigterm-to-the-group", "7", "7"),
    ],
)
def test_make_run_stops_its_embedded_postgresql(tmp_path, stop, given_limit, limit):
    """The autoreloader killed its serving child, which kept a handle on the
    embedded server: PostgreSQL ran on after `make run` had stopped."""
    data_dir = tmp_path / "pg"
    port = free_port()
    env = without_database_url(data_dir)
    if given_limit:
        env["RATE_LIMIT_ANONYMOUS"] = given_limit
    log = tmp_path / "make-run.log"
    make = start_make_run(port, env, log)
    postgres = None
    try:
        wait_until_ready(port, make, log)
        response = httpx.get(f"http://127.0.0.1:{port}/api/v1/themes/")
        postgres = psutil.Process(
            int((data_dir / "postmaster.pid").read_text().split()[0])
        )

        if stop == "ctrl-c":
            os.killpg(make.pid, signal.SIGINT)
        elif stop == "sigterm-to-make":
            make.send_signal(signal.SIGTERM)
        else:
            os.killpg(make.pid, signal.SIGTERM)
        make.wait(timeout=30)
        gone, _ = psutil.wait_procs([postgres], timeout=10)
    finally:
        with_leftovers = subprocess.run(
            ["pgrep", "-s", str(make.pid)], capture_output=True, text=True
        ).stdout.split()
        for pid in with_leftovers:
            os.kill(int(pid), signal.SIGKILL)
        if postgres and postgres.is_running():
            postgres.send_signal(signal.SIGINT)  # a fast shutdown, for the next test

    assert gone == [postgres], f"PostgreSQL still runs: {log.read_text()}"
    assert not with_leftovers, f"left running: {with_leftovers}"
    assert (data_dir / ".handle_pids.json").read_text() == "[]"
    assert "Traceback" not in log.read_text()
    assert response.headers["RateLimit-Policy"] == f'"anonymous";q={limit};w=60'


@pytest.mark.slow
def test_make_run_leaves_running_an_embedded_postgresql_another_process_uses(
    tmp_path,
):
    data_dir = tmp_path / "pg"
    env = without_database_url(data_dir)
    holder = subprocess.Popen(
        [sys.executable, "-c", HOLD_THE_SERVER, str(data_dir)],
        env=env,
        stdout=subprocess.PIPE,
        text=True,
    )
    assert holder.stdout.readline() == "holding\n"
    postgres = psutil.Process(int((data_dir / "postmaster.pid").read_text().split()[0]))
    port = free_port()
    log = tmp_path / "make-run.log"
    make = start_make_run(port, env, log)
    try:
        wait_until_ready(port, make, log)
        os.killpg(make.pid, signal.SIGTERM)
        make.wait(timeout=30)
        time.sleep(1)
        assert postgres.is_running(), log.read_text()
        assert json.loads((data_dir / ".handle_pids.json").read_text()) == [holder.pid]
    finally:
        holder.send_signal(signal.SIGINT)
        holder.wait(timeout=30)
        for pid in subprocess.run(
            ["pgrep", "-s", str(make.pid)], capture_output=True, text=True
        ).stdout.split():
            os.kill(int(pid), signal.SIGKILL)
    assert psutil.wait_procs([postgres], timeout=10)[0] == [postgres]


# Holds a handle on the embedded server until SIGINT, then exits as usual.
HOLD_THE_SERVER = """
import sys, time, warnings
warnings.simplefilter("ignore")
import pgserver
pgserver.get_server(sys.argv[1])
print("holding", flush=True)
try:
    time.sleep(600)
except KeyboardInterrupt:
    pass
"""
