"""The change feed: every create, update and delete of a public record.

Rows are written by PostgreSQL triggers (declared in statements.changefeed), so no
write path can skip them: not the admin, not bulk_create, not raw SQL. Each row
carries the id of the transaction that wrote it; the feed shows only rows of
transactions older than every transaction still running, so a reader that resumes
from a cursor never misses a row that commits late.
"""

from django.db import models

from statements.choices import ChangeAction, ResourceType


class Change(models.Model):
    """One create, update, rename or delete of a public record."""

    id = models.BigAutoField(primary_key=True)
    transaction_id = models.BigIntegerField()
    resource_type = models.CharField(max_length=32, choices=ResourceType.choices)
    object_id = models.BigIntegerField()
    slug = models.CharField(max_length=150)
    previous_slug = models.CharField(
        max_length=150,
        null=True,
        blank=True,
        help_text="The slug the record had before a rename; null otherwise.",
    )
    action = models.CharField(max_length=16, choices=ChangeAction.choices)
    changed_at = models.DateTimeField()

    class Meta:
        ordering = ["transaction_id", "id"]
        indexes = [
            models.Index(fields=["transaction_id", "id"], name="change_cursor_idx"),
            # A record's changes: its strong ETag (statements.selectors.record_tag).
            models.Index(
                fields=["resource_type", "object_id"], name="change_object_idx"
            ),
            # The triggers' look-up "already recorded in this transaction?" has
            # its own index, on an expression (migration 0008, raw SQL).
        ]

    def __str__(self):
        return f"{self.action} {self.resource_type} {self.slug}"
