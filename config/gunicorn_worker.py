"""A gunicorn gthread worker that slow clients cannot starve (issue 14, items 1, 2).

gunicorn's gthread worker hands every accepted connection to a worker thread,
which waits up to five seconds for the first bytes and then reads the request
head with blocking reads. A client that sends one header line every two seconds
(slowloris) therefore holds a thread for as long as it likes, and a few dozen
such clients hold all of them: `/healthz` included, nothing is served.

This worker reads request heads in its main loop instead, without a thread:
non-blocking reads as bytes arrive, into a buffer per connection, until the
blank line that ends the head. Only a complete head goes to a thread, which
parses it from the buffer and serves the request. A head not complete within
HEAD_TIMEOUT seconds (GUNICORN_HEAD_TIMEOUT, default 10) is answered 408
problem+json and closed, a head larger than MAX_HEAD is passed on for the
parser to refuse (431). Kept-alive connections go through the same buffering
for their next request.

In the thread, every read and write has a deadline of IO_TIMEOUT seconds
(GUNICORN_IO_TIMEOUT, default 30) without progress: a client that stops reading
a response (or stops sending a body) is dropped, releasing its thread. A stream
that progresses is never cut: a long export to a client reading at a normal
rate completes however long it takes (the timeout bounds each write, not the
response). gunicorn's own `timeout` bounds only the worker's heartbeat.
"""

import errno
import os
import selectors
import socket
import time
from collections import deque
from functools import partial

from gunicorn import util
from gunicorn.workers.gthread import TConn, ThreadWorker

HEAD_TIMEOUT = float(os.environ.get("GUNICORN_HEAD_TIMEOUT") or 10)
IO_TIMEOUT = float(os.environ.get("GUNICORN_IO_TIMEOUT") or 30)
# gunicorn refuses a request line over limit_request_line (8190 here) and more than
# 100 header fields of 8190 bytes; a head larger than this goes to the parser,
# which answers 431 or 414 without reading further.
MAX_HEAD = 64 * 1024
HEAD_ENDS = (b"\r\n\r\n", b"\n\n")


def _too_slow(exc: TimeoutError) -> ConnectionResetError:
    """A stalled client, reported the way gunicorn logs a vanished one (debug)."""
    return ConnectionResetError(errno.ECONNRESET, f"client too slow: {exc}")


class DeadlineSocket(socket.socket):
    """A socket whose blocking mode always has a deadline (IO_TIMEOUT).

    gunicorn switches a connection's socket to blocking mode before each
    request; here blocking means "wait at most IO_TIMEOUT for progress".
    A deadline missed is raised as a connection reset, which gunicorn closes
    quietly like any client that went away.
    """

    __slots__ = ()

    def setblocking(self, flag):
        if flag:
            self.settimeout(IO_TIMEOUT)
        else:
            super().setblocking(False)

    def recv(self, *args):
        try:
            return super().recv(*args)
        except TimeoutError as exc:
            raise _too_slow(exc) from None

    def recv_into(self, *args):
        try:
            return super().recv_into(*args)
        except TimeoutError as exc:
            raise _too_slow(exc) from None

    def send(self, *args):
        try:
            return super().send(*args)
        except TimeoutError as exc:
            raise _too_slow(exc) from None

    def sendall(self, *args):
        try:
            return super().sendall(*args)
        except TimeoutError as exc:
            raise _too_slow(exc) from None

    def sendfile(self, *args, **kwargs):
        try:
            return super().sendfile(*args, **kwargs)
        except TimeoutError as exc:
            raise _too_slow(exc) from None


class HeadBufferedConn(TConn):
    """A connection with the bytes of its next request head read so far."""

    def __init__(self, *args):
        super().__init__(*args)
        self.head = bytearray()
        self.head_deadline = 0.0


class HeadBufferingWorker(ThreadWorker):
    """gthread, with request heads read in the main loop (see the module doc)."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.heading = deque()

    def accept(self, listener):
        try:
            client_sock, client_addr = listener.accept()
        except OSError as e:
            if e.errno not in (errno.EAGAIN, errno.ECONNABORTED, errno.EWOULDBLOCK):
                raise
            return
        self.nr_conns += 1
        sock = DeadlineSocket(fileno=client_sock.detach())
        conn = HeadBufferedConn(self.cfg, sock, client_addr, listener.getsockname())
        self.read_head(conn)

    def read_head(self, conn):
        """Wait, in the main loop, for the connection's next request head."""
        conn.sock.setblocking(False)
        conn.head_deadline = time.monotonic() + HEAD_TIMEOUT
        self.heading.append(conn)
        self.poller.register(
            conn.sock, selectors.EVENT_READ, partial(self.on_head_readable, conn)
        )

    def on_head_readable(self, conn, client):
        try:
            data = conn.sock.recv(MAX_HEAD)
        except (BlockingIOError, InterruptedError):
            return
        except OSError:
            data = b""
        if not data:
            self.stop_reading_head(conn)
            self.drop(conn)
            return
        conn.head += data
        if len(conn.head) > MAX_HEAD or any(end in conn.head for end in HEAD_ENDS):
            self.stop_reading_head(conn)
            conn.data_ready = True
            self.enqueue_req(conn)

    def on_client_socket_readable(self, conn, client):
        """A kept-alive connection's next request: its head is buffered too."""
        self.poller.unregister(client)
        self.keepalived_conns.remove(conn)
        self.read_head(conn)

    def stop_reading_head(self, conn):
        self.heading.remove(conn)
        self.poller.unregister(conn.sock)

    def drop(self, conn):
        self.nr_conns -= 1
        conn.close()

    def murder_keepalived(self, force=False):
        super().murder_keepalived(force)
        now = time.monotonic()
        while self.heading and (force or self.heading[0].head_deadline <= now):
            conn = self.heading[0]
            self.stop_reading_head(conn)
            if not force and conn.head:
                # A request was begun but not finished in time: say so.
                util.write_error(
                    conn.sock,
                    408,
                    "Request Timeout",
                    f"The request head was not complete within {HEAD_TIMEOUT:g} s.",
                )
            self.drop(conn)

    def handle(self, conn):
        if conn.head:
            conn.sock.setblocking(True)
            conn.init()
            conn.parser.unreader.unread(bytes(conn.head))
            conn.head.clear()
        return super().handle(conn)
