"""The history of every public record: who changed what, when, from where and why.

Each change of a tracked row is written by a PostgreSQL trigger (django-pghistory,
docs/history.md) into the row's event table, so no write path can skip it: not the
admin, not the seed's bulk load, not raw SQL. What the trigger cannot know (who,
from where, why) is the *context* of the change: `recording()` sets it for every
write made inside it, and the request middleware, the admin and the seed command
open one for their writes.
"""

import contextlib
import datetime
import hashlib
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from typing import Any

import pghistory
import pghistory.trigger
import pgtrigger
from django.db import models

from statements.choices import HistorySource
from statements.models import (
    Event,
    EventEvent,
    EventHostEvent,
    Organization,
    OrganizationEvent,
    Quote,
    QuoteEvent,
    QuoteSpanEvent,
    QuoteStakeholderEvent,
    QuoteThemeEvent,
    Speaker,
    SpeakerEvent,
    SpeakerRoleEvent,
    StakeholderGroup,
    StakeholderGroupEvent,
    Statement,
    StatementEvent,
    StatementStakeholderGroupEvent,
    StatementThemeEvent,
    Theme,
    ThemeEvent,
)

# Where a change came from: the context's `source`.
SOURCES = tuple(HistorySource.values)


@contextlib.contextmanager
def recording(
    *, source: str, actor: str | None = None, reason: str | None = None
) -> Iterator[None]:
    """Record every change made inside as made from `source` by `actor`, for `reason`.

    `source` is one of `SOURCES`; `actor` is `user:<username>` or
    `key:<prefix>` (None when nobody in particular: the seed, a migration).
    Nested inside another recording (a request's), it adds its keys to the
    outer one, which all the changes of the outer block then share.
    """
    if source not in SOURCES:
        raise ValueError(f"Unknown history source {source!r}: one of {SOURCES}.")
    metadata = {"source": source}
    if actor is not None:
        metadata["actor"] = actor
    if reason is not None:
        metadata["reason"] = reason
    with pghistory.context(**metadata):
        yield


def triggers() -> tuple[tuple[str, str], ...]:
    """(table, trigger) of every history trigger: those django-pgtrigger
    registered for the event models (migration 0011 installs them). They sit
    beside the change feed's (statements.changefeed) on the same tables."""
    return tuple(
        (model._meta.db_table, trigger.get_pgid(model))
        for model, trigger in pgtrigger.registered()
        if isinstance(trigger, pghistory.trigger.Event)
    )


def note(**metadata: str) -> None:
    """Add `metadata` (e.g. the actor, once known) to the recording under way,
    if any: the changes it has already made get it too."""
    pghistory.context(**metadata)


def actor_of(request) -> str | None:
    """`key:<prefix>` for a request with a partner key, `user:<username>` for a
    signed-in user, else None. Reads the Django request's attributes only."""
    key = getattr(request, "partner_key", None)
    if key is not None:
        return f"key:{key.prefix}"
    user = getattr(request, "user", None)
    if user is not None and user.is_authenticated:
        return f"user:{user.get_username()}"
    return None


# --- Reading the history ----------------------------------------------------------

# A record's own event table, by the record's model.
OWN_EVENTS: dict[type[models.Model], type[models.Model]] = {
    Organization: OrganizationEvent,
    Speaker: SpeakerEvent,
    Event: EventEvent,
    Theme: ThemeEvent,
    StakeholderGroup: StakeholderGroupEvent,
    Statement: StatementEvent,
    Quote: QuoteEvent,
}


@dataclass(frozen=True)
class Rows:
    """Rows the record's JSON shows as its own, folded into its history under
    `field`: their event table, the event column naming the record (`owner`),
    what the record shows of one row (`item`, from the event with its `links`
    resolved to slugs) and the order the items are listed in."""

    field: str
    events: type[models.Model]
    owner: str
    item: Callable[[dict], Any]
    order: Callable[[Any], Any]
    links: tuple[tuple[str, type[models.Model]], ...] = ()


def _linked(field: str, events, owner: str, column: str, target) -> Rows:
    """A many-to-many of the record: its items are the slugs of the targets."""
    return Rows(
        field=field,
        events=events,
        owner=owner,
        item=lambda row: row[column],
        order=lambda slug: slug or "",
        links=((column, target),),
    )


OWNED: dict[type[models.Model], tuple[Rows, ...]] = {
    Speaker: (
        Rows(
            field="roles",
            events=SpeakerRoleEvent,
            owner="speaker_id",
            item=lambda row: {
                "title": row["title"],
                "organization": row["organization_id"],
                **{
                    name: row[name]
                    for name in ("start_date", "end_date", "source_url", "note")
                },
            },
            order=lambda role: (str(role["start_date"]), role["title"]),
            links=(("organization_id", Organization),),
        ),
    ),
    Event: (
        Rows(
            field="hosts",
            events=EventHostEvent,
            owner="event_id",
            item=lambda row: {"slug": row["organization_id"], "role": row["role"]},
            order=lambda link: (link["role"], link["slug"] or ""),
            links=(("organization_id", Organization),),
        ),
    ),
    Statement: (
        _linked("themes", StatementThemeEvent, "statement_id", "theme_id", Theme),
        _linked(
            "stakeholder_groups",
            StatementStakeholderGroupEvent,
            "statement_id",
            "stakeholdergroup_id",
            StakeholderGroup,
        ),
    ),
    Quote: (
        Rows(
            field="spans",
            events=QuoteSpanEvent,
            owner="quote_id",
            item=lambda row: {"start": row["start"], "end": row["end"]},
            order=lambda span: (span["start"], span["end"]),
        ),
        _linked("themes", QuoteThemeEvent, "quote_id", "theme_id", Theme),
        Rows(
            field="stakeholder_groups",
            events=QuoteStakeholderEvent,
            owner="quote_id",
            item=lambda row: {"group": row["group_id"], "role": row["role"]},
            order=lambda link: (link["group"] or "", link["role"]),
            links=(("group_id", StakeholderGroup),),
        ),
    ),
}

# The event columns that are the event's, not the row's.
_EVENT_COLUMNS = {
    "pgh_id",
    "pgh_created_at",
    "pgh_label",
    "pgh_context_id",
    "pgh_transaction",
}


@dataclass(frozen=True)
class Entry:
    """One change of a record: everything one transaction did to it."""

    id: str
    at: datetime.datetime
    action: str
    source: str
    actor: str | None
    reason: str | None
    changes: dict[str, dict[str, Any]]


def record_id(model: type[models.Model], slug: str) -> int | None:
    """The id of the record that has, or last had, `slug`; None when none ever
    had it. A deleted record's history stays readable at its last slug, and a
    renamed one's at each slug it had (slugs are never reused)."""
    pk = model.objects.filter(slug=slug).values_list("pk", flat=True).first()
    if pk is None:
        pk = (
            OWN_EVENTS[model]
            .objects.filter(slug=slug)
            .order_by("-pgh_id")
            .values_list("pgh_obj_id", flat=True)
            .first()
        )
    return pk


def _columns(events) -> list[str]:
    return [field.attname for field in events._meta.concrete_fields]


def _events(events, owner: str, pk: int) -> list[dict]:
    return list(
        events.objects.filter(**{owner: pk})
        .order_by("pgh_id")
        .values(*_columns(events), "pgh_context__metadata")
    )


def _slugs(model: type[models.Model], ids: set[int]) -> dict[int, str]:
    """The slugs of `ids`, deleted records' from their last event."""
    slugs = dict(model.objects.filter(pk__in=ids).values_list("pk", "slug"))
    missing = ids - set(slugs)
    if missing:
        for pk, slug in (
            OWN_EVENTS[model]
            .objects.filter(pgh_obj_id__in=missing)
            .order_by("pgh_obj_id", "-pgh_id")
            .distinct("pgh_obj_id")
            .values_list("pgh_obj_id", "slug")
        ):
            slugs[pk] = slug
    return slugs


def _resolve(batches: list[tuple[tuple, list[dict]]]) -> None:
    """Replace, in place, the ids of `links` in each batch's rows by slugs: one
    query (two when some are deleted) per linked model."""
    wanted: dict[type[models.Model], set[int]] = {}
    for links, rows in batches:
        for column, target in links:
            wanted.setdefault(target, set()).update(
                row[column] for row in rows if row[column] is not None
            )
    slugs = {target: _slugs(target, ids) for target, ids in wanted.items() if ids}
    for links, rows in batches:
        for column, target in links:
            for row in rows:
                if row[column] is not None:
                    row[column] = slugs[target].get(row[column])


def _group_key(row: dict) -> tuple:
    """One change: what one transaction did under one context."""
    return (row["pgh_transaction"], str(row["pgh_context_id"] or ""))


def history(model: type[models.Model], pk: int) -> list[Entry]:
    """Every change of the record `pk` of `model`, newest first.

    A change is what one transaction did: the record's own row and the rows it
    shows as its own (OWNED), each event table read once. `changes` maps each
    field that changed to {"from", "to"} (a foreign key as the slug it names, a
    list of owned rows as the whole list before and after).
    """
    own = OWN_EVENTS[model]
    links = tuple(
        (field.attname, field.related_model)
        for field in own._meta.concrete_fields
        if field.is_relation and field.related_model in OWN_EVENTS
    )
    fields = [
        (field.name, field.attname)
        for field in own._meta.concrete_fields
        if field.attname not in _EVENT_COLUMNS | {"pgh_obj_id", "id"}
    ]
    own_rows = _events(own, "pgh_obj_id", pk)
    owned = [
        (rows, _events(rows.events, rows.owner, pk)) for rows in OWNED.get(model, ())
    ]
    _resolve([(links, own_rows), *((rows.links, events) for rows, events in owned)])

    # Every event in the order it happened (pgh_created_at is each event's
    # clock time), grouped into changes in the order of their first events.
    timeline = sorted(
        [
            *((None, row) for row in own_rows),
            *((rows, row) for rows, events in owned for row in events),
        ],
        key=lambda event: (event[1]["pgh_created_at"], event[1]["pgh_id"]),
    )
    groups: dict[tuple, list[tuple[Rows | None, dict]]] = {}
    for event in timeline:
        groups.setdefault(_group_key(event[1]), []).append(event)

    state: dict[str, Any] | None = None
    items: dict[str, dict[int, Any]] = {rows.field: {} for rows, _ in owned}

    def listed(rows: Rows) -> list:
        return sorted(items[rows.field].values(), key=rows.order)

    entries = []
    for key, events in groups.items():
        before = state
        before_lists = {rows.field: listed(rows) for rows, _ in owned}
        action = "updated"
        for rows, row in events:
            label = row["pgh_label"]
            if rows is None:
                if label == "deleted":
                    state, action = None, "deleted"
                else:
                    state = {name: row[attname] for name, attname in fields}
                    if label == "created" and action != "deleted":
                        action = "created"
            elif label == "deleted":
                items[rows.field].pop(row["id"], None)
            else:
                items[rows.field][row["id"]] = rows.item(row)
        changes = {}
        for name, _ in fields:
            old = before.get(name) if before else None
            new = state.get(name) if state else None
            if old != new and not (before is None and new in (None, "", [])):
                changes[name] = {"from": old, "to": new}
        for rows, _ in owned:
            old, new = before_lists[rows.field], listed(rows)
            if old != new:
                changes[rows.field] = {"from": old, "to": new}
        if not changes and action == "updated":
            continue
        first = events[0][1]
        context = first["pgh_context__metadata"] or {}
        entries.append(
            Entry(
                id=_entry_id(model, pk, key),
                at=first["pgh_created_at"],
                action=action,
                source=context.get("source", "system"),
                actor=context.get("actor"),
                reason=context.get("reason"),
                changes=changes,
            )
        )
    entries.reverse()
    return entries


def _entry_id(model: type[models.Model], pk: int, key: tuple) -> str:
    raw = f"{model._meta.label}|{pk}|{key[0]}|{key[1]}"
    return hashlib.sha256(raw.encode()).hexdigest()[:16]
