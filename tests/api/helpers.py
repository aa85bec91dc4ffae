"""Expected bodies built from fixtures/blinken.json, and checks the API tests share.

Golden values come from the fixture file and literal strings, never from a response.
"""

import datetime
import hashlib
import json
import re
from pathlib import Path

from statements.resources import RESOURCES

ROOT = Path(__file__).resolve().parents[2]
FIXTURE = json.loads((ROOT / "fixtures" / "blinken.json").read_text(encoding="utf-8"))
BASE = "http://testserver/api/v1"

SPEAKER = "antony-blinken"
STATEMENT = "voa-blinken-on-meeting-the-migration-challenge"
CONFERENCE = "ministerial-conference-on-migration-and-protection-2022"
RECEPTION = f"{CONFERENCE}-reception"
SESSION = f"{CONFERENCE}-session-stabilization-of-communities"

MASS_MIGRATION = "blinken-mass-migration-remains-a-priority"
STRONG_INTEREST = "blinken-strong-interest-in-border-security"
WE_CARE = "blinken-we-care-about-the-well-being-of-millions"
IN_PARTICULAR = "blinken-stabilize-and-strengthen-host-communities"
MORE_PEOPLE = "blinken-more-people-on-the-move-than-since-ww2"
STAND_TOGETHER = "blinken-stand-together-to-meet-the-challenge"
QUOTES_IN_ORDER = [
    MASS_MIGRATION,
    STRONG_INTEREST,
    WE_CARE,
    IN_PARTICULAR,
    MORE_PEOPLE,
    STAND_TOGETHER,
]

STATEMENT_ROW = FIXTURE["statements"][0]
STATEMENT_TEXT = (
    (ROOT / "fixtures" / STATEMENT_ROW["text_file"]).read_bytes().decode("utf-8")
)

PROBLEM_TYPE = "application/problem+json"

# Fixture sections are the resources' plurals.
_PATHS = {resource.plural: resource.route for resource in RESOURCES}


def url(section: str, slug: str) -> str:
    """The absolute URL of one record, as the test client sees it."""
    return f"{BASE}/{_PATHS[section]}/{slug}/"


def row(section: str, slug: str) -> dict:
    """The fixture row of `section` with `slug`."""
    return next(item for item in FIXTURE[section] if item["slug"] == slug)


def brief(section: str, slug: str) -> dict:
    """The brief form (slug, name or title, url, shape) of a fixture record."""
    record = row(section, slug)
    label = "title" if section == "statements" else "name"
    return {
        "slug": slug,
        label: record[label],
        "url": url(section, slug),
        "shape": "brief",
    }


def expanded(obj: dict) -> dict:
    """An object as `?expand=` puts it in place of its brief: `shape` full."""
    return {**obj, "shape": "full"}


def briefs_by_name(section: str, slugs) -> list[dict]:
    """Briefs in the API's order for themes and groups: name, then id.

    Rows are created in fixture order, so the fixture index stands for the id.
    """
    order = [item["slug"] for item in FIXTURE[section]]
    ordered = sorted(slugs, key=lambda s: (row(section, s)["name"], order.index(s)))
    return [brief(section, slug) for slug in ordered]


def strip_timestamps(value):
    """Drop created_at/updated_at wherever they are, checking each is ISO 8601.

    The top-level object (or each top-level list item) must have both.
    """
    items = value if isinstance(value, list) else [value]
    for item in items:
        assert {"created_at", "updated_at"} <= set(item), item.get("slug")
    return without_timestamps(value)


def without_timestamps(value):
    """`value` without created_at/updated_at at any depth, each checked ISO 8601."""
    if isinstance(value, list):
        return [without_timestamps(item) for item in value]
    if not isinstance(value, dict):
        return value
    result = {}
    for key, item in value.items():
        if key in ("created_at", "updated_at"):
            assert isinstance(item, str), (key, item)
            parsed = datetime.datetime.fromisoformat(item.replace("Z", "+00:00"))
            assert parsed.tzinfo is not None, (key, item)
            continue
        result[key] = without_timestamps(item)
    return result


def slugs(response) -> list[str]:
    assert response.status_code == 200, response.content
    return [item["slug"] for item in response.json()["results"]]


def assert_problem(response, status: int, parameter: str | None = None) -> dict:
    """The response is RFC 9457 problem+json with `status`, naming `parameter`."""
    assert response.status_code == status, response.content
    assert response.headers["Content-Type"] == PROBLEM_TYPE
    body = response.json()
    assert body["status"] == status
    assert body["type"].startswith("https://statements-api.org/problems/")
    assert isinstance(body["title"], str)
    assert body["title"]
    assert isinstance(body["detail"], str)
    assert body["detail"]
    if parameter is not None:
        assert body["type"].endswith("/validation-error")
        assert parameter in [error["parameter"] for error in body["errors"]], body
        for error in body["errors"]:
            assert set(error) == {"parameter", "message", "code"}
    return body


_LINK = re.compile(r'\s*<([^>]*)>\s*;\s*rel="([^"]+)"\s*(?:,|$)')


def link_header(response) -> dict[str, str]:
    """The RFC 8288 Link header as {rel: url}; fails on anything else in it."""
    header = response.headers.get("Link", "")
    links, position = {}, 0
    while position < len(header):
        match = _LINK.match(header, position)
        assert match, f"not an RFC 8288 link-value at {header[position:]!r}"
        links[match.group(2)] = match.group(1)
        position = match.end()
    return links


# --- Golden bodies (timestamps left out: see strip_timestamps) -----------------------

# The licence of the project's own data by default (settings.DATA_LICENSE), and
# of the seed text as its statement names it.
DATA_LICENSE = {
    "name": "CC BY 4.0",
    "url": "https://creativecommons.org/licenses/by/4.0/",
}
TEXT_LICENSE = {"name": "Public domain (work of the U.S. Government)", "url": None}
DATA_ONLY = {"data": DATA_LICENSE, "text": None}
WITH_TEXT = {"data": DATA_LICENSE, "text": TEXT_LICENSE}


def expected_role(role: dict) -> dict:
    """A role as the API shows it: its organization as a brief."""
    return {**role, "organization": brief("organizations", role["organization"])}


def expected_host(link: dict) -> dict:
    """An event's host as the API shows it: a brief with its role."""
    return {**brief("organizations", link["organization"]), "role": link["role"]}


def expected_organization(slug) -> dict:
    record = row("organizations", slug)
    children = [
        item["slug"] for item in FIXTURE["organizations"] if item["parent"] == slug
    ]
    return {
        "slug": slug,
        "url": url("organizations", slug),
        "name": record["name"],
        "classification": record["classification"],
        "description": record["description"],
        "wikidata_id": record["wikidata_id"],
        "wikidata_certainty": record["wikidata_certainty"],
        "parent": brief("organizations", record["parent"])
        if record["parent"]
        else None,
        "children": briefs_by_name("organizations", children),
        "licenses": DATA_ONLY,
    }


def expected_speaker(*, quote_count=6, statement_count=1) -> dict:
    record = row("speakers", SPEAKER)
    return {
        "slug": SPEAKER,
        "url": url("speakers", SPEAKER),
        "name": record["name"],
        "sort_name": record["sort_name"],
        "given_name": record["given_name"],
        "family_name": record["family_name"],
        "other_names": record["other_names"],
        "biography": record["biography"],
        "wikidata_id": record["wikidata_id"],
        "roles": [expected_role(role) for role in record["roles"]],
        "quote_count": quote_count,
        "statement_count": statement_count,
        "licenses": DATA_ONLY,
    }


def themes_below(slug: str) -> set[str]:
    """A fixture theme and every theme below it."""
    found = {slug}
    for item in FIXTURE["themes"]:
        if item["parent"] == slug:
            found |= themes_below(item["slug"])
    return found


def theme_quote_count(slug: str, *, direct: bool = False) -> int:
    """Fixture quotes tagged with the theme (or, unless `direct`, a theme below)."""
    themes = {slug} if direct else themes_below(slug)
    return sum(bool(themes & set(quote["themes"])) for quote in FIXTURE["quotes"])


def tree_counts(quotes, statements, quotes_direct, statements_direct) -> dict:
    return {
        "quote_count": quotes,
        "quote_count_direct": quotes if quotes_direct is None else quotes_direct,
        "statement_count": statements,
        "statement_count_direct": (
            statements if statements_direct is None else statements_direct
        ),
    }


def expected_event(
    slug,
    *,
    children,
    quote_count,
    statement_count,
    quote_count_direct=None,
    statement_count_direct=None,
) -> dict:
    """An event; the counts include its sub-events', the direct ones (by default
    the same) do not."""
    record = row("events", slug)
    return {
        "slug": slug,
        "url": url("events", slug),
        "name": record["name"],
        "kind": record["kind"],
        "description": record["description"],
        "certainty": record.get("certainty", "certain"),
        "certainty_note": record.get("certainty_note", ""),
        "attendance": record.get("attendance", ""),
        "attendance_certainty": record.get("attendance_certainty", "certain"),
        "start_date": record["start_date"],
        "end_date": record["end_date"],
        "venue": record["venue"],
        "city": record["city"],
        "country": record["country"],
        "hosts": sorted(
            (expected_host(link) for link in record["hosts"]),
            key=lambda host: (host["name"], host["role"]),
        ),
        "source_urls": record["source_urls"],
        "parent": brief("events", record["parent"]) if record["parent"] else None,
        "children": [brief("events", child) for child in children],
        **tree_counts(
            quote_count, statement_count, quote_count_direct, statement_count_direct
        ),
        "licenses": DATA_ONLY,
    }


def expected_theme(
    slug,
    *,
    quote_count,
    statement_count,
    quote_count_direct=None,
    statement_count_direct=None,
) -> dict:
    """A theme; the counts include its descendants', the direct ones (by default
    the same) do not."""
    record = row("themes", slug)
    children = [item["slug"] for item in FIXTURE["themes"] if item["parent"] == slug]
    return {
        "slug": slug,
        "url": url("themes", slug),
        "name": record["name"],
        "description": record["description"],
        "parent": brief("themes", record["parent"]) if record["parent"] else None,
        "children": briefs_by_name("themes", children),
        **tree_counts(
            quote_count, statement_count, quote_count_direct, statement_count_direct
        ),
        "licenses": DATA_ONLY,
    }


def expected_group(slug, *, quote_count, statement_count=1) -> dict:
    record = row("stakeholder_groups", slug)
    return {
        "slug": slug,
        "url": url("stakeholder_groups", slug),
        "name": record["name"],
        "category": record["category"],
        "description": record["description"],
        "quote_count": quote_count,
        "statement_count": statement_count,
        "licenses": DATA_ONLY,
    }


def expected_statement_summary() -> dict:
    """The statement as a list shows it: everything but its text."""
    return {
        "slug": STATEMENT,
        "url": url("statements", STATEMENT),
        "title": STATEMENT_ROW["title"],
        "title_certainty": "probable",
        "title_note": "Read from the article's web address.",
        "kind": STATEMENT_ROW["kind"],
        "author": {
            "type": "organization",
            "slug": "voice-of-america",
            "name": "Voice of America",
            "url": url("organizations", "voice-of-america"),
        },
        "publisher": brief("organizations", "voice-of-america"),
        "source_url": STATEMENT_ROW["source_url"],
        "published_on": STATEMENT_ROW["published_on"],
        "language": STATEMENT_ROW["language"],
        "license": STATEMENT_ROW["license"],
        "license_url": None,
        "text_sha256": hashlib.sha256(STATEMENT_TEXT.encode("utf-8")).hexdigest(),
        "event": brief("events", CONFERENCE),
        "themes": briefs_by_name("themes", STATEMENT_ROW["themes"]),
        "stakeholder_groups": briefs_by_name(
            "stakeholder_groups", STATEMENT_ROW["stakeholder_groups"]
        ),
        "quote_count": 6,
        "licenses": WITH_TEXT,
        "highlight": None,
    }
