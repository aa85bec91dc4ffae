"""`GET /api/v1/<resource>/<slug>/history/`: every change of a record, newest first.

The entries come from statements.history (the pghistory event tables); this
module pages them and decides what the public sees of who made them: an
editor's identity (a user name, a partner key's prefix) is shown to editors
only; everyone else reads `editor`.
"""

from drf_spectacular.utils import extend_schema, extend_schema_field
from rest_framework import serializers
from rest_framework.decorators import action
from rest_framework.exceptions import NotFound

from statements import history
from statements.api import schema
from statements.api.pagination import PageNumberPagination
from statements.api.permissions import is_editor
from statements.choices import ChangeAction, HistorySource

PUBLIC_ACTOR = "editor"

# A rename is an update in a record's history (its `slug` changes).
ACTIONS = tuple(a for a in ChangeAction.values if a != ChangeAction.RENAMED)

# What a field held: a column's value (a foreign key as the slug it names), or
# the list of rows the record shows as its own (spans, themes, group links).
_ITEM = {
    "oneOf": [
        {"type": "string", "description": "A slug (themes, groups)."},
        {
            "type": "object",
            "additionalProperties": True,
            "description": "A row: a span, a role, a group link.",
        },
    ]
}
VALUE_SCHEMA = {
    "oneOf": [
        {"type": "string", "nullable": True},
        {"type": "number"},
        {"type": "boolean"},
        {"type": "array", "items": _ITEM},
    ],
    "description": (
        "The value: text, a number, a date (ISO 8601), a slug for a link, a list "
        "for a list of values or of the rows the record shows as its own; null "
        "when there was none (before creation, after deletion)."
    ),
}


@extend_schema_field(VALUE_SCHEMA)
class HistoryValueField(serializers.JSONField):
    pass


FieldChangeSerializer = type(
    "FieldChangeSerializer",
    (serializers.Serializer,),
    {
        "__doc__": "A field's value before and after the change.",
        "__module__": __name__,
        "from": HistoryValueField(),
        "to": HistoryValueField(),
    },
)


class HistoryEntrySerializer(serializers.Serializer):
    """One change of a record: what one transaction did to it and its own rows."""

    id = serializers.CharField(help_text="Opaque, stable id of the entry.")
    at = serializers.DateTimeField(help_text="When the change was made.")
    action = serializers.ChoiceField(choices=ACTIONS)
    source = serializers.ChoiceField(
        choices=HistorySource.choices, help_text="Where the change came from."
    )
    actor = serializers.CharField(
        allow_null=True,
        help_text=(
            f"Who made it: `{PUBLIC_ACTOR}` for anyone but an editor; an editor "
            "reads `user:<username>` or `key:<prefix>`. Null when nobody in "
            "particular (the seed, a migration)."
        ),
    )
    reason = serializers.CharField(
        allow_null=True, help_text="Why, as the editor said (optional)."
    )
    changes = serializers.DictField(
        child=FieldChangeSerializer(),
        help_text=(
            "Each field that changed, with its value before and after: on "
            "creation the fields that were set, on deletion every field."
        ),
    )


class HistoryPagination(PageNumberPagination):
    """Page numbers over the entries, which are built in memory (a record's
    history is short)."""

    def count(self, rows, request) -> int:
        return len(rows)


def history_operation(resource):
    singular = resource.singular
    return extend_schema(
        summary=f"History of one {singular}",
        description=(
            f"Every change of the {singular}, newest first: when, what (each field "
            "before and after, including the rows it shows as its own), from where, "
            "by whom and why. The history outlives the record: a deleted "
            f"{singular}'s history stays at the slug it last had (200, its last "
            "entry `deleted`); a slug it had before a rename answers 301 to the "
            f"history at its current slug. 404 when no {singular} ever had the "
            "slug."
        ),
        parameters=[*schema.MOVED_HEADERS],
        responses={
            200: HistoryEntrySerializer(many=True),
            301: schema.MOVED,
            404: schema.NOT_FOUND,
            **schema.ERRORS,
        },
    )


def entry(item: history.Entry, *, editor: bool) -> dict:
    actor = item.actor
    if actor is not None and not editor:
        actor = PUBLIC_ACTOR
    return {
        "id": item.id,
        "at": item.at,
        "action": item.action,
        "source": item.source,
        "actor": actor,
        "reason": item.reason,
        "changes": item.changes,
    }


class HistoryMixin:
    """The `history` action of a resource viewset (statements.api.views)."""

    def applies_to_many(self):
        # The history takes no filters: only its own page parameters.
        return self.action != "history" and super().applies_to_many()

    def get_query_parameters(self):
        if self.action == "history":
            return ()
        return super().get_query_parameters()

    def known_query_parameters(self):
        known = super().known_query_parameters()
        if self.action == "history":
            for parameter in self.paginator.get_schema_operation_parameters(self):
                known[parameter["name"]] = False
        return known

    def query_checks(self):
        if self.action == "history":
            return []
        return super().query_checks()

    @action(
        detail=True,
        methods=["get"],
        pagination_class=HistoryPagination,
        filter_backends=[],
    )
    def history(self, request, slug=None):
        moved = self.redirect_if_renamed()
        if moved is not None:
            return moved
        model = self.resource.model
        pk = history.record_id(model, str(slug))
        if pk is None:
            raise NotFound(
                f"No {self.resource.singular} ever had the slug {str(slug)[:100]!r}."
            )
        entries = history.history(model, pk)
        page = self.paginate_queryset(entries)
        editor = is_editor(request)
        return self.get_paginated_response(
            [entry(item, editor=editor) for item in page]
        )
