"""Parsers of query-parameter values: strict and bounded, one rule each
(lists, whole numbers, date-times, cursors) for every filter, view and serializer.

Each parser either returns a value or raises ValueError, whatever the input:
a value no parser foresaw must become a 400, never an OverflowError or a
RecursionError turned 500. Property tests (tests/api/test_params.py) hold them
to that.
"""

import base64
import datetime
import json
import re

from django.core.exceptions import ValidationError
from django.utils.dateparse import parse_datetime
from rest_framework import serializers
from rest_framework.fields import empty

# The largest integer every JSON reader holds exactly (JavaScript's
# Number.MAX_SAFE_INTEGER); a page size is echoed back as `requested_size`.
MAX_QUERY_INT = 2**53 - 1
# Only ASCII digits: str.isdigit() and int() also take '²', '٣' and '1_0'.
_WHOLE_NUMBER = re.compile(r"[0-9]{1,16}")
# Far longer than any cursor this API issues, far shorter than one that nests
# deeply enough to exhaust the JSON decoder's recursion.
MAX_CURSOR_LENGTH = 200
EMPTY_ITEM = "Empty values are not allowed in the list."


def comma_list(raw: str | None) -> list[str]:
    """Comma-separated values, stripped: an empty value means none, an empty
    item (`a,,b`, `a,`) is an error (a Django ValidationError, as form fields
    and serializers expect)."""
    if not raw:
        return []
    parts = [part.strip() for part in raw.split(",")]
    if "" in parts:
        raise ValidationError(EMPTY_ITEM, code="empty_item")
    return parts


def whole_number(raw: str) -> int:
    """A non-negative integer written in ASCII digits, at most MAX_QUERY_INT."""
    if not _WHOLE_NUMBER.fullmatch(raw):
        raise ValueError(f"{raw[:50]!r} is not a whole number.")
    value = int(raw)
    if value > MAX_QUERY_INT:
        raise ValueError(f"It must be at most {MAX_QUERY_INT}.")
    return value


def utc_datetime(raw: str) -> datetime.datetime:
    """An ISO 8601 date-time as an aware UTC datetime; naive means UTC.

    A '+' in the offset arrives as a space when the client did not encode it.
    Times whose UTC equivalent falls outside years 1 to 9999 are refused.
    """
    try:
        parsed = parse_datetime(raw.strip().replace(" ", "+"))
    except (ValueError, AttributeError):  # 2022-02-30, or not a string at all
        parsed = None
    if parsed is None:
        raise ValueError("Use an ISO 8601 date-time, e.g. 2022-04-20T00:00:00Z.")
    if parsed.tzinfo is None:
        return parsed.replace(tzinfo=datetime.UTC)
    try:
        return parsed.astimezone(datetime.UTC)
    except OverflowError:
        raise ValueError("The date-time is out of range in UTC.") from None


def encode_cursor(values: list) -> str:
    """An opaque cursor: JSON in URL-safe base64 without padding."""
    raw = json.dumps(values, separators=(",", ":")).encode()
    return base64.urlsafe_b64encode(raw).decode().rstrip("=")


def decode_cursor(cursor: str) -> list:
    """The list inside a cursor from encode_cursor; ValueError for anything else."""
    if len(cursor) > MAX_CURSOR_LENGTH:
        raise ValueError("The cursor is not one this API issued.")
    try:
        padded = cursor + "=" * (-len(cursor) % 4)
        values = json.loads(base64.urlsafe_b64decode(padded.encode()))
    except (ValueError, UnicodeError, RecursionError):
        raise ValueError("The cursor is not one this API issued.") from None
    if not isinstance(values, list):
        raise ValueError("The cursor is not one this API issued.")
    return values


class WholeNumberField(serializers.IntegerField):
    """IntegerField of a query parameter: ASCII digits only (see whole_number);
    an empty value means the parameter is absent."""

    def validate_empty_values(self, data):
        return super().validate_empty_values(empty if data == "" else data)

    def to_internal_value(self, data):
        try:
            return whole_number(str(data).strip())
        except ValueError:
            self.fail("invalid")
