"""The event tables of the history: one per tracked table, written by triggers.

django-pghistory generates each event model from the tracked model (its columns,
minus `UNTRACKED`) and installs, through django-pgtrigger and migration 0011, an
AFTER INSERT/UPDATE/DELETE trigger per table that copies the row into it with the
label `created`, `updated` (only when a tracked column changed) or `deleted` and a
link to the context of the change (who, from where, why: statements.history).

The event tables are not public data: they have no change-feed trigger, so they
never move the data version, and nothing in the API reads them but
`statements.history` (docs/history.md).
"""

import pghistory
import pghistory.models
from django.db import models

from statements.models.speech import (
    Event,
    EventHost,
    Organization,
    Quote,
    QuoteSpan,
    QuoteStakeholder,
    Speaker,
    SpeakerRole,
    StakeholderGroup,
    Statement,
    Theme,
)

# Columns no history shows: the stamps (the event has its own time, and every save
# touches updated_at), and what PostgreSQL or save() derives from other columns.
UNTRACKED = ["created_at", "updated_at", "search_vector", "text_sha256"]


class HistoryEvent(pghistory.models.Event):
    """What every event row holds besides the row: the transaction that wrote
    it, which groups one change of a record across its tables (the trigger
    leaves the column to its default)."""

    pgh_transaction = models.BigIntegerField(
        db_default=models.Func(
            template="pg_current_xact_id()::text::bigint",
            output_field=models.BigIntegerField(),
        ),
        editable=False,
    )

    class Meta:
        abstract = True


def _trackers():
    return (
        pghistory.InsertEvent("created"),
        pghistory.UpdateEvent("updated"),
        pghistory.DeleteEvent("deleted"),
    )


def _event_model(model, name: str, *, link: bool = False):
    """The event model `name` of `model`. A link table (an auto-created
    many-to-many table) only gains and loses rows, and its rows are nobody's
    record: its events point at no object."""
    local = {field.name for field in model._meta.local_fields}
    trackers = (
        (pghistory.InsertEvent("created"), pghistory.DeleteEvent("deleted"))
        if link
        else _trackers()
    )
    return pghistory.create_event_model(
        model,
        *trackers,
        exclude=[name for name in UNTRACKED if name in local],
        model_name=name,
        obj_field=None if link else pghistory.ObjForeignKey(related_name="events"),
        abstract=False,
        base_model=HistoryEvent,
        meta={"ordering": ["pgh_id"]},
    )


OrganizationEvent = _event_model(Organization, "OrganizationEvent")
SpeakerEvent = _event_model(Speaker, "SpeakerEvent")
SpeakerRoleEvent = _event_model(SpeakerRole, "SpeakerRoleEvent")
EventEvent = _event_model(Event, "EventEvent")
EventHostEvent = _event_model(EventHost, "EventHostEvent")
ThemeEvent = _event_model(Theme, "ThemeEvent")
StakeholderGroupEvent = _event_model(StakeholderGroup, "StakeholderGroupEvent")
StatementEvent = _event_model(Statement, "StatementEvent")
StatementThemeEvent = _event_model(
    Statement.themes.through, "StatementThemeEvent", link=True
)
StatementStakeholderGroupEvent = _event_model(
    Statement.stakeholder_groups.through, "StatementStakeholderGroupEvent", link=True
)
QuoteEvent = _event_model(Quote, "QuoteEvent")
QuoteSpanEvent = _event_model(QuoteSpan, "QuoteSpanEvent")
QuoteThemeEvent = _event_model(Quote.themes.through, "QuoteThemeEvent", link=True)
QuoteStakeholderEvent = _event_model(QuoteStakeholder, "QuoteStakeholderEvent")

EVENT_MODELS = (
    OrganizationEvent,
    SpeakerEvent,
    SpeakerRoleEvent,
    EventEvent,
    EventHostEvent,
    ThemeEvent,
    StakeholderGroupEvent,
    StatementEvent,
    StatementThemeEvent,
    StatementStakeholderGroupEvent,
    QuoteEvent,
    QuoteSpanEvent,
    QuoteThemeEvent,
    QuoteStakeholderEvent,
)
