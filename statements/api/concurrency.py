"""How many exports run at once: per client and in all, across every process.

An export streams up to the whole data set for as long as its client reads, and
holds a server thread and a database connection meanwhile (issue 14, item 5: one
anonymous client within its rate limit saturated the workers with full
exports). So besides costing EXPORT cost units of the rate limit
(statements.api.throttling), an export takes a slot:

- at most EXPORTS_PER_CLIENT (2) at once per client (its API key, or its address
  without one): one more is answered 429 problem+json with Retry-After;
- at most EXPORTS_IN_TOTAL (4) at once on the whole service: one more is answered
  503 problem+json with Retry-After, whoever asks, so that exports can never take
  every thread from the other requests.

Slots are PostgreSQL advisory locks taken, without waiting, on the connection
that streams the export, and given back when the response is closed (finished,
abandoned or failed); a connection that dies gives its locks back with it. No
table, no Redis, nothing to clean up.
"""

import logging
import zlib

from django.conf import settings
from django.db import DatabaseError, connection
from rest_framework import exceptions, status

logger = logging.getLogger(__name__)

# Advisory lock key spaces (the first int4 of pg_try_advisory_lock(int4, int4)).
CLIENT_SLOTS = 0x53544501
SERVICE_SLOTS = 0x53544502
RETRY_AFTER = 5


class TooManyExports(exceptions.Throttled):
    """The client has EXPORTS_PER_CLIENT exports running."""

    def __init__(self):
        super().__init__(
            wait=RETRY_AFTER,
            detail=(
                f"You have {settings.EXPORTS_PER_CLIENT} export(s) running, the most "
                "one client may run at once; retry when one has finished."
            ),
        )


class ExportsBusy(exceptions.APIException):
    """The service has EXPORTS_IN_TOTAL exports running."""

    status_code = status.HTTP_503_SERVICE_UNAVAILABLE
    default_code = "exports_busy"

    def __init__(self):
        super().__init__(
            f"{settings.EXPORTS_IN_TOTAL} exports are running, the most the service "
            "runs at once; retry shortly."
        )
        self.wait = RETRY_AFTER


def _int4(text: str) -> int:
    return zlib.crc32(text.encode()) - 2**31


class ExportSlots:
    """The slots one export holds; `release()` is safe to call more than once."""

    def __init__(self, bucket: str):
        self.bucket = bucket
        self.held: list[tuple[int, int]] = []

    def _try(self, cursor, space: int, key: int) -> bool:
        cursor.execute("SELECT pg_try_advisory_lock(%s, %s)", [space, key])
        if cursor.fetchone()[0]:
            self.held.append((space, key))
            return True
        return False

    def acquire(self) -> "ExportSlots":
        """Take a slot of the client and one of the service, else raise."""
        with connection.cursor() as cursor:
            if not any(
                self._try(cursor, CLIENT_SLOTS, _int4(f"{self.bucket}#{n}"))
                for n in range(settings.EXPORTS_PER_CLIENT)
            ):
                raise TooManyExports
            if not any(
                self._try(cursor, SERVICE_SLOTS, n)
                for n in range(settings.EXPORTS_IN_TOTAL)
            ):
                self.release()
                raise ExportsBusy
        return self

    def release(self) -> None:
        held, self.held = self.held, []
        if not held:
            return
        unlocks = ", ".join(["pg_advisory_unlock(%s, %s)"] * len(held))
        try:
            with connection.cursor() as cursor:
                cursor.execute(
                    f"SELECT {unlocks}", [number for pair in held for number in pair]
                )
        except DatabaseError as exc:
            # The locks may still be held by the session: end it, and them.
            logger.warning("export slots not released, closing the connection: %s", exc)
            connection.close()


class HeldStream:
    """An export's chunks, giving its slots back when the response is closed.

    Django closes a streamed response's content (its `close()`) however the
    response ends, even if it was never iterated; a generator's `finally` would
    not run then.
    """

    def __init__(self, chunks, slots: ExportSlots):
        self.chunks = chunks
        self.slots = slots

    def __iter__(self):
        return iter(self.chunks)

    def close(self) -> None:
        try:
            self.chunks.close()
        finally:
            self.slots.release()
