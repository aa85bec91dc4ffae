"""A WSGI application that streams for STREAM_SECONDS: a stand-in for an export
that takes longer than the server's worker timeout."""

import os
import time

STREAM_SECONDS = float(os.environ.get("STREAM_SECONDS", "5"))
PIECES = 10


def application(environ, start_response):
    start_response("200 OK", [("Content-Type", "text/plain")])
    for piece in range(PIECES):
        time.sleep(STREAM_SECONDS / PIECES)
        yield b"%d\n" % piece
