"""Writes and imports. Every write path validates before it touches the database."""

import datetime
import json
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from django.core.exceptions import ValidationError
from django.db import DataError, connection, models, transaction

from statements.models import (
    Event,
    Quote,
    QuoteSpan,
    QuoteStakeholder,
    Speaker,
    SpeakerRole,
    StakeholderGroup,
    Statement,
    Theme,
    quote_spans_problems,
)
from statements.resources import (
    EVENT,
    QUOTE,
    SPEAKER,
    STAKEHOLDER_GROUP,
    STATEMENT,
    THEME,
    Resource,
    Value,
)


class FixtureError(Exception):
    """A fixture row that cannot be loaded; the message names the row."""


@dataclass
class SeedResult:
    created: dict[str, int] = field(default_factory=dict)
    updated: dict[str, int] = field(default_factory=dict)
    unchanged: dict[str, int] = field(default_factory=dict)

    def count(self, kind: str, outcome: str) -> None:
        bucket = getattr(self, outcome)
        bucket[kind] = bucket.get(kind, 0) + 1

    def summary(self) -> str:
        kinds = sorted({*self.created, *self.updated, *self.unchanged})
        return ", ".join(
            f"{kind}: {self.created.get(kind, 0)} created, "
            f"{self.updated.get(kind, 0)} updated, "
            f"{self.unchanged.get(kind, 0)} unchanged"
            for kind in kinds
        )


def _date(value: str | None) -> datetime.date | None:
    return datetime.date.fromisoformat(value) if value else None


def fixture_values(
    resource: Resource, row: dict[str, Any], *, exclude=frozenset()
) -> dict[str, Any]:
    """The resource's own columns in a fixture row: each value its declaration
    shows that is an editable model field, dates parsed, a missing key defaulting
    as the model does (a required one is a KeyError, reported as missing)."""
    values = {}
    for f in resource.fields + resource.detail:
        if not isinstance(f, Value) or f.type or f.name in exclude:
            continue
        field = resource.model._meta.get_field(f.path)
        if not field.editable or field.is_relation:
            continue
        if f.name in row:
            value = row[f.name]
            if isinstance(field, models.DateField) and value is not None:
                value = datetime.date.fromisoformat(value)
        elif field.has_default():
            value = field.get_default()
        elif field.null:
            value = None
        elif field.blank:
            value = ""
        else:
            raise KeyError(f.name)
        values[f.name] = value
    return values


def _upsert(model, slug: str, values: dict[str, Any], *, kind: str, result: SeedResult):
    """Create or update one row by its natural key, saving only when it changed."""
    instance = model.objects.filter(slug=slug).first()
    outcome = "unchanged"
    if instance is None:
        instance = model(slug=slug, **values)
        outcome = "created"
    elif any(getattr(instance, name) != value for name, value in values.items()):
        for name, value in values.items():
            setattr(instance, name, value)
        outcome = "updated"
    if outcome != "unchanged":
        instance.full_clean()
        instance.save()
    result.count(kind, outcome)
    return instance


def _by_slug(model, slug: str | None, *, what: str):
    if slug is None:
        return None
    try:
        return model.objects.get(slug=slug)
    except model.DoesNotExist:
        raise ValidationError(
            {what: f"no {model.__name__} with slug {slug!r}"}
        ) from None


def _set_m2m(manager, model, slugs: list[str], *, what: str) -> bool:
    wanted = {_by_slug(model, slug, what=what).pk for slug in slugs}
    current = set(manager.values_list("pk", flat=True))
    if wanted != current:
        manager.set(wanted)
        return True
    return False


def _load_speaker(row, result):
    speaker = _upsert(
        Speaker,
        row["slug"],
        fixture_values(SPEAKER, row),
        kind="speakers",
        result=result,
    )
    for role_row in row.get("roles", []):
        values = {
            "end_date": _date(role_row.get("end_date")),
            "source_url": role_row.get("source_url"),
            "note": role_row.get("note", ""),
        }
        role, created = SpeakerRole.objects.get_or_create(
            speaker=speaker,
            title=role_row["title"],
            organization=role_row["organization"],
            start_date=_date(role_row["start_date"]),
            defaults=values,
        )
        changed = not created and any(
            getattr(role, name) != value for name, value in values.items()
        )
        if changed:
            for name, value in values.items():
                setattr(role, name, value)
        if created or changed:
            role.full_clean()
            role.save()


def _load_event(row, result):
    _upsert(
        Event,
        row["slug"],
        {
            **fixture_values(EVENT, row),
            "parent": _by_slug(Event, row.get("parent"), what="parent"),
        },
        kind="events",
        result=result,
    )


def _load_theme(row, result):
    _upsert(
        Theme,
        row["slug"],
        {
            **fixture_values(THEME, row),
            "parent": _by_slug(Theme, row.get("parent"), what="parent"),
        },
        kind="themes",
        result=result,
    )


def _load_group(row, result):
    _upsert(
        StakeholderGroup,
        row["slug"],
        fixture_values(STAKEHOLDER_GROUP, row),
        kind="stakeholder_groups",
        result=result,
    )


def _text_file(base_dir: Path, name: str) -> Path:
    """The file `name` inside the fixture's folder; nothing outside it is read."""
    folder = base_dir.resolve()
    path = (folder / name).resolve()
    if not path.is_relative_to(folder):
        raise ValidationError(
            {"text_file": f"{name!r} is outside the fixture's folder {folder}"}
        )
    return path


def _load_statement(row, result, base_dir: Path):
    text_path = _text_file(base_dir, row["text_file"])
    try:
        text = text_path.read_bytes().decode("utf-8")
    except (OSError, UnicodeDecodeError) as exc:
        raise ValidationError({"text_file": f"cannot read {text_path}: {exc}"}) from exc
    statement = _upsert(
        Statement,
        row["slug"],
        {
            **fixture_values(STATEMENT, row, exclude={"text"}),
            "text": text,
            "speaker": _by_slug(Speaker, row.get("speaker"), what="speaker"),
            "event": _by_slug(Event, row.get("event"), what="event"),
        },
        kind="statements",
        result=result,
    )
    changed = _set_m2m(statement.themes, Theme, row.get("themes", []), what="themes")
    changed |= _set_m2m(
        statement.stakeholder_groups,
        StakeholderGroup,
        row.get("stakeholder_groups", []),
        what="stakeholder_groups",
    )
    if changed:
        statement.save(update_fields=["updated_at"])


def _load_quote(row, result):
    statement = _by_slug(Statement, row["statement"], what="statement")
    spans = [tuple(span) for span in row["spans"]]
    problems = quote_spans_problems(statement.text, spans, row["fidelity"], row["text"])
    if problems:
        raise ValidationError({"spans": problems})
    quote = _upsert(
        Quote,
        row["slug"],
        {
            "statement": statement,
            "speaker": _by_slug(Speaker, row["speaker"], what="speaker"),
            "event": _by_slug(Event, row.get("event"), what="event"),
            **fixture_values(QUOTE, row),
        },
        kind="quotes",
        result=result,
    )
    changed = set_quote_spans(quote=quote, spans=spans)
    changed |= _set_m2m(quote.themes, Theme, row.get("themes", []), what="themes")
    wanted_links = {
        (
            _by_slug(StakeholderGroup, link["group"], what="stakeholder_groups").pk,
            link["role"],
        )
        for link in row.get("stakeholder_groups", [])
    }
    current_links = set(quote.stakeholder_links.values_list("group_id", "role"))
    if wanted_links != current_links:
        for group_id, role in current_links - wanted_links:
            quote.stakeholder_links.filter(group_id=group_id, role=role).delete()
        for group_id, role in wanted_links - current_links:
            link = QuoteStakeholder(quote=quote, group_id=group_id, role=role)
            link.full_clean()
            link.save()
        changed = True
    if changed:
        quote.save(update_fields=["updated_at"])


def set_quote_spans(*, quote: Quote, spans: list[tuple[int, int]]) -> bool:
    """Replace a quote's spans when they differ; True when something changed."""
    current = list(quote.spans.values_list("start", "end"))
    if current == list(spans):
        return False
    quote.spans.all().delete()
    QuoteSpan.objects.bulk_create(
        QuoteSpan(quote=quote, position=index, start=start, end=end)
        for index, (start, end) in enumerate(spans)
    )
    return True


SECTIONS = [
    ("speakers", _load_speaker),
    ("events", _load_event),
    ("themes", _load_theme),
    ("stakeholder_groups", _load_group),
    ("statements", _load_statement),
    ("quotes", _load_quote),
]


# pg_advisory_xact_lock key of the seed: "seed" in ASCII.
SEED_LOCK = 0x73656564


def _strings(value):
    """Every string in a JSON value, keys included, without recursion."""
    pending = [value]
    while pending:
        item = pending.pop()
        if isinstance(item, str):
            yield item
        elif isinstance(item, dict):
            pending.extend(item.keys())
            pending.extend(item.values())
        elif isinstance(item, list):
            pending.extend(item)


def _reject_nul(row) -> None:
    """PostgreSQL text cannot hold NUL: refuse the row before it gets there."""
    if any("\x00" in text for text in _strings(row)):
        raise ValidationError("a string contains a NUL character (\\u0000)")


def _read_fixture(path: Path) -> dict:
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
    except RecursionError:
        raise FixtureError(
            f"{path}: cannot read the fixture: JSON nested too deeply"
        ) from None
    except (OSError, ValueError) as exc:
        raise FixtureError(f"{path}: cannot read the fixture: {exc}") from exc
    if not isinstance(data, dict):
        raise FixtureError(f"{path}: the fixture must be a JSON object")
    return data


@transaction.atomic
def load_fixture(*, path: Path) -> SeedResult:
    """Load one fixture file by natural keys (slugs), all or nothing.

    Running it twice gives the same rows; a bad row rolls everything back and the
    error names the row. Seeds running at once take turns (a transaction-level
    advisory lock), so that each finds the rows the one before it committed
    instead of inserting the same slugs.
    """
    data = _read_fixture(path)
    with connection.cursor() as cursor:
        cursor.execute("SELECT pg_advisory_xact_lock(%s)", [SEED_LOCK])
    result = SeedResult()
    for section, loader in SECTIONS:
        first_row_of_slug = {}
        for index, row in enumerate(data.get(section, [])):
            label = f"{path.name}: {section}[{index}]"
            if isinstance(row, dict) and "slug" in row:
                label += f" (slug {row['slug']!r})"
                if row["slug"] in first_row_of_slug:
                    raise FixtureError(
                        f"{label}: the slug is already used by "
                        f"{section}[{first_row_of_slug[row['slug']]}]"
                    )
                first_row_of_slug[row["slug"]] = index
            try:
                _reject_nul(row)
                with transaction.atomic():
                    if section == "statements":
                        loader(row, result, path.parent)
                    else:
                        loader(row, result)
            except ValidationError as exc:
                raise FixtureError(f"{label}: {_describe(exc)}") from exc
            except (KeyError, TypeError, ValueError) as exc:
                raise FixtureError(f"{label}: malformed row: {exc!r}") from exc
            except DataError as exc:
                raise FixtureError(
                    f"{label}: the database refused the row: {exc}"
                ) from exc
    return result


def _describe(exc: ValidationError) -> str:
    if hasattr(exc, "message_dict"):
        return "; ".join(
            f"{name}: {' '.join(messages)}"
            for name, messages in exc.message_dict.items()
        )
    return " ".join(exc.messages)
