"""gunicorn settings shared by `make serve-prod`, the container and `make bench`.

gunicorn reads ./gunicorn.conf.py from its working directory on its own, so every
command that starts it from the repository root (or /app in the image) gets these
hooks; flags on the command line (bind, workers, logs) still take precedence.

What the hooks do (measured in docs/performance.md): once a worker has loaded the
application, and once more after its first request (URL resolvers, serializer
fields and the like are built lazily), every object alive is moved to the
permanent generation with gc.freeze(). The cyclic garbage collector then no longer
walks the tens of thousands of long-lived objects of Django and the app on each
full collection, which is where the p99 tail of a busy worker came from.

GUNICORN_GC_FREEZE=0 switches the freeze off (to measure without it).

Workers are threaded (gthread, GUNICORN_THREADS threads each). A sync worker
holds one request at a time and `timeout` bounds each request, so two slow
clients froze the server and an export longer than 30 s was cut mid-record
(issue 14, items 1 and 2). A gthread worker's `timeout` bounds only its own
heartbeat, which its main loop sends while threads stream; idle keep-alive
connections wait in that loop, not in a thread, and are closed after `keepalive`.
The worker class is gthread's, with request heads read in its main loop and a
deadline on every read and write (config/gunicorn_worker.py): a slow-header
client never holds a thread, and a client that stops reading is dropped.

Errors gunicorn answers itself, before Django sees the request (an over-long
request line, too many or too large headers, a malformed request, an unknown
transfer coding), are RFC 9457 problem+json like every other error, not
gunicorn's HTML pages.

The scheme of a request (wsgi.url_scheme: links, redirects, ETags) is taken from
`X-Forwarded-Proto` only with SECURE_HTTPS, as Django's SECURE_PROXY_SSL_HEADER
is. gunicorn otherwise trusts X-Forwarded-Proto, X-Forwarded-Ssl and
X-Forwarded-Protocol from 127.0.0.1, so a local client could turn a cached public
response's links into https:// (issue 14, item 10).
"""

import gc
import json
import os

import environ
from gunicorn import util

from statements.problems import PROBLEM_CONTENT_TYPE, problem_body

GC_FREEZE = os.environ.get("GUNICORN_GC_FREEZE", "1") != "0"

worker_class = "config.gunicorn_worker.HeadBufferingWorker"
threads = int(os.environ.get("GUNICORN_THREADS") or 8)

if environ.Env().bool("SECURE_HTTPS", default=False):
    secure_scheme_headers = {"X-FORWARDED-PROTO": "https"}
else:
    secure_scheme_headers = {}


def _freeze() -> None:
    gc.collect()
    gc.freeze()


def when_ready(server):
    server.log.info(
        "gc.freeze() after start-up: %s", "on" if GC_FREEZE else "off (GC_FREEZE=0)"
    )


def post_worker_init(worker):
    if GC_FREEZE:
        _freeze()
        worker.log.debug("gc.freeze(): %d objects frozen", gc.get_freeze_count())


def post_request(worker, req, environ, resp):
    if GC_FREEZE and not getattr(worker, "frozen_after_first_request", False):
        worker.frozen_after_first_request = True
        _freeze()


# The longest request line gunicorn allows (its default, 4094, answers longer ones
# with its own HTML 414 before Django can give the documented problem+json 400).
limit_request_line = 8190


def write_problem(sock, status_int, reason, mesg):
    """gunicorn's own error answer as problem+json (replaces util.write_error)."""
    problem = problem_body(status_int, mesg[:500] or reason)
    body = json.dumps(problem, ensure_ascii=False).encode()
    head = (
        f"HTTP/1.1 {status_int} {problem['title']}\r\n"
        "Connection: close\r\n"
        f"Content-Type: {PROBLEM_CONTENT_TYPE}\r\n"
        f"Content-Length: {len(body)}\r\n"
        "Cache-Control: no-store\r\n"
        "\r\n"
    )
    util.write_nonblock(sock, head.encode("latin-1") + body)


# Workers call util.write_error by its module attribute; they are forked from
# the master, which reads this file, so each one answers with write_problem.
util.write_error = write_problem
