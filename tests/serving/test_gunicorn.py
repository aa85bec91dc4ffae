"""The production server as `make serve-prod` and the container run it (gunicorn
reading gunicorn.conf.py): what gunicorn answers itself is problem+json, a
streamed response outlives the worker timeout, and slow clients do not hold
every worker (issue 14, items 1, 2 and 7): request heads are read without a
thread (config/gunicorn_worker.py), and a client that stops reading is dropped."""

import json
import os
import socket
import subprocess
import sys
import time

import httpx
import pytest

from tests.conftest import ROOT

# Nothing here reaches the database: requests gunicorn refuses never get to
# Django, and the streaming application has none.
NO_DATABASE = "postgres://nobody@127.0.0.1:1/unused"


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def start_gunicorn(app: str, *flags: str, env=None):
    port = free_port()
    server = subprocess.Popen(
        [sys.executable, "-m", "gunicorn", app, "--bind", f"127.0.0.1:{port}"]
        + ["--workers", "1", *flags],
        cwd=ROOT,
        env={
            name: value
            for name, value in {
                **os.environ,
                "DATABASE_URL": NO_DATABASE,
                "DEBUG": "false",
                **(env or {}),
            }.items()
            if value is not None
        },
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
        text=True,
    )
    deadline = time.monotonic() + 30
    while time.monotonic() < deadline:
        try:
            with socket.create_connection(("127.0.0.1", port), timeout=1):
                return server, port
        except OSError:
            time.sleep(0.2)
    server.kill()
    pytest.fail(f"gunicorn did not start: {server.communicate()[1]}")


def stop(server) -> str:
    server.terminate()
    try:
        return server.communicate(timeout=30)[1]
    except subprocess.TimeoutExpired:
        server.kill()
        return server.communicate()[1]


@pytest.fixture(scope="module")
def api_server():
    server, port = start_gunicorn("config.wsgi")
    yield port
    stop(server)


def raw_request(port: int, data: bytes) -> tuple[int, dict[str, str], bytes]:
    with socket.create_connection(("127.0.0.1", port), timeout=10) as sock:
        sock.sendall(data)
        answer = b""
        while chunk := sock.recv(65536):
            answer += chunk
    head, _, body = answer.partition(b"\r\n\r\n")
    status_line, *header_lines = head.decode("latin-1").split("\r\n")
    headers = {
        name.lower(): value.strip()
        for name, _, value in (line.partition(":") for line in header_lines)
    }
    return int(status_line.split()[1]), headers, body


@pytest.mark.parametrize(
    ("request_bytes", "status"),
    [
        (b"GET /" + b"a" * 9000 + b" HTTP/1.1\r\nHost: localhost\r\n\r\n", 414),
        (
            b"GET / HTTP/1.1\r\nHost: localhost\r\n"
            + b"".join(b"X-H%d: v\r\n" % i for i in range(200))
            + b"\r\n",
            431,
        ),
        (b"GARBAGE\r\n\r\n", 400),
        (b"POST / HTTP/1.1\r\nHost: localhost\r\nTransfer-Encoding: foo\r\n\r\n", 501),
    ],
    ids=["request-line-too-long", "too-many-headers", "malformed", "unknown-coding"],
)
def test_gunicorn_answers_its_own_errors_as_problem_json(
    api_server, request_bytes, status
):
    answered, headers, body = raw_request(api_server, request_bytes)

    assert answered == status
    assert headers["content-type"] == "application/problem+json"
    assert int(headers["content-length"]) == len(body)
    problem = json.loads(body)
    assert problem["status"] == status
    assert problem["type"].startswith("https://statements-api.org/problems/")
    assert problem["title"]
    assert problem["detail"]


def test_a_stream_longer_than_the_worker_timeout_completes():
    """A sync worker was killed after `timeout` seconds mid-body (WORKER TIMEOUT)."""
    server, port = start_gunicorn(
        "tests.serving.slow_stream:application",
        "--timeout",
        "2",
        env={"STREAM_SECONDS": "6"},
    )
    try:
        response = httpx.get(f"http://127.0.0.1:{port}/", timeout=30)
    finally:
        log = stop(server)

    assert response.status_code == 200
    assert response.text == "".join(f"{piece}\n" for piece in range(10))
    assert "WORKER TIMEOUT" not in log


def test_two_slow_clients_do_not_block_the_health_check(api_server):
    """One connection per sync worker sending a header line now and then held
    every worker until the timeout."""
    slow = [socket.create_connection(("127.0.0.1", api_server)) for _ in range(2)]
    try:
        for sock in slow:
            sock.sendall(b"GET /healthz HTTP/1.1\r\nHost: localhost\r\n")
        time.sleep(0.5)
        for sock in slow:
            sock.sendall(b"X-Slow: 1\r\n")
        started = time.monotonic()
        response = httpx.get(f"http://127.0.0.1:{api_server}/healthz", timeout=10)
        elapsed = time.monotonic() - started
    finally:
        for sock in slow:
            sock.close()

    assert response.status_code == 200
    assert elapsed < 2


@pytest.mark.slow
@pytest.mark.parametrize(
    ("secure_https", "forwarded", "scheme"),
    [
        (None, {"X-Forwarded-Proto": "https"}, "http"),
        (None, {"X-Forwarded-Ssl": "on"}, "http"),
        ("false", {"X-Forwarded-Proto": "https"}, "http"),
        ("true", {"X-Forwarded-Proto": "https"}, "https"),
        ("true", {"X-Forwarded-Ssl": "on"}, "http"),
    ],
    ids=["unset-proto", "unset-ssl", "false-proto", "true-proto", "true-ssl"],
)
def test_the_forwarded_scheme_is_trusted_only_with_secure_https(
    secure_https, forwarded, scheme
):
    """gunicorn trusted X-Forwarded-Proto/-Ssl from 127.0.0.1 without SECURE_HTTPS,
    which turned a public cached response's links into https:// (issue 14, item 10).
    With SECURE_HTTPS only X-Forwarded-Proto counts, as in SECURE_PROXY_SSL_HEADER."""
    server, port = start_gunicorn(
        "tests.serving.request_url:application", env={"SECURE_HTTPS": secure_https}
    )
    try:
        response = httpx.get(f"http://127.0.0.1:{port}/quotes/", headers=forwarded)
    finally:
        stop(server)

    assert response.status_code == 200
    assert response.text == f"{scheme}://127.0.0.1:{port}/quotes/"


def slow_heads(port: int, count: int) -> list[socket.socket]:
    """`count` connections that have begun a request head and not ended it."""
    sockets = [socket.create_connection(("127.0.0.1", port)) for _ in range(count)]
    for sock in sockets:
        sock.sendall(b"GET /healthz HTTP/1.1\r\nHost: localhost\r\n")
    time.sleep(0.5)
    for sock in sockets:
        sock.sendall(b"X-Slow: 1\r\n")
    return sockets


def test_many_slow_header_clients_hold_no_thread(api_server):
    """gthread gave each connection a thread that read its head: 60 slowloris
    connections (more than the threads of the worker) blocked every request."""
    slow = slow_heads(api_server, 60)
    try:
        started = time.monotonic()
        responses = [
            httpx.get(f"http://127.0.0.1:{api_server}/healthz", timeout=10)
            for _ in range(5)
        ]
        elapsed = time.monotonic() - started
    finally:
        for sock in slow:
            sock.close()

    assert [response.status_code for response in responses] == [200] * 5
    assert elapsed < 2


def test_a_head_not_finished_in_time_is_answered_408_and_closed():
    server, port = start_gunicorn("config.wsgi", env={"GUNICORN_HEAD_TIMEOUT": "1"})
    try:
        (sock,) = slow_heads(port, 1)
        sock.settimeout(10)
        started = time.monotonic()
        answer = b""
        while chunk := sock.recv(65536):
            answer += chunk
        elapsed = time.monotonic() - started
        sock.close()
        # The connection is closed, and the server still serves.
        healthy = httpx.get(f"http://127.0.0.1:{port}/healthz", timeout=10)
    finally:
        log = stop(server)

    head, _, body = answer.partition(b"\r\n\r\n")
    assert head.startswith(b"HTTP/1.1 408 ")
    assert b"Content-Type: application/problem+json" in head
    assert json.loads(body)["status"] == 408
    assert elapsed < 3
    assert healthy.status_code == 200
    assert "Traceback" not in log


def test_a_client_that_stops_reading_is_dropped_and_frees_its_thread():
    """With one thread, a client that never reads a 64 MB response held it for
    good; now a write that makes no progress for GUNICORN_IO_TIMEOUT ends it."""
    server, port = start_gunicorn(
        "tests.serving.big_stream:application",
        "--threads",
        "1",
        env={"GUNICORN_IO_TIMEOUT": "1"},
    )
    stalled = socket.create_connection(("127.0.0.1", port))
    stalled.setsockopt(socket.SOL_SOCKET, socket.SO_RCVBUF, 4096)
    try:
        stalled.sendall(b"GET / HTTP/1.1\r\nHost: localhost\r\n\r\n")
        time.sleep(0.5)
        started = time.monotonic()
        with httpx.stream("GET", f"http://127.0.0.1:{port}/", timeout=30) as reader:
            received = sum(len(chunk) for chunk in reader.iter_bytes())
        elapsed = time.monotonic() - started
        # The stalled client got part of the body, then the connection closed.
        stalled.settimeout(10)
        stalled_bytes = 0
        try:
            while chunk := stalled.recv(1024 * 1024):
                stalled_bytes += len(chunk)
        except ConnectionResetError:
            pass
    finally:
        stalled.close()
        log = stop(server)

    assert received == 64 * 1024 * 1024
    assert elapsed < 10
    assert 0 < stalled_bytes < 64 * 1024 * 1024
    assert "Traceback" not in log


def test_kept_alive_connections_serve_their_next_requests(api_server):
    with httpx.Client(base_url=f"http://127.0.0.1:{api_server}") as client:
        statuses = [client.get("/healthz").status_code for _ in range(3)]
        # One connection served all three.
        assert client.get("/healthz").status_code == 200
    assert statuses == [200, 200, 200]
