"""`make run`: runserver as a child, then the embedded PostgreSQL it used stopped.

When runserver's autoreloader stops (SIGTERM, Ctrl-C), it kills the child that
serves, so the child never ran pgserver's exit handler and the embedded
PostgreSQL kept running with a dead pid in .data/pg/.handle_pids.json (issue 14,
item 13). This command runs runserver (autoreloader included) in a process group
of its own, passes the first SIGINT or SIGTERM on to runserver's serving child as
SIGTERM (runserver's own clean stop; the autoreloader follows), waits for them,
then gives up its own handle on the embedded server together with the handles of
processes that have died: when no live process holds one, pgserver stops the
server. A server that another live process still uses keeps running; with
DATABASE_URL set there is nothing to stop.
"""

import contextlib
import os
import signal
import subprocess
import sys
import time

import psutil
from django.conf import settings
from django.core.management.base import BaseCommand

from config.embedded_db import release_embedded_server

GRACE_SECONDS = 10
# A stop the serving child has not obeyed by then is sent again (Command._wait).
RESEND_SECONDS = 3


def stop_the_serving_child_first(autoreloader: int) -> None:
    """SIGTERM to the autoreloader's child, which the autoreloader then follows.

    Stopped first, the autoreloader kills its child at once, possibly half-way
    through the exit handler that rewrites pgserver's list of handles.
    """
    try:
        children = psutil.Process(autoreloader).children()
    except psutil.NoSuchProcess:
        return
    for process in children or [psutil.Process(autoreloader)]:
        with contextlib.suppress(psutil.NoSuchProcess):
            process.send_signal(signal.SIGTERM)


class Command(BaseCommand):
    help = "runserver, then stop the embedded PostgreSQL unless another process uses it"
    requires_system_checks = []

    def add_arguments(self, parser):
        parser.add_argument("addrport", nargs="?", help="host:port for runserver")

    def handle(self, *args, addrport=None, **options):
        manage = str(settings.BASE_DIR / "manage.py")
        command = [sys.executable, manage, "runserver", *filter(None, [addrport])]
        server = subprocess.Popen(command, process_group=0)

        forwarded = []

        def stop_server(signum, frame):
            # make passes its SIGTERM on to this process too: forward only once.
            if not forwarded:
                forwarded.append(time.monotonic())
                stop_the_serving_child_first(server.pid)

        signal.signal(signal.SIGINT, stop_server)
        signal.signal(signal.SIGTERM, stop_server)
        try:
            returncode = self._wait(server, forwarded)
        finally:
            self._stop_the_rest(server.pid)
            if settings.EMBEDDED_DATABASE:
                release_embedded_server(settings.EMBEDDED_DB_DIR)
        if returncode not in (0, -signal.SIGTERM):
            sys.exit(returncode if returncode > 0 else 1)

    def _wait(self, server: subprocess.Popen, forwarded: list[float]) -> int:
        """runserver's exit code. A SIGTERM can be lost: the serving child's
        handler raises SystemExit, which Python drops when it lands inside a
        finalizer (a psycopg connection's __del__ printed "Exception ignored"
        and the server kept serving). So a stop not obeyed within
        RESEND_SECONDS is sent again."""
        while True:
            try:
                return server.wait(timeout=1)
            except subprocess.TimeoutExpired:
                if forwarded and time.monotonic() - forwarded[-1] > RESEND_SECONDS:
                    forwarded.append(time.monotonic())
                    stop_the_serving_child_first(server.pid)

    def _stop_the_rest(self, group: int) -> None:
        """Wait for what is left of runserver's process group, then kill it."""
        deadline = time.monotonic() + GRACE_SECONDS
        while time.monotonic() < deadline:
            try:
                os.killpg(group, 0)
            except ProcessLookupError:
                return
            time.sleep(0.1)
        with contextlib.suppress(ProcessLookupError):
            os.killpg(group, signal.SIGKILL)
