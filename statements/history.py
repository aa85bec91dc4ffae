"""The history of every public record: who changed what, when, from where and why.

Each change of a tracked row is written by a PostgreSQL trigger (django-pghistory,
docs/history.md) into the row's event table, so no write path can skip it: not the
admin, not the seed's bulk load, not raw SQL. What the trigger cannot know (who,
from where, why) is the *context* of the change: `recording()` sets it for every
write made inside it, and the request middleware, the admin and the seed command
open one for their writes.
"""

import contextlib
from collections.abc import Iterator

import pghistory

# Where a change came from: the context's `source`.
SOURCES = ("api", "admin", "seed", "import", "shell", "system")


@contextlib.contextmanager
def recording(
    *, source: str, actor: str | None = None, reason: str | None = None
) -> Iterator[None]:
    """Record every change made inside as made from `source` by `actor`, for `reason`.

    `source` is one of `SOURCES`; `actor` is `user:<username>` or
    `key:<prefix>` (None when nobody in particular: the seed, a migration).
    Nested inside another recording (a request's), it adds its keys to the
    outer one, which all the changes of the outer block then share.
    """
    if source not in SOURCES:
        raise ValueError(f"Unknown history source {source!r}: one of {SOURCES}.")
    metadata = {"source": source}
    if actor is not None:
        metadata["actor"] = actor
    if reason is not None:
        metadata["reason"] = reason
    with pghistory.context(**metadata):
        yield
