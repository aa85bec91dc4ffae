"""Where a request reads: the primary, or a streaming replica (issue 14).

With DATABASE_REPLICA_URLS set (comma-separated database URLs of hot-standby
replicas of DATABASE_URL), the public reads of the API go to a replica, and
everything else to the primary:

- writes of any kind (the ORM's, the rate-limit counters, the export slots'
  advisory locks) go to the primary: `ReplicaRouter.db_for_write`, and the raw
  SQL that writes uses `django.db.connection`, the primary;
- a request reads from a replica only when it is a GET, HEAD or OPTIONS under
  /api/, not of the change feed, from a client that does not edit: no session
  cookie (the admin and the editors' session reads its own writes) and no API key
  with the editor scope (an editor reads the ETag it must send back). The change
  feed reads the primary because its positions are the primary's transactions;
  a lagging replica would serve a page that the next, from the primary, skips.
- one request reads one replica for everything, ORM and raw SQL alike
  (`reader()`), the data version behind its ETag included: a replica that lags
  serves an older body with the older ETag, never a new ETag on old data. Each
  client (its key, or its address) keeps to one replica, so that its reads do not
  go back in time between requests while the set of replicas is unchanged.
- a streamed export keeps reading the replica its request chose, after the view
  has returned (`read_from`).

Without replicas every request reads the primary and this module costs nothing:
the middleware is not installed and the router is not configured.
"""

import threading
import zlib
from contextlib import contextmanager

from django.conf import settings
from django.db import DEFAULT_DB_ALIAS, connections

REPLICA_PREFIX = "replica_"
READ_METHODS = frozenset({"GET", "HEAD", "OPTIONS"})
CHANGE_FEED_PATH = "/api/v1/changes/"

_local = threading.local()


def replica_aliases() -> list[str]:
    return [alias for alias in settings.DATABASES if alias.startswith(REPLICA_PREFIX)]


def read_alias() -> str:
    """The database the current request (or thread) reads."""
    return getattr(_local, "alias", DEFAULT_DB_ALIAS)


def reader():
    """The connection of read_alias(), for raw SQL that only reads."""
    return connections[read_alias()]


@contextmanager
def read_from(alias: str):
    """Read from `alias` within the block (restored after, even nested)."""
    previous = read_alias()
    _local.alias = alias
    try:
        yield
    finally:
        _local.alias = previous


class ReplicaRouter:
    """Reads where the request reads (read_alias), writes and migrations on the
    primary; the replicas are copies of it, so relations always hold."""

    def db_for_read(self, model, **hints):
        return read_alias()

    def db_for_write(self, model, **hints):
        return DEFAULT_DB_ALIAS

    def allow_relation(self, obj1, obj2, **hints):
        return True

    def allow_migrate(self, db, app_label, model_name=None, **hints):
        return db == DEFAULT_DB_ALIAS


def _edits(request) -> bool:
    """Whether the request comes from an editor, who must read its own writes."""
    if settings.SESSION_COOKIE_NAME in request.COOKIES:
        return True
    # The key is looked up on the primary (one indexed query), as DRF does later.
    from statements.api.authentication import InvalidKey, key_of_request

    try:
        key = key_of_request(request)
    except InvalidKey:
        return False
    return key is not None and key.is_editor


def replica_for(request) -> str | None:
    """The replica a request reads, or None for the primary."""
    replicas = replica_aliases()
    if (
        not replicas
        or request.method not in READ_METHODS
        or not request.path_info.startswith("/api/")
        or request.path_info.startswith(CHANGE_FEED_PATH)
        or _edits(request)
    ):
        return None
    from statements.api.throttling import client_address

    meta = request.META
    client = (
        meta.get("HTTP_X_API_KEY")
        or meta.get("HTTP_AUTHORIZATION")
        or client_address(request)
    )
    return replicas[zlib.crc32(client.encode()) % len(replicas)]


class ReadReplicaMiddleware:
    """Routes a request's reads to its replica (replica_for) while it runs."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        alias = replica_for(request)
        if alias is None:
            return self.get_response(request)
        request.read_alias = alias
        with read_from(alias):
            return self.get_response(request)
