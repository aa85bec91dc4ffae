"""OpenAPI response examples, built from the seed data at import time.

Every body is the one the API returns for fixtures/blinken.json once seeded, under
the host EXAMPLE_HOST and with fixed timestamps. They are built from the fixture
file and its text (never from the database: the schema is generated in CI, maybe
against an empty database), with the same rules as statements.api.representations;
tests/api/test_schema_examples.py holds each of them to the live response.
"""

import datetime
import json
from collections import Counter
from pathlib import Path
from types import SimpleNamespace

from django.conf import settings
from drf_spectacular.utils import OpenApiExample

from statements.models import (
    format_citation,
    quote_date,
    role_on,
    split_paragraphs,
    text_sha256,
)
from statements.problems import problem_body

EXAMPLE_HOST = "https://statements.example.org"
TIMESTAMP = "2026-12-01T09:00:00Z"
FIXTURE_PATH = Path(settings.BASE_DIR) / "fixtures" / "blinken.json"
FIXTURE = json.loads(FIXTURE_PATH.read_text(encoding="utf-8"))

QUOTE = "blinken-stabilize-and-strengthen-host-communities"
STATEMENT = "voa-blinken-on-meeting-the-migration-challenge"
SPEAKER = "antony-blinken"
EVENT = "ministerial-conference-on-migration-and-protection-2022"
THEME = "host-communities"
GROUP = "host-communities"

_PATHS = {
    "speakers": "speakers",
    "events": "events",
    "themes": "themes",
    "stakeholder_groups": "stakeholder-groups",
    "statements": "statements",
    "quotes": "quotes",
}
_STAMPS = {"created_at": TIMESTAMP, "updated_at": TIMESTAMP}


def _text(statement: dict) -> str:
    path = FIXTURE_PATH.parent / statement["text_file"]
    return path.read_bytes().decode("utf-8")


def _day(value: str | None) -> datetime.date | None:
    return datetime.date.fromisoformat(value) if value else None


def url(section: str, slug: str) -> str:
    return f"{EXAMPLE_HOST}/api/v1/{_PATHS[section]}/{slug}/"


def row(section: str, slug: str) -> dict:
    return next(item for item in FIXTURE[section] if item["slug"] == slug)


def _index(section: str, slug: str) -> int:
    """Rows are seeded in fixture order: the index stands for the id."""
    return [item["slug"] for item in FIXTURE[section]].index(slug)


def brief(section: str, slug: str | None) -> dict | None:
    if slug is None:
        return None
    label = "title" if section == "statements" else "name"
    return {"slug": slug, label: row(section, slug)[label], "url": url(section, slug)}


def briefs_by_name(section: str, slugs) -> list[dict]:
    """Themes and groups as the API orders them: by name, then id."""
    ordered = sorted(
        slugs, key=lambda slug: (row(section, slug)["name"], _index(section, slug))
    )
    return [brief(section, slug) for slug in ordered]


def _count(section: str, key: str, slug: str) -> int:
    return sum(
        1
        for item in FIXTURE[section]
        if (slug in item[key] if isinstance(item[key], list) else item[key] == slug)
    )


def _quote_groups(quote: dict) -> set[str]:
    return {link["group"] for link in quote["stakeholder_groups"]}


# --- one body per resource ------------------------------------------------------------


def speaker_body(slug: str) -> dict:
    record = row("speakers", slug)
    return {
        "slug": slug,
        "url": url("speakers", slug),
        "name": record["name"],
        "sort_name": record["sort_name"],
        "given_name": record["given_name"],
        "family_name": record["family_name"],
        "other_names": record["other_names"],
        "biography": record["biography"],
        "wikidata_id": record["wikidata_id"],
        "roles": sorted(record["roles"], key=lambda role: role["start_date"]),
        "quote_count": _count("quotes", "speaker", slug),
        "statement_count": _count("statements", "speaker", slug),
        **_STAMPS,
    }


def event_body(slug: str) -> dict:
    record = row("events", slug)
    children = sorted(
        (item for item in FIXTURE["events"] if item["parent"] == slug),
        key=lambda item: (item["start_date"], _index("events", item["slug"])),
    )
    return {
        "slug": slug,
        "url": url("events", slug),
        "name": record["name"],
        "kind": record["kind"],
        "description": record["description"],
        "start_date": record["start_date"],
        "end_date": record["end_date"],
        "venue": record["venue"],
        "city": record["city"],
        "country": record["country"],
        "hosts": record["hosts"],
        "source_urls": record["source_urls"],
        "parent": brief("events", record["parent"]),
        "children": [brief("events", child["slug"]) for child in children],
        "quote_count": _count("quotes", "event", slug),
        "statement_count": _count("statements", "event", slug),
        **_STAMPS,
    }


def theme_body(slug: str) -> dict:
    record = row("themes", slug)
    children = [item["slug"] for item in FIXTURE["themes"] if item["parent"] == slug]
    return {
        "slug": slug,
        "url": url("themes", slug),
        "name": record["name"],
        "description": record["description"],
        "parent": brief("themes", record["parent"]),
        "children": briefs_by_name("themes", children),
        "quote_count": _count("quotes", "themes", slug),
        "statement_count": _count("statements", "themes", slug),
        **_STAMPS,
    }


def group_body(slug: str) -> dict:
    record = row("stakeholder_groups", slug)
    return {
        "slug": slug,
        "url": url("stakeholder_groups", slug),
        "name": record["name"],
        "category": record["category"],
        "description": record["description"],
        "quote_count": sum(
            1 for quote in FIXTURE["quotes"] if slug in _quote_groups(quote)
        ),
        "statement_count": _count("statements", "stakeholder_groups", slug),
        **_STAMPS,
    }


def _spans(quote: dict) -> list[dict]:
    return [{"start": start, "end": end} for start, end in quote["spans"]]


def statement_body(slug: str, *, detail: bool) -> dict:
    record = row("statements", slug)
    text = _text(record)
    body = {
        "slug": slug,
        "url": url("statements", slug),
        "title": record["title"],
        "kind": record["kind"],
        "publisher": record["publisher"],
        "source_url": record["source_url"],
        "published_on": record.get("published_on"),
        "language": record["language"],
        "license": record["license"],
        "license_url": record.get("license_url"),
        "text_sha256": text_sha256(text),
        "speaker": brief("speakers", record.get("speaker")),
        "event": brief("events", record.get("event")),
        "themes": briefs_by_name("themes", record.get("themes", [])),
        "stakeholder_groups": briefs_by_name(
            "stakeholder_groups", record.get("stakeholder_groups", [])
        ),
        "quote_count": _count("quotes", "statement", slug),
        "highlight": None,
        **_STAMPS,
    }
    if detail:
        body["provenance_note"] = record.get("provenance_note", "")
        body["text"] = text
        body["paragraphs"] = [
            {"index": p.index, "start": p.start, "end": p.end}
            for p in split_paragraphs(text)
        ]
        body["quotes"] = [
            {
                "slug": quote["slug"],
                "url": url("quotes", quote["slug"]),
                "fidelity": quote["fidelity"],
                "text": quote["text"],
                "speaker": brief("speakers", quote["speaker"]),
                "spans": _spans(quote),
            }
            for quote in FIXTURE["quotes"]
            if quote["statement"] == slug
        ]
    return body


def quote_body(slug: str) -> dict:
    quote = row("quotes", slug)
    statement = row("statements", quote["statement"])
    speaker = row("speakers", quote["speaker"])
    event = row("events", quote["event"]) if quote.get("event") else None
    event_start = _day(event["start_date"]) if event else None
    date = quote_date(
        _day(quote.get("said_on")),
        event_start,
        _day(event["end_date"]) if event else None,
    )
    roles = [
        SimpleNamespace(
            **{
                **r,
                "start_date": _day(r["start_date"]),
                "end_date": _day(r["end_date"]),
            }
        )
        for r in sorted(speaker["roles"], key=lambda r: r["start_date"])
    ]
    role = role_on(roles, date or event_start or _day(statement.get("published_on")))
    permalink = url("quotes", slug)
    links = sorted(
        quote["stakeholder_groups"],
        key=lambda link: (
            row("stakeholder_groups", link["group"])["name"],
            link["role"],
        ),
    )
    return {
        "slug": slug,
        "url": permalink,
        "text": quote["text"],
        "fidelity": quote["fidelity"],
        "spans": _spans(quote),
        "speaker": brief("speakers", quote["speaker"]),
        "speaker_role": {"title": role.title, "organization": role.organization}
        if role
        else None,
        "statement": brief("statements", quote["statement"]),
        "event": brief("events", quote.get("event")),
        "said_on": quote.get("said_on"),
        "date": date.isoformat() if date else None,
        "as_delivered": quote.get("as_delivered"),
        "as_delivered_source_url": quote.get("as_delivered_source_url"),
        "themes": briefs_by_name("themes", quote.get("themes", [])),
        "stakeholder_groups": [
            {**brief("stakeholder_groups", link["group"]), "role": link["role"]}
            for link in links
        ],
        "source": {
            "title": statement["title"],
            "publisher": statement["publisher"],
            "source_url": statement["source_url"],
            "published_on": statement.get("published_on"),
            "language": statement["language"],
            "license": statement["license"],
            "license_url": statement.get("license_url"),
        },
        "citation": format_citation(
            speaker_name=speaker["name"],
            role=(role.title, role.organization) if role else None,
            event_name=event["name"] if event else None,
            date=date,
            title=statement["title"],
            publisher=statement["publisher"],
            published_on=_day(statement.get("published_on")),
            source_url=statement["source_url"],
            license=statement["license"],
            permalink=permalink,
        ),
        "provenance_note": quote.get("provenance_note", ""),
        "highlight": None,
        **_STAMPS,
    }


def page(results: list[dict]) -> dict:
    """A first and only page of the default size."""
    return {
        "count": len(results),
        "next": None,
        "previous": None,
        "page": {
            "number": 1,
            "size": 50,
            "requested_size": 50,
            "max_size": 100,
            "size_capped": False,
            "total_pages": 1,
        },
        "results": results,
    }


def facets_body(quote_slugs: list[str]) -> dict:
    quotes = [row("quotes", slug) for slug in quote_slugs]

    def counted(section, counter):
        return [
            {"slug": slug, "name": row(section, slug)["name"], "count": count}
            for slug, count in sorted(counter.items(), key=lambda x: (-x[1], x[0]))
        ]

    months = Counter(q["said_on"][:7] for q in quotes if q.get("said_on"))
    return {
        "total": len(quotes),
        "themes": counted("themes", Counter(t for q in quotes for t in q["themes"])),
        "stakeholder_groups": counted(
            "stakeholder_groups", Counter(g for q in quotes for g in _quote_groups(q))
        ),
        "speakers": counted("speakers", Counter(q["speaker"] for q in quotes)),
        "events": counted("events", Counter(q["event"] for q in quotes if q["event"])),
        "months": [{"month": m, "count": c} for m, c in sorted(months.items())],
    }


# --- the examples, by operation ------------------------------------------------------


def _example(name: str, summary: str, value, description: str = "") -> OpenApiExample:
    return OpenApiExample(
        name,
        value=value,
        summary=summary,
        description=description,
        response_only=True,
        status_codes=["200"],
    )


def _children(section: str, key: str, value: str) -> list[str]:
    return [item["slug"] for item in FIXTURE[section] if item[key] == value]


# The quotes of ?theme=host-communities, in the list's order (by id).
HOST_COMMUNITY_QUOTES = [
    quote["slug"] for quote in FIXTURE["quotes"] if THEME in quote["themes"]
]

INVALID_FIDELITY = OpenApiExample(
    "InvalidFidelity",
    summary="?fidelity=quoted",
    value=problem_body(
        400,
        "fidelity: Select a valid choice. quoted is not one of the available choices.",
        code="validation-error",
        errors=[
            {
                "parameter": "fidelity",
                "message": "Select a valid choice. quoted is not one of the "
                "available choices.",
                "code": "invalid_choice",
            }
        ],
    ),
    response_only=True,
    status_codes=["400"],
)

QUOTE_DETAIL = [
    _example(
        "TwoSpanQuote",
        f"GET /quotes/{QUOTE}/",
        quote_body(QUOTE),
        "One quotation split by the publisher's attribution: two spans of the text.",
    )
]
QUOTE_LIST = [
    _example(
        "QuotesOfATheme",
        f"GET /quotes/?theme={THEME}",
        page([quote_body(slug) for slug in HOST_COMMUNITY_QUOTES]),
    ),
    INVALID_FIDELITY,
]
QUOTE_FACETS = [
    _example(
        "FacetsOfATheme",
        f"GET /quotes/facets/?theme={THEME}",
        facets_body(HOST_COMMUNITY_QUOTES),
    ),
    INVALID_FIDELITY,
]
STATEMENT_DETAIL = [
    _example(
        "Statement",
        f"GET /statements/{STATEMENT}/",
        statement_body(STATEMENT, detail=True),
        "The full text, its paragraphs and the quotes taken from it.",
    )
]
STATEMENT_LIST = [
    _example(
        "Statements",
        "GET /statements/",
        page(
            [
                statement_body(item["slug"], detail=False)
                for item in FIXTURE["statements"]
            ]
        ),
    )
]
SPEAKER_DETAIL = [
    _example("Speaker", f"GET /speakers/{SPEAKER}/", speaker_body(SPEAKER))
]
SPEAKER_LIST = [
    _example(
        "Speakers",
        "GET /speakers/",
        page([speaker_body(item["slug"]) for item in FIXTURE["speakers"]]),
    )
]
EVENT_DETAIL = [
    _example(
        "ConferenceWithSessions",
        f"GET /events/{EVENT}/",
        event_body(EVENT),
        "A conference and its two child events.",
    )
]
EVENT_LIST = [
    _example(
        "ChildEvents",
        f"GET /events/?parent={EVENT}",
        page([event_body(slug) for slug in _children("events", "parent", EVENT)]),
    )
]
THEME_DETAIL = [_example("Theme", f"GET /themes/{THEME}/", theme_body(THEME))]
THEME_LIST = [
    _example(
        "ChildThemes",
        f"GET /themes/?parent={THEME}",
        page(
            [
                theme_body(item["slug"])
                for item in briefs_by_name(
                    "themes", _children("themes", "parent", THEME)
                )
            ]
        ),
    )
]
GROUP_DETAIL = [
    _example("StakeholderGroup", f"GET /stakeholder-groups/{GROUP}/", group_body(GROUP))
]
GROUP_LIST = [
    _example(
        "GovernmentGroups",
        "GET /stakeholder-groups/?category=government",
        page(
            [
                group_body(item["slug"])
                for item in briefs_by_name(
                    "stakeholder_groups",
                    _children("stakeholder_groups", "category", "government"),
                )
            ]
        ),
    )
]


_BY_OPERATION = {
    "quotes-list": QUOTE_LIST,
    "quotes-detail": QUOTE_DETAIL,
    "quotes-facets": QUOTE_FACETS,
    "statements-list": STATEMENT_LIST,
    "statements-detail": STATEMENT_DETAIL,
    "speakers-list": SPEAKER_LIST,
    "speakers-detail": SPEAKER_DETAIL,
    "events-list": EVENT_LIST,
    "events-detail": EVENT_DETAIL,
    "themes-list": THEME_LIST,
    "themes-detail": THEME_DETAIL,
    "stakeholder-groups-list": GROUP_LIST,
    "stakeholder-groups-detail": GROUP_DETAIL,
}


def response_examples(operation: str) -> list[OpenApiExample]:
    return _BY_OPERATION[operation]
