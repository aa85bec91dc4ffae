"""Query parameters that hold lists: one rule for every filter, view and serializer."""

from django.core.exceptions import ValidationError

EMPTY_ITEM = "Empty values are not allowed in the list."


def comma_list(raw: str | None) -> list[str]:
    """Comma-separated values, stripped: an empty value means none, an empty
    item (`a,,b`, `a,`) is an error."""
    if not raw:
        return []
    parts = [part.strip() for part in raw.split(",")]
    if "" in parts:
        raise ValidationError(EMPTY_ITEM, code="empty_item")
    return parts
