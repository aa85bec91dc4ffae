"""Query parameters: strict, bounded parsers of their values, one rule for list
values, and one check of every parameter.

A list-valued parameter takes its values repeated (`theme=a&theme=b`, the default
form of generated clients), comma-separated (`theme=a,b`), or both: they mean the
same. Any other parameter is given once. A name the operation does not declare is
an error, and every error of a request is reported in one response.

Each value parser either returns a value or raises ValueError, whatever the
input: a value no parser foresaw must become a 400, never an OverflowError or a
RecursionError turned 500. Property tests (tests/api/test_param_parsers.py) hold them
to that.
"""

import base64
import datetime
import difflib
import json
import re
from collections.abc import Callable, Iterable, Mapping
from contextlib import contextmanager

from django.core.exceptions import ValidationError
from django.http import QueryDict
from django.utils.dateparse import parse_datetime
from rest_framework import exceptions, serializers
from rest_framework.exceptions import ErrorDetail
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
# Long enough for any real name; a 10 kB name is not echoed whole.
MAX_NAME_ECHO = 100
# Search text: characters, and words (each a term of the tsquery, negated or not;
# 120 negated terms took 1.25 s on 100k quotes, issue 14 item 5).
MAX_SEARCH_LENGTH = 500
MAX_SEARCH_TERMS = 20
_SEARCH_WORD = re.compile(r"\w+")


def search_text_problem(text: str) -> str | None:
    """Why a full-text search text is refused, or None: NUL characters, or more
    than MAX_SEARCH_TERMS words (`OR` is an operator, not a word)."""
    if "\x00" in text:
        return "The query must not contain NUL characters."
    words = [w for w in _SEARCH_WORD.findall(text) if w != "OR"]
    if len(words) > MAX_SEARCH_TERMS:
        return (
            f"The query has {len(words)} words; at most {MAX_SEARCH_TERMS} are "
            "searched at once."
        )
    return None


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


def split_values(raw_values: Iterable[str]) -> list[str]:
    """The items of a list-valued parameter given once or repeated, each value
    comma-separated (comma_list): `a&b`, `a,b` and `a,b&` are all [a, b]."""
    return [item for raw in raw_values for item in comma_list(raw)]


def query_list(query_params: QueryDict, name: str) -> list[str]:
    """The items of list-valued parameter `name` of a query string (split_values)."""
    return split_values(query_params.getlist(name))


def join_repeated(query_params: QueryDict, names: Iterable[str]) -> QueryDict:
    """`query_params` with the repeated values of list-valued `names` joined by
    commas, for parsers that read one comma-separated value (django-filter).

    Joining the non-empty values gives exactly the items of split_values, and the
    same errors for empty items.
    """
    joined = query_params.copy()
    for name in names:
        values = query_params.getlist(name)
        if len(values) > 1:
            joined.setlist(name, [",".join(value for value in values if value)])
    return joined


def _error(message: str, code: str) -> list[ErrorDetail]:
    return [ErrorDetail(message, code=code)]


def name_errors(
    query_params: QueryDict,
    known: Mapping[str, bool],
    retired: Mapping[str, str] | None = None,
) -> dict:
    """Errors for each parameter not in `known` (with the closest known name, or
    for a `retired` one what replaces it) and each single-valued one given more
    than once. `known` maps every name the operation takes to whether it is
    list-valued."""
    errors = {}
    for name in query_params:
        shown = name[:MAX_NAME_ECHO]
        if name in (retired or {}) and name not in known:
            errors[shown] = _error(
                f"Unknown parameter {name}: {retired[name]}", "retired_parameter"
            )
        elif name not in known:
            close = difflib.get_close_matches(name, known, n=1)
            hint = f"; did you mean {close[0]}?" if close else "."
            errors[shown] = _error(f"Unknown parameter{hint}", "unknown_parameter")
        elif not known[name] and len(query_params.getlist(name)) > 1:
            errors[shown] = _error(f"Give {name} once.", "repeated_parameter")
    return errors


class QueryErrors:
    """The validation errors of several checks of one request, raised together."""

    def __init__(self):
        self.detail: dict[str, list] = {}

    def add(self, detail: Mapping[str, list]) -> None:
        for name, messages in detail.items():
            self.detail.setdefault(name, []).extend(messages)

    @contextmanager
    def collect(self):
        """Keep the per-parameter errors raised inside the block."""
        try:
            yield
        except exceptions.ValidationError as error:
            if not isinstance(error.detail, dict):
                raise
            self.add(
                {
                    name: messages if isinstance(messages, list) else [messages]
                    for name, messages in error.detail.items()
                }
            )

    def raise_if_any(self) -> None:
        if self.detail:
            raise exceptions.ValidationError(self.detail)


class StrictQueryMixin:
    """Checks every query parameter of a read before the view does any work.

    The parameters an operation takes are those its declarations name: the view's
    `query_parameters` (the OpenApiParameters its schema documents), its filter
    set's filters and its paginator's parameters where they apply, and DRF's
    `format` where content negotiation reads it. Unknown names, a single-valued
    parameter given twice, and the errors of `query_checks()` come back in one 400.
    """

    query_parameters: tuple = ()

    def get_query_parameters(self) -> Iterable:
        """The OpenApiParameters of this operation besides filters and pages."""
        return self.query_parameters

    def applies_to_many(self) -> bool:
        """Whether filters and pages apply: every action but a detail."""
        return not getattr(self, "detail", False)

    def format_parameter(self) -> str | None:
        """The query parameter that picks a renderer, if the view reads it."""
        return self.settings.URL_FORMAT_OVERRIDE

    def known_query_parameters(self) -> dict[str, bool]:
        """Every parameter name of this operation, and whether it takes a list."""
        known = {p.name: bool(p.many) for p in self.get_query_parameters()}
        if self.applies_to_many():
            for backend in getattr(self, "filter_backends", ()):
                if hasattr(backend, "query_parameters"):
                    known.update(backend().query_parameters(self))
            paginator = getattr(self, "paginator", None)
            if paginator is not None:
                for parameter in paginator.get_schema_operation_parameters(self):
                    known[parameter["name"]] = False
        if self.format_parameter():
            known[self.format_parameter()] = False
        return known

    def retired_query_parameters(self) -> dict[str, str]:
        """Names this operation no longer takes, each with what replaces it."""
        retired = {}
        if self.applies_to_many():
            for backend in getattr(self, "filter_backends", ()):
                if hasattr(backend, "retired_parameters"):
                    retired.update(backend().retired_parameters(self))
        return retired

    def query_checks(self) -> list[Callable[[], object]]:
        """The checks of parameter values; each raises ValidationError."""
        checks = []
        if self.applies_to_many():
            for backend in getattr(self, "filter_backends", ()):
                if hasattr(backend, "check_query"):
                    checks.append(lambda b=backend: b().check_query(self.request, self))
            paginator = getattr(self, "paginator", None)
            if paginator is not None and hasattr(paginator, "check_query"):
                checks.append(lambda: paginator.check_query(self.request))
        return checks

    def initial(self, request, *args, **kwargs):
        super().initial(request, *args, **kwargs)
        if request.method not in ("GET", "HEAD"):
            return  # other methods are a 405, whatever the query says
        errors = QueryErrors()
        errors.add(
            name_errors(
                request.query_params,
                self.known_query_parameters(),
                self.retired_query_parameters(),
            )
        )
        for check in self.query_checks():
            with errors.collect():
                check()
        errors.raise_if_any()
