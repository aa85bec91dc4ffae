"""GET /api/v1/changes/: every create, update, rename and delete, in commit order."""

from drf_spectacular.utils import extend_schema
from rest_framework.response import Response
from rest_framework.utils.urls import replace_query_param
from rest_framework.views import APIView

from statements import selectors
from statements.api import caching, params, schema
from statements.api import serializers as s
from statements.api.params import encode_cursor


class ChangeFeedView(params.StrictQueryMixin, APIView):
    """The change feed: checked parameters in, a selector's page out."""

    def known_query_parameters(self) -> dict[str, bool]:
        names = s.ChangeFeedQuerySerializer().fields
        return {**super().known_query_parameters(), **dict.fromkeys(names, False)}

    def query_checks(self):
        return [self._query]

    def _query(self) -> dict:
        query = s.ChangeFeedQuerySerializer(data=self.request.query_params)
        query.is_valid(raise_exception=True)
        return query.validated_data

    @extend_schema(
        summary="Change feed",
        description=(
            "Every creation, update, rename and deletion of every public record, "
            "in commit order, with a cursor to resume from. A replica that applies "
            "the feed (fetching `url` for created and updated records, dropping "
            "deleted ones, and for a renamed one dropping the record at "
            "`previous_slug` and fetching `url`) ends with exactly the server's "
            "data. Fetch without following redirects: a URL of an earlier change "
            "may answer 301 (renamed since) or 410 (deleted since), and a later "
            "change in the feed says so. Start with `since=now` after a full pull "
            "to follow only what changes from then on, or omit `since` to replay "
            "from the beginning."
        ),
        parameters=[s.ChangeFeedQuerySerializer],
        responses={200: s.ChangeFeedSerializer, **schema.ERRORS},
    )
    def get(self, request):
        query = self._query()
        since = query.get("since")
        page = selectors.change_feed_page(
            None if since == "now" else since,
            limit=query["limit"],
            from_head=since == "now",
        )
        next_cursor = (
            encode_cursor(list(page.next_position)) if page.next_position else None
        )
        next_url = None
        if next_cursor:
            next_url = replace_query_param(
                request.build_absolute_uri(), "since", next_cursor
            )
        changes = s.ChangeSerializer(
            page.changes, many=True, context={"request": request}
        ).data
        response = Response(
            {
                "results": changes,
                "next_cursor": next_cursor,
                "next": next_url,
                "has_more": page.has_more,
            }
        )
        # The head of the feed moves with every write: a stored page would hide
        # the newest changes (docs/partners.md, "Caching").
        caching.set_no_store(response)
        return response
