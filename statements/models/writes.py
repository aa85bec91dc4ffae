"""What the write API keeps besides the data: retired slugs and idempotency keys."""

from datetime import timedelta

from django.db import models
from django.utils import timezone

from statements.choices import ResourceType

# How long a POST's Idempotency-Key is remembered.
IDEMPOTENCY_TTL = timedelta(hours=24)


def slug_kind(model) -> str:
    """The resource type of a public model, as the change feed spells it."""
    return str(model._meta.verbose_name).replace(" ", "_")


class RetiredSlug(models.Model):
    """A slug a record of `kind` once had: never given to another record.

    Written when a record is deleted or renamed (database triggers, migrations
    0014 and 0015), so that a link to an old URL can never land on a different
    record. `replaced_by` is the current slug of a renamed record, for a 301:
    a rename updates every earlier slug of the record too, so that a chain of
    renames (a, b, c) answers in one hop, and deleting the record empties it
    (the old URLs then answer 410 Gone).
    """

    kind = models.CharField(max_length=32, choices=ResourceType.choices)
    slug = models.CharField(max_length=150)
    replaced_by = models.CharField(max_length=150, null=True, blank=True)
    retired_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["kind", "slug"]
        constraints = [
            models.UniqueConstraint(
                fields=["kind", "slug"], name="%(app_label)s_%(class)s_unique_slug"
            ),
        ]
        indexes = [
            # The triggers' "every earlier slug of this record" on a rename or a
            # delete: without it, deleting n records would read n times the table.
            models.Index(fields=["kind", "replaced_by"], name="retiredslug_target_idx"),
        ]

    def __str__(self):
        return f"{self.kind} {self.slug}"


class IdempotencyKey(models.Model):
    """The first successful response to a POST sent with an Idempotency-Key.

    Keyed by who sent it (`principal`) and the key; `fingerprint` hashes the
    method, path and body, so that the same key with another request is refused.
    """

    principal = models.CharField(max_length=200)
    key = models.CharField(max_length=255)
    fingerprint = models.CharField(max_length=64)
    status = models.PositiveSmallIntegerField()
    body = models.JSONField()
    headers = models.JSONField(default=dict)
    created_at = models.DateTimeField(default=timezone.now, db_index=True)

    class Meta:
        ordering = ["created_at", "id"]
        constraints = [
            models.UniqueConstraint(
                fields=["principal", "key"], name="%(app_label)s_%(class)s_unique_key"
            ),
        ]

    def __str__(self):
        return f"{self.principal} {self.key}"

    @property
    def has_expired(self) -> bool:
        return self.created_at <= timezone.now() - IDEMPOTENCY_TTL


# The triggers that retire slugs (migrations 0014, 0015): (table, trigger) of each.
RETIRE_SLUG_TRIGGERS = frozenset(
    (f"statements_{table}", f"statements_{table}_retire_slug")
    for table in (
        "speaker",
        "event",
        "theme",
        "stakeholdergroup",
        "statement",
        "quote",
        "organization",
    )
)
