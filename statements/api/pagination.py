"""Page-number pagination that never truncates silently and links every page."""

import math
from collections import OrderedDict

from django.core.paginator import Paginator
from rest_framework import pagination
from rest_framework.exceptions import ValidationError
from rest_framework.response import Response
from rest_framework.utils.urls import remove_query_param, replace_query_param

DEFAULT_PAGE_SIZE = 50
MAX_PAGE_SIZE = 100


def _positive_int(request, name: str, default: int) -> int:
    raw = request.query_params.get(name)
    if raw is None or raw == "":
        return default
    try:
        value = int(raw)
    except ValueError:
        raise ValidationError(
            {name: [f"{raw[:50]!r} is not a whole number."]}
        ) from None
    if value < 1:
        raise ValidationError({name: ["It must be 1 or more."]})
    return value


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
    django_paginator_class = Paginator

    def paginate_queryset(self, queryset, request, view=None):
        self.request = request
        self.requested_size = _positive_int(
            request, self.page_size_query_param, self.page_size
        )
        size = min(self.requested_size, self.max_page_size)
        number = _positive_int(request, self.page_query_param, 1)
        paginator = self.django_paginator_class(queryset, size)
        self.total = paginator.count
        self.pages = max(1, math.ceil(self.total / size))
        if number > self.pages:
            raise ValidationError(
                {
                    self.page_query_param: [
                        f"Page {number} is past the last page ({self.pages})."
                    ]
                }
            )
        self.page = paginator.page(number)
        self.size = size
        return list(self.page)

    def _url(self, number):
        url = self.request.build_absolute_uri()
        if number == 1:
            return remove_query_param(url, self.page_query_param)
        return replace_query_param(url, self.page_query_param, number)

    def get_next_link(self):
        return self._url(self.page.number + 1) if self.page.has_next() else None

    def get_previous_link(self):
        return self._url(self.page.number - 1) if self.page.has_previous() else None

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
                        "number": self.page.number,
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
