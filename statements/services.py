"""Writes and imports. Every write path validates before it touches the database."""

import contextlib
import datetime
import json
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from django.core.exceptions import ValidationError
from django.db import DataError, IntegrityError, connection, models, transaction

from statements.choices import AuthorType, Certainty
from statements.models import (
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
    attribution_problems,
    quote_anchor_problems,
)
from statements.resources import (
    BY_KIND,
    EVENT,
    ORGANIZATION,
    QUOTE,
    SPEAKER,
    STAKEHOLDER_GROUP,
    STATEMENT,
    THEME,
    Author,
    Link,
    Links,
    Resource,
    Value,
)

BY_KIND_MODELS = {kind: resource.model for kind, resource in BY_KIND.items()}


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


def writable_values(resource: Resource) -> list[Value]:
    """The values of a resource that a fixture or an editor sets: those its
    declaration shows that are editable model fields (no annotations, no
    relations, nothing computed such as text_sha256)."""
    writable = []
    for f in resource.fields + resource.detail:
        if not isinstance(f, Value) or f.type:
            continue
        field = resource.model._meta.get_field(f.path)
        if field.editable and not field.is_relation:
            writable.append(f)
    return writable


def fixture_values(
    resource: Resource, row: dict[str, Any], *, exclude=frozenset()
) -> dict[str, Any]:
    """The resource's own columns in a fixture row: each value its declaration
    shows that is an editable model field, dates parsed, a missing key defaulting
    as the model does (a required one is a KeyError, reported as missing)."""
    values = {}
    for f in writable_values(resource):
        if f.name in exclude:
            continue
        field = resource.model._meta.get_field(f.path)
        if f.name in row:
            value = row[f.name]
            if isinstance(field, models.DateField) and isinstance(value, str):
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


def _by_slug(model, slug: str | None, *, what: str, lock: bool = False):
    if slug is None:
        return None
    rows = model.objects.select_for_update() if lock else model.objects
    try:
        return rows.get(slug=slug)
    except model.DoesNotExist:
        raise ValidationError(
            {
                what: ValidationError(
                    f"no {model.__name__} with slug {slug!r}", code="does_not_exist"
                )
            }
        ) from None


def _set_m2m(manager, model, slugs: list[str], *, what: str) -> bool:
    wanted = {_by_slug(model, slug, what=what).pk for slug in slugs}
    current = set(manager.values_list("pk", flat=True))
    if wanted != current:
        manager.set(wanted)
        return True
    return False


def _load_organization(row, result):
    _upsert(
        Organization,
        row["slug"],
        {
            **fixture_values(ORGANIZATION, row),
            "parent": _by_slug(Organization, row.get("parent"), what="parent"),
        },
        kind="organizations",
        result=result,
    )


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
            "end_date_certainty": role_row.get("end_date_certainty", Certainty.CERTAIN),
            "source_url": role_row.get("source_url"),
            "note": role_row.get("note", ""),
        }
        role, created = SpeakerRole.objects.get_or_create(
            speaker=speaker,
            title=role_row["title"],
            organization=_by_slug(
                Organization, role_row["organization"], what="roles.organization"
            ),
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
    event = _upsert(
        Event,
        row["slug"],
        {
            **fixture_values(EVENT, row),
            "parent": _by_slug(Event, row.get("parent"), what="parent"),
        },
        kind="events",
        result=result,
    )
    hosts = [(link["organization"], link["role"]) for link in row.get("hosts", [])]
    if set_event_hosts(event=event, links=hosts):
        event.save(update_fields=["updated_at"])


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
            **author_values(row.get("author")),
            "publisher": _by_slug(Organization, row.get("publisher"), what="publisher"),
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
    check_quote_anchor(statement.text, spans, row["fidelity"], row["text"])
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
    changed |= set_stakeholder_links(
        quote=quote,
        links=[
            (link["group"], link["role"]) for link in row.get("stakeholder_groups", [])
        ],
    )
    if changed:
        quote.save(update_fields=["updated_at"])


def check_quote_anchor(
    text: str,
    spans: list[tuple[int, int]],
    fidelity: str,
    quote_text: str,
    *,
    prefix="",
) -> None:
    """Raise a ValidationError naming `spans` or `text` (after `prefix`) when the
    spans do not anchor the quote in `text` (models.quote_anchor_problems)."""
    problems = quote_anchor_problems(text, spans, fidelity, quote_text)
    if problems:
        raise ValidationError(
            {prefix + name: messages for name, messages in problems.items()}
        )


def author_values(author: dict | None) -> dict[str, Any]:
    """The two author columns of a statement from {type, slug} (or None)."""
    if author is None:
        return {"author_speaker": None, "author_organization": None}
    if not isinstance(author, dict) or set(author) - {"type", "slug", "name", "url"}:
        raise ValidationError(
            {"author": "An author is {type, slug}: speaker or organization."}
        )
    models_by_type = {
        AuthorType.SPEAKER: Speaker,
        AuthorType.ORGANIZATION: Organization,
    }
    kind = author.get("type")
    if kind not in models_by_type:
        raise ValidationError(
            {"author": f"type must be one of {', '.join(AuthorType.values)}."}
        )
    found = _by_slug(models_by_type[kind], author.get("slug"), what="author")
    if found is None:
        raise ValidationError({"author": "An author needs a slug."})
    return {
        "author_speaker": found if kind == AuthorType.SPEAKER else None,
        "author_organization": found if kind == AuthorType.ORGANIZATION else None,
    }


def set_event_hosts(*, event: Event, links: list[tuple[str, str]]) -> bool:
    """Make an event's (organization slug, role) hosts exactly `links`; True on a
    change. An organization hosts an event once, in one role."""
    wanted = {}
    for index, (slug, role) in enumerate(links):
        organization = _by_slug(Organization, slug, what=f"hosts[{index}].slug")
        if organization.pk in wanted:
            raise ValidationError(
                {f"hosts[{index}].slug": f"{slug!r} is listed twice."}
            )
        wanted[organization.pk] = role
    current = dict(event.host_links.values_list("organization_id", "role"))
    if wanted == current:
        return False
    event.host_links.exclude(organization_id__in=list(wanted)).delete()
    for index, (organization_id, role) in enumerate(wanted.items()):
        if current.get(organization_id) == role:
            continue
        link = event.host_links.filter(organization_id=organization_id).first()
        link = link or EventHost(event=event, organization_id=organization_id)
        link.role = role
        try:
            link.full_clean(validate_unique=False)
        except ValidationError as error:
            raise ValidationError(
                {f"hosts[{index}].{k}": v for k, v in error.message_dict.items()}
            ) from None
        link.save()
    return True


def set_stakeholder_links(*, quote: Quote, links: list[tuple[str, str]]) -> bool:
    """Make a quote's (group slug, role) links exactly `links`; True on a change."""
    wanted_links = {
        (_by_slug(StakeholderGroup, slug, what="stakeholder_groups").pk, role)
        for slug, role in links
    }
    current_links = set(quote.stakeholder_links.values_list("group_id", "role"))
    if wanted_links == current_links:
        return False
    for group_id, role in current_links - wanted_links:
        quote.stakeholder_links.filter(group_id=group_id, role=role).delete()
    for group_id, role in wanted_links - current_links:
        link = QuoteStakeholder(quote=quote, group_id=group_id, role=role)
        link.full_clean()
        link.save()
    return True


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
    ("organizations", _load_organization),
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


# --- Editing: the write API's services ---------------------------------------------

# ValidationError codes that mean "conflicts with the current data" (HTTP 409),
# not "invalid" (422).
CONFLICT_CODES = frozenset({"unique", "slug_retired", "text_immutable", "protected"})


@dataclass(frozen=True)
class Anchor:
    """A quote re-anchored in the same write as its statement's new text."""

    slug: str
    spans: list[tuple[int, int]]
    text: str | None = None
    # Where the quote's attribution now starts; None moves it with the first span.
    attribution_start: int | None = None


def moved_attribution(quote: Quote, anchor: Anchor, old_first_start: int | None):
    """(start, end) of the quote's attribution after a re-anchor: where the anchor
    puts it, else moved as far as the quote's first span moved; None without one."""
    if quote.attribution_text is None:
        return None
    start = anchor.attribution_start
    if start is None:
        moved = 0 if old_first_start is None else anchor.spans[0][0] - old_first_start
        start = quote.attribution_start + moved
    return start, start + len(quote.attribution_text)


def _writable_links(resource: Resource):
    """The resource's links an editor sets: to-one links (foreign keys) and
    many-to-many links; a tree's children are set from the child's side."""
    for f in resource.fields + resource.detail:
        if isinstance(f, Link | Author) or isinstance(f, Links) and f.through:
            yield f


def _set_speaker_roles(*, speaker: Speaker, rows: list[dict]) -> bool:
    """Make a speaker's roles exactly `rows` (title, organization, start_date, ...)."""
    keep = []
    changed = False
    for index, row in enumerate(rows):
        organization = _by_slug(
            Organization, row["organization"], what=f"roles[{index}].organization"
        )
        role = SpeakerRole.objects.filter(
            speaker=speaker,
            title=row["title"],
            organization=organization,
            start_date=row["start_date"],
        ).first() or SpeakerRole(speaker=speaker)
        values = {
            "title": row["title"],
            "organization": organization,
            "start_date": row["start_date"],
            "end_date": row.get("end_date"),
            "end_date_certainty": row.get("end_date_certainty", Certainty.CERTAIN),
            "source_url": row.get("source_url"),
            "note": row.get("note", ""),
        }
        if role.pk is None or any(getattr(role, k) != v for k, v in values.items()):
            for name, value in values.items():
                setattr(role, name, value)
            try:
                role.full_clean(exclude=["speaker"])
            except ValidationError as error:
                raise ValidationError(
                    {f"roles[{index}].{k}": v for k, v in error.message_dict.items()}
                ) from None
            role.save()
            changed = True
        keep.append(role.pk)
    stale = speaker.roles.exclude(pk__in=keep)
    if stale.exists():
        stale.delete()
        changed = True
    return changed


def _reanchor(*, statement: Statement, anchors: list[Anchor], text_changed: bool):
    """Check and apply the quotes' new spans (and texts) for the statement's text.

    A statement's text cannot change while quotes are anchored to it unless every
    one of them is re-anchored in the same write.
    """
    quotes = {q.slug: q for q in statement.quotes.select_for_update()}
    if text_changed:
        missing = sorted(set(quotes) - {anchor.slug for anchor in anchors})
        if missing:
            raise ValidationError(
                {
                    "text": ValidationError(
                        "The text cannot change while quotes are anchored to it; "
                        "re-anchor every quote in `quotes` in the same request "
                        f"(missing: {', '.join(missing)}).",
                        code="text_immutable",
                    )
                }
            )
    errors = {}
    first_starts = dict(
        QuoteSpan.objects.filter(quote__in=quotes.values(), position=0).values_list(
            "quote__slug", "start"
        )
    )
    attributions = {}
    for index, anchor in enumerate(anchors):
        quote = quotes.get(anchor.slug)
        if quote is None:
            errors[f"quotes[{index}].slug"] = [
                ValidationError(
                    f"no quote {anchor.slug!r} is anchored to this statement",
                    code="does_not_exist",
                )
            ]
            continue
        try:
            check_quote_anchor(
                statement.text,
                anchor.spans,
                quote.fidelity,
                anchor.text if anchor.text is not None else quote.text,
                prefix=f"quotes[{index}].",
            )
        except ValidationError as error:
            errors.update(error.error_dict)
            continue
        attribution = moved_attribution(quote, anchor, first_starts.get(quote.slug))
        if attribution is not None:
            attributions[quote.slug] = attribution
            problems = attribution_problems(
                statement.text, quote.attribution_text, *attribution
            )
            if problems:
                errors[f"quotes[{index}].attribution_start"] = [
                    message for messages in problems.values() for message in messages
                ]
    if errors:
        raise ValidationError(errors)
    for anchor in anchors:
        quote = quotes[anchor.slug]
        changed = set_quote_spans(quote=quote, spans=anchor.spans)
        if quote.slug in attributions:
            start, end = attributions[quote.slug]
            if (start, end) != (quote.attribution_start, quote.attribution_end):
                quote.attribution_start, quote.attribution_end = start, end
                changed = True
        if anchor.text is not None and anchor.text != quote.text:
            quote.text = anchor.text
            changed = True
        if changed:
            quote.full_clean(validate_unique=False)
            quote.save()


def quote_anchor_changes(*, resource: Resource, instance, data: dict) -> bool:
    """Whether a write changes the text or spans of a quote that is already
    published (every stored quote is): such an edit needs a reason."""
    if instance is None:
        return False
    if resource.model is Statement:
        anchors = data.get("quotes") or []
        if not anchors:
            return False
        current = {
            q.slug: (q.text, list(q.spans.values_list("start", "end")))
            for q in instance.quotes.prefetch_related("spans")
        }
        return any(
            anchor.slug in current
            and (
                (anchor.text is not None and anchor.text != current[anchor.slug][0])
                or list(anchor.spans) != current[anchor.slug][1]
            )
            for anchor in anchors
        )
    if resource.model is not Quote:
        return False
    if "text" in data and data["text"] != instance.text:
        return True
    spans = data.get("spans")
    return spans is not None and list(spans) != list(
        instance.spans.values_list("start", "end")
    )


# PostgreSQL's unique_violation.
UNIQUE_VIOLATION = "23505"


@contextlib.contextmanager
def unique_race_is_a_conflict():
    """A unique value that full_clean found free but a concurrent write took
    first (the database's unique constraint refuses it) is a conflict (409),
    as full_clean's own finding would be, not a server error."""
    try:
        yield
    except IntegrityError as error:
        if getattr(error.__cause__, "sqlstate", None) != UNIQUE_VIOLATION:
            raise
        constraint = getattr(
            getattr(error.__cause__, "diag", None), "constraint_name", ""
        )
        field = "slug" if "slug" in (constraint or "") else "non_field_errors"
        raise ValidationError(
            {
                field: ValidationError(
                    "Another record took this value a moment ago; choose another.",
                    code="unique",
                )
            }
        ) from None


@transaction.atomic
def save_record(
    *,
    resource: Resource,
    data: dict[str, Any],
    instance: models.Model | None = None,
    partial: bool = False,
    reason: str | None = None,
) -> models.Model:
    """Create (`instance` None) or change a record of `resource` from the write
    API's data: the JSON field names of its declaration, links by slug.

    Without `partial`, a field left out takes the model's default (as a fixture
    row does, `fixture_values`). The rules the fixtures obey hold here too: model
    validation (`full_clean`: constraints, unique and never-reused slugs, acyclic
    parents), quote spans that read the quote's text, a statement text that
    changes only with its quotes re-anchored. Raises ValidationError naming each
    field at fault (codes in CONFLICT_CODES mean a conflict); the transaction
    then rolls back and nothing is written.
    """
    model = resource.model
    if quote_anchor_changes(resource=resource, instance=instance, data=data) and not (
        reason and reason.strip()
    ):
        raise ValidationError(
            {
                "reason": ValidationError(
                    "A reason is required to change the text or spans of a "
                    "published quote.",
                    code="required",
                )
            }
        )
    creating = instance is None
    if creating:
        instance = model()
    old_text = None if creating else getattr(instance, "text", None)
    if partial:
        current = {f.name: getattr(instance, f.path) for f in writable_values(resource)}
        values = fixture_values(resource, {**current, **data})
    else:
        values = fixture_values(resource, data)
    if "slug" in data:
        values["slug"] = data["slug"]
    links = {}
    for f in _writable_links(resource):
        if isinstance(f, Link) and (f.name in data or not partial):
            target = BY_KIND_MODELS[f.target]
            lock = model is Quote and f.name == "statement"
            values[f.path] = _by_slug(target, data.get(f.name), what=f.name, lock=lock)
        elif isinstance(f, Links) and (f.name in data or not partial):
            links[f] = data.get(f.name, [])
        elif isinstance(f, Author) and (f.name in data or not partial):
            values.update(author_values(data.get(f.name)))
    for name, value in values.items():
        setattr(instance, name, value)
    text_changed = model is Statement and not creating and instance.text != old_text
    anchors = (data.get("quotes") or []) if model is Statement else []
    if creating and anchors:
        raise ValidationError(
            {"quotes": "A new statement has no quotes to re-anchor; leave it out."}
        )
    if model is Statement and not creating:
        # The quotes are checked against the new text below, anchors applied.
        instance.quotes_reanchored = True
    instance.full_clean()
    if model is Quote:
        spans = data.get("spans")
        if spans is None:
            spans = [] if creating else list(instance.spans.values_list("start", "end"))
        check_quote_anchor(
            instance.statement.text, spans, instance.fidelity, instance.text
        )
    if model is Statement and not creating:
        with unique_race_is_a_conflict():
            instance.save(check_quotes=False)
        _reanchor(statement=instance, anchors=anchors, text_changed=text_changed)
        instance.validate_quotes_against_text()
    else:
        with unique_race_is_a_conflict():
            instance.save()
    touched = False
    if model is Quote and "spans" in data:
        touched |= set_quote_spans(quote=instance, spans=data["spans"])
    if model is Speaker and ("roles" in data or not partial):
        touched |= _set_speaker_roles(speaker=instance, rows=data.get("roles", []))
    for f, slugs in links.items():
        if f.role and model is Event:
            touched |= set_event_hosts(
                event=instance, links=[(link["slug"], link["role"]) for link in slugs]
            )
        elif f.role:
            touched |= set_stakeholder_links(
                quote=instance, links=[(link["slug"], link["role"]) for link in slugs]
            )
        else:
            touched |= _set_m2m(
                getattr(instance, f.through),
                BY_KIND_MODELS[f.target],
                slugs,
                what=f.name,
            )
    if touched and not creating:
        instance.save(update_fields=["updated_at"])
    return instance


@transaction.atomic
def delete_record(*, instance: models.Model) -> None:
    """Delete a record; a record others still point at is a conflict (409)."""
    try:
        instance.delete()
    except models.ProtectedError as error:
        kinds = sorted(
            {str(obj._meta.verbose_name_plural) for obj in error.protected_objects}
        )
        raise ValidationError(
            ValidationError(
                f"Other records still point at this one ({', '.join(kinds)}); "
                "change or delete them first.",
                code="protected",
            )
        ) from None
