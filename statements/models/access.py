"""Partner access: API keys and the shared rate-limit counters.

Keys build on djangorestframework-api-key: the key is shown once, only its
prefix and a SHA-512 hash are stored, and a revoked key cannot be restored.
"""

from datetime import timedelta

from django.core.validators import MinValueValidator
from django.db import models
from django.db.models import Q
from django.utils import timezone
from rest_framework_api_key.models import AbstractAPIKey

from statements.choices import KeyScope

# last_used_at is written at most this often per key, so that a busy partner
# costs one UPDATE a minute, not one per request.
LAST_USED_RESOLUTION = timedelta(minutes=1)


class PartnerKey(AbstractAPIKey):
    """An API key given to a partner, with its own rate limit."""

    rate = models.PositiveIntegerField(
        null=True,
        blank=True,
        validators=[MinValueValidator(1)],
        help_text=(
            "Requests allowed per rate-limit window, at least 1 (revoke a key to "
            "block it). Blank: the partner default (RATE_LIMIT_PARTNER)."
        ),
    )
    scope = models.CharField(
        max_length=10,
        choices=KeyScope.choices,
        default=KeyScope.READ,
        help_text=(
            "Read: the public data at the key's rate. Editor: also create, change "
            "and delete records through the API."
        ),
    )
    last_used_at = models.DateTimeField(null=True, blank=True, editable=False)

    class Meta(AbstractAPIKey.Meta):
        ordering = ["-created", "id"]
        constraints = [
            # A rate of 0 once meant the default silently: a key is blocked by
            # revoking it, never by a rate.
            models.CheckConstraint(
                condition=Q(rate__isnull=True) | Q(rate__gte=1),
                name="%(app_label)s_%(class)s_rate_at_least_one",
                violation_error_message="A key's rate must be at least 1.",
            )
        ]
        verbose_name = "partner API key"
        verbose_name_plural = "partner API keys"

    def __str__(self):
        return f"{self.name} ({self.prefix})"

    @property
    def is_editor(self) -> bool:
        return self.scope == KeyScope.EDITOR

    def record_use(self) -> None:
        """Note that the key was used now, writing at most once a minute."""
        now = timezone.now()
        stale = now - LAST_USED_RESOLUTION
        if self.last_used_at is not None and self.last_used_at > stale:
            return
        type(self).objects.filter(
            Q(last_used_at__isnull=True) | Q(last_used_at__lte=stale), pk=self.pk
        ).update(last_used_at=now)
        self.last_used_at = now


class RateLimitCounter(models.Model):
    """Requests of one client in its current window, shared by all processes.

    Written with one atomic upsert per request (statements.api.throttling);
    rows whose window has ended are reset on the next hit and pruned now and then.
    """

    bucket = models.CharField(max_length=200, primary_key=True)
    window_ends_at = models.DateTimeField(db_index=True)
    hits = models.PositiveIntegerField()

    class Meta:
        ordering = ["bucket"]

    def __str__(self):
        return f"{self.bucket}: {self.hits} until {self.window_ends_at:%H:%M:%S}"
