"""A WSGI application that streams BIG_STREAM_MB megabytes at once: more than a
socket buffer holds, so a client that does not read stalls the server's write."""

import os

MEGABYTES = int(os.environ.get("BIG_STREAM_MB", "64"))
CHUNK = b"x" * (1024 * 1024)


def application(environ, start_response):
    start_response("200 OK", [("Content-Type", "application/octet-stream")])
    for _ in range(MEGABYTES):
        yield CHUNK
