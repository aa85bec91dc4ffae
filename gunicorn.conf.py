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
"""

import gc
import os

GC_FREEZE = os.environ.get("GUNICORN_GC_FREEZE", "1") != "0"


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
