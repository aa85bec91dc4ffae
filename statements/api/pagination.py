"""Pagination that never truncates silently and links every page: page numbers
for browsing, keyset cursors for incremental sync."""

import copy
import datetime
import hashlib
import math
import threading
from collections import OrderedDict

from django.db.models import Q
from rest_framework import pagination
from rest_framework.exceptions import NotFound, ValidationError
from rest_framework.response import Response
from rest_framework.utils.urls import remove_query_param, replace_query_param

from statements.api.params import (
    MAX_QUERY_INT,
    QueryErrors,
    decode_cursor,
    encode_cursor,
    utc_datetime,
    whole_number,
)
from statements.selectors import data_version

DEFAULT_PAGE_SIZE = 50
MAX_PAGE_SIZE = 100


def _positive_int(request, name: str, default: int) -> int:
    raw = request.query_params.get(name)
    if raw is None or raw == "":
        return default
    try:
        value = whole_number(raw.strip())
    except ValueError as exc:
        raise ValidationError({name: [str(exc)]}) from None
    if value < 1:
        raise ValidationError({name: ["It must be 1 or more."]})
    return value


class QueryResultCache:
    """Exact results of costly queries (COUNT(*), facets), kept per process until
    the data changes.

    A count over a large table costs more than the rest of a page, and facets over
    every quote far more. Keys hold the data version (which every committed write
    moves) and the query's SQL, so a kept result is never stale; being exact, it
    needs no shared store.
    """

    def __init__(self, size: int = 4096):
        self.size = size
        self._results: OrderedDict = OrderedDict()
        self._lock = threading.Lock()

    @staticmethod
    def key(kind: str, queryset, version: str) -> tuple:
        sql, params = queryset.order_by().query.sql_with_params()
        return (kind, version, hashlib.sha256(repr((sql, params)).encode()).digest())

    def has(self, kind: str, queryset, version: str) -> bool:
        """Whether get() would answer without computing."""
        key = self.key(kind, queryset, version)
        with self._lock:
            return key in self._results

    def get(self, kind: str, queryset, version: str, compute):
        key = self.key(kind, queryset, version)
        with self._lock:
            if key in self._results:
                self._results.move_to_end(key)
                return self._results[key]
        result = compute(queryset)
        with self._lock:
            self._results[key] = result
            while len(self._results) > self.size:
                self._results.popitem(last=False)
        return result

    def clear(self) -> None:
        with self._lock:
            self._results.clear()


result_cache = QueryResultCache()


def cached_count(queryset, request=None) -> int:
    return result_cache.get(
        "count", queryset, data_version(request)[0], lambda qs: qs.order_by().count()
    )


class PageNumberPagination(pagination.PageNumberPagination):
    """`page` and `page_size` (1 to 100); the `page` object says what was served.

    Asking for more than 100 rows gives 100, and `page.size_capped` says so.
    """

    page_size = DEFAULT_PAGE_SIZE
    max_page_size = MAX_PAGE_SIZE
    page_query_param = "page"
    page_size_query_param = "page_size"
    page_query_description = "Page number, from 1."
    page_size_query_description = (
        f"Rows per page, 1 to {MAX_PAGE_SIZE} (default {DEFAULT_PAGE_SIZE}). "
        f"Larger values are capped at {MAX_PAGE_SIZE} and the response says so."
    )

    def paginate_queryset(self, queryset, request, view=None):
        self.request = request
        self.requested_size = _positive_int(
            request, self.page_size_query_param, self.page_size
        )
        size = min(self.requested_size, self.max_page_size)
        number = _positive_int(request, self.page_query_param, 1)
        self.total = self.count(queryset, request)
        self.pages = max(1, math.ceil(self.total / size))
        if number > self.pages:
            raise NoSuchPage(f"Page {number} is past the last page ({self.pages}).")
        self.number = number
        self.size = size
        offset = (number - 1) * size
        return list(queryset[offset : offset + size])

    def get_schema_operation_parameters(self, view):
        parameters = super().get_schema_operation_parameters(view)
        for parameter in parameters:
            parameter["schema"]["minimum"] = 1
            parameter["schema"]["maximum"] = MAX_QUERY_INT
        return parameters

    def count(self, queryset, request) -> int:
        """How many rows there are to page through."""
        return cached_count(queryset, request)

    def _url(self, number):
        url = self.request.build_absolute_uri()
        if number == 1:
            return remove_query_param(url, self.page_query_param)
        return replace_query_param(url, self.page_query_param, number)

    def get_next_link(self):
        return self._url(self.number + 1) if self.number < self.pages else None

    def get_previous_link(self):
        return self._url(self.number - 1) if self.number > 1 else None

    def get_paginated_response(self, data):
        links = {
            "first": self._url(1),
            "prev": self.get_previous_link(),
            "next": self.get_next_link(),
            "last": self._url(self.pages),
        }
        link_header = ", ".join(
            f'<{url}>; rel="{rel}"' for rel, url in links.items() if url
        )
        body = OrderedDict(
            [
                ("count", self.total),
                ("next", links["next"]),
                ("previous", links["prev"]),
                (
                    "page",
                    {
                        "number": self.number,
                        "size": self.size,
                        "requested_size": self.requested_size,
                        "max_size": self.max_page_size,
                        "size_capped": self.requested_size > self.size,
                        "total_pages": self.pages,
                    },
                ),
                ("results", data),
            ]
        )
        return Response(body, headers={"Link": link_header})

    def get_paginated_response_schema(self, schema):
        return {
            "type": "object",
            "required": ["count", "next", "previous", "page", "results"],
            "properties": {
                "count": {"type": "integer", "description": "Rows matching the query."},
                "next": {"type": "string", "format": "uri", "nullable": True},
                "previous": {"type": "string", "format": "uri", "nullable": True},
                "page": {
                    "type": "object",
                    "required": [
                        "number",
                        "size",
                        "requested_size",
                        "max_size",
                        "size_capped",
                        "total_pages",
                    ],
                    "properties": {
                        "number": {"type": "integer"},
                        "size": {
                            "type": "integer",
                            "description": "Rows served per page.",
                        },
                        "requested_size": {"type": "integer"},
                        "max_size": {"type": "integer"},
                        "size_capped": {
                            "type": "boolean",
                            "description": "True when page_size exceeded max_size.",
                        },
                        "total_pages": {"type": "integer"},
                    },
                },
                "results": schema,
            },
        }


class NoSuchPage(NotFound):
    """A well-formed page number beyond the last (or deepest served) page."""


class ListPagination(PageNumberPagination):
    """Page numbers for browsing; keyset (cursor) pages for incremental sync.

    With `updated_since` or `cursor`, rows come in (updated_at, id) order and each
    page continues where the last one ended, so a deep page costs what the first
    one does and no row is skipped or repeated when earlier rows change.
    Offset pages stop at MAX_OFFSET_ROWS rows deep: beyond it, use the cursor.
    """

    cursor_query_param = "cursor"
    updated_since_query_param = "updated_since"
    max_offset_rows = 10_000

    def paginate_queryset(self, queryset, request, view=None):
        params = request.query_params
        self.sync = bool(
            params.get(self.cursor_query_param)
            or params.get(self.updated_since_query_param)
        )
        if not self.sync:
            size = min(
                _positive_int(request, self.page_size_query_param, self.page_size),
                self.max_page_size,
            )
            number = _positive_int(request, self.page_query_param, 1)
            if (number - 1) * size >= self.max_offset_rows:
                raise NoSuchPage(
                    f"Pages deeper than {self.max_offset_rows} rows are not served; "
                    "use updated_since and cursor to read further."
                )
            return super().paginate_queryset(queryset, request, view)
        return self._paginate_keyset(queryset, request)

    def check_query(self, request) -> None:
        """Raise one ValidationError naming every malformed pagination parameter
        (for params.StrictQueryMixin, before the view runs)."""
        errors = QueryErrors()
        for name in (self.page_query_param, self.page_size_query_param):
            with errors.collect():
                _positive_int(request, name, 1)
        with errors.collect():
            self._updated_since(request)
        with errors.collect():
            self._cursor_position(request)
        errors.raise_if_any()

    def _updated_since(self, request) -> datetime.datetime | None:
        since_raw = request.query_params.get(self.updated_since_query_param)
        if not since_raw:
            return None
        try:
            return utc_datetime(since_raw)
        except ValueError as exc:
            raise ValidationError(
                {self.updated_since_query_param: [str(exc)]}
            ) from None

    def _cursor_position(self, request) -> tuple[datetime.datetime, int] | None:
        cursor = request.query_params.get(self.cursor_query_param)
        if not cursor:
            return None
        try:
            stamp, last_id = decode_cursor(cursor)
            after = utc_datetime(stamp)
            if not isinstance(last_id, int) or not 0 < last_id < 2**63:
                raise ValueError(last_id)
        except (ValueError, TypeError):
            raise ValidationError(
                {self.cursor_query_param: ["The cursor is not one this API issued."]}
            ) from None
        return after, last_id

    def _paginate_keyset(self, queryset, request):
        self.request = request
        # Sync pages are always in (updated_at, id) order and continue from the
        # cursor: `ordering` and `page` do not apply to them (documented), though
        # a malformed page number is still an error.
        _positive_int(request, self.page_query_param, 1)
        self.requested_size = _positive_int(
            request, self.page_size_query_param, self.page_size
        )
        self.size = min(self.requested_size, self.max_page_size)
        since = self._updated_since(request)
        if since is not None:
            queryset = queryset.filter(updated_at__gte=since)
        position = self._cursor_position(request)
        if position is not None:
            after, last_id = position
            queryset = queryset.filter(
                Q(updated_at__gt=after) | Q(updated_at=after, id__gt=last_id)
            )
        rows = list(queryset.order_by("updated_at", "id")[: self.size + 1])
        self.has_more = len(rows) > self.size
        rows = rows[: self.size]
        self.next_cursor = None
        if self.has_more:
            last = rows[-1]
            if not isinstance(last, dict):
                last = {"updated_at": last.updated_at, "id": last.id}
            self.next_cursor = encode_cursor(
                [last["updated_at"].isoformat(), last["id"]]
            )
        return rows

    def get_paginated_response(self, data):
        if not self.sync:
            return super().get_paginated_response(data)
        next_url = None
        if self.next_cursor:
            next_url = replace_query_param(
                self.request.build_absolute_uri(),
                self.cursor_query_param,
                self.next_cursor,
            )
        headers = {"Link": f'<{next_url}>; rel="next"'} if next_url else {}
        body = OrderedDict(
            [
                ("count", None),
                ("next", next_url),
                ("previous", None),
                ("page", None),
                ("results", data),
            ]
        )
        return Response(body, headers=headers)

    def get_schema_operation_parameters(self, view):
        parameters = super().get_schema_operation_parameters(view)
        for parameter in parameters:
            if parameter["name"] == self.page_query_param:
                parameter["description"] = (
                    f"Page number, from 1; pages stop {self.max_offset_rows} rows deep "
                    "(read further with updated_since and cursor)."
                )
        return [
            *parameters,
            {
                "name": self.updated_since_query_param,
                "required": False,
                "in": "query",
                "description": (
                    "Incremental sync: only rows created or changed at or after this "
                    "ISO 8601 date-time, in (updated_at, id) order, paged by cursor "
                    "(`ordering` and `page` do not apply). Deletions are in "
                    "/api/v1/changes/."
                ),
                "schema": {"type": "string", "format": "date-time"},
            },
            {
                "name": self.cursor_query_param,
                "required": False,
                "in": "query",
                "description": (
                    "Continue a sync from the `next` link of the previous page "
                    "(opaque; `ordering` and `page` do not apply). Deep pages cost "
                    "what the first one does."
                ),
                "schema": {"type": "string"},
            },
        ]

    def get_paginated_response_schema(self, schema):
        """Either form of page, told apart by `page` (an object or null); the
        schema hooks make each a component (schema_hooks.page_forms_are_components).
        """
        page = super().get_paginated_response_schema(schema)
        keyset = copy.deepcopy(page)
        # Made `nullable`, `enum: [null]` by the hook, after drf-spectacular's
        # enum post-processing (which would name each null a component).
        null = {"x-always-null": True}
        keyset["properties"].update(
            count={
                "type": "integer",
                **null,
                "description": "Always null: keyset pages are not counted.",
            },
            previous={
                "type": "string",
                **null,
                "description": "Always null: keyset pages go forward only.",
            },
            page={"type": "object", **null, "description": "Always null."},
        )
        keyset["properties"]["next"] = {
            **keyset["properties"]["next"],
            "description": "The next page (with `cursor`); null at the end.",
        }
        keyset["description"] = (
            "A keyset page (`updated_since` or `cursor`): rows in (updated_at, id) "
            "order; follow `next` until it is null."
        )
        page["description"] = "A page-number page: `page` says which and how many."
        return {"anyOf": [{"title": "page", **page}, {"title": "keyset", **keyset}]}


class SearchablePagination(ListPagination):
    """The pages of a list that takes `?q=` also say what the search made of it:
    `search` is null without `q`, else the query and a "did you mean"
    suggestion when nothing matched (selectors.search_suggestion)."""

    # Set by the view before the response is built.
    search: dict | None = None

    def get_paginated_response(self, data):
        response = super().get_paginated_response(data)
        body = OrderedDict(
            (key, value) for key, value in response.data.items() if key != "results"
        )
        body["search"] = self.search
        body["results"] = response.data["results"]
        response.data = body
        return response

    def get_paginated_response_schema(self, schema):
        forms = super().get_paginated_response_schema(schema)
        for form in forms["anyOf"]:
            properties = form["properties"]
            results = properties.pop("results")
            properties["search"] = SEARCH_SCHEMA
            properties["results"] = results
            form["required"] = [*form["required"][:-1], "search", "results"]
        return forms


SEARCH_SCHEMA = {
    "type": "object",
    "nullable": True,
    "description": "Null without `q`; with it, what the search made of it.",
    "required": ["query", "suggestion"],
    "properties": {
        "query": {"type": "string", "description": "The search text, trimmed."},
        "suggestion": {
            "type": "string",
            "nullable": True,
            "description": (
                "Did you mean: when nothing matched, the query with each word that "
                "no record holds replaced by the closest one that some record "
                "does (trigram similarity); null when something matched or no "
                "word has a close one."
            ),
        },
    },
}
