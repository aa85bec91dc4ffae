"""The quote explorer and the API docs in a real browser.

Playwright (pip) drives Debian's chromium (never a downloaded build). Pages are
served by the live server under SITE_HOST, port 80 (Swagger UI behaves
differently on localhost, and the citations name a stable host): chromium maps
that name to the live server and every other name to nothing, and every request
a page makes is recorded. axe-core (frontend/node_modules, `make frontend`) checks
each view: no serious or critical violation. The explorer's screenshots in
docs/img/ are taken here, so docs/explorer.md shows what the page does today.
"""

import gzip
import json
import os
import re
import shutil
import time
from dataclasses import dataclass, field
from pathlib import Path
from urllib.parse import parse_qs, urlsplit

import pytest
from django.core.management import call_command
from playwright.sync_api import Page, Route, expect, sync_playwright

from statements.services import load_fixture

ROOT = Path(__file__).resolve().parents[2]
AXE = ROOT / "frontend" / "node_modules" / "axe-core" / "axe.min.js"
SCREENSHOTS = ROOT / "docs" / "img"
AXE_RESULTS = ROOT / ".data" / "browser"
METRICS = AXE_RESULTS / "explorer-first-view.json"
SITE_HOST = "statements.test"
SITE = f"http://{SITE_HOST}"
TIMEOUT_MS = 30_000
STATEMENT = "voa-blinken-on-meeting-the-migration-challenge"
SPLIT_QUOTE = "blinken-stabilize-and-strengthen-host-communities"
QUOTES_LIST = "#operations-quotes-quotes_list"
RESPONSE = ".live-responses-table tbody"
OPERATION_PATHS = [
    "/api/v1/quotes/",
    "/api/v1/quotes/{slug}/",
    "/api/v1/quotes/facets/",
    "/api/v1/statements/",
    "/api/v1/speakers/",
    "/api/v1/events/",
    "/api/v1/themes/",
    "/api/v1/stakeholder-groups/",
    "/api/v1/search/",
    "/api/v1/changes/",
]
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--disable-extensions",
]

pytestmark = pytest.mark.slow


def _chromium_binary() -> str:
    binary = shutil.which("chromium") or shutil.which("chromium-browser")
    if binary is None:
        pytest.fail(
            "Chromium is not installed. `make browser-test` installs Debian's "
            "chromium package (apt-get install chromium) and runs this suite."
        )
    return binary


@pytest.fixture(scope="module")
def chromium(live_server):
    """One headless chromium whose only reachable host is the live server."""
    # Playwright's sync API keeps an event loop set in this thread, which Django
    # takes for an async context; no Django code runs on that loop.
    saved = os.environ.get("DJANGO_ALLOW_ASYNC_UNSAFE")
    os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = "true"
    yield from _chromium(urlsplit(live_server.url).port)
    if saved is None:
        del os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"]
    else:
        os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = saved


def _chromium(port: int):
    # Every host name but SITE_HOST fails to resolve: nothing leaves the machine,
    # and a request elsewhere still shows among the recorded requests.
    rules = f"MAP {SITE_HOST}:80 127.0.0.1:{port}, MAP * ~NOTFOUND"
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(
            executable_path=_chromium_binary(),
            args=[*CHROMIUM_ARGS, f"--host-resolver-rules={rules}"],
        )
        yield browser
        browser.close()


@pytest.fixture
def site(live_server, settings, transactional_db):
    """The seeded data, committed for the live server, with room for many requests."""
    settings.ALLOWED_HOSTS = [*settings.ALLOWED_HOSTS, SITE_HOST]
    settings.RATE_LIMIT_ANONYMOUS = 100_000
    call_command("seed", verbosity=0)
    return SITE


@dataclass
class Tab:
    """A page and what it did: every request, response and uncaught exception."""

    page: Page
    requests: list[str] = field(default_factory=list)
    responses: list = field(default_factory=list)
    errors: list[str] = field(default_factory=list)

    def other_hosts(self) -> list[str]:
        return [
            url
            for url in self.requests
            if urlsplit(url).scheme not in {"data", "blob"}
            and urlsplit(url).hostname != SITE_HOST
        ]


@pytest.fixture
def tab(chromium, site):
    context = chromium.new_context(viewport={"width": 1200, "height": 800})
    page = context.new_page()
    page.set_default_timeout(TIMEOUT_MS)
    expect.set_options(timeout=TIMEOUT_MS)
    recorded = Tab(page)
    page.on("request", lambda request: recorded.requests.append(request.url))
    page.on("response", lambda response: recorded.responses.append(response))
    page.on("pageerror", lambda error: recorded.errors.append(str(error)))
    yield recorded
    context.close()


def _axe_violations(page: Page) -> list[dict]:
    """axe-core's violations on the page as it is now, of every impact.

    The script is evaluated through DevTools, not added as a <script>: the CSP
    forbids inline scripts, and the test must not loosen it.
    """
    if not AXE.exists():
        pytest.fail(f"{AXE} is missing: run `make frontend` (npm ci) first")
    if not page.evaluate("typeof window.axe !== 'undefined'"):
        page.evaluate(AXE.read_text() + "\n;true")
    return page.evaluate(
        "axe.run(document, {resultTypes: ['violations']})"
        ".then(r => r.violations.map(v => ({id: v.id, impact: v.impact,"
        " help: v.help, nodes: v.nodes.map(n => n.target.join(' '))})))"
    )


def _assert_accessible(page: Page, view: str):
    """No serious or critical axe violation; every finding is kept in .data/browser."""
    violations = _axe_violations(page)
    AXE_RESULTS.mkdir(parents=True, exist_ok=True)
    (AXE_RESULTS / f"axe-{view}.json").write_text(json.dumps(violations, indent=1))
    serious = [v for v in violations if v["impact"] in {"serious", "critical"}]
    assert serious == [], json.dumps(serious, indent=1)


def _screenshot(page: Page, name: str):
    """docs/img/explorer-<name>.png: the top of the page, as a reader lands on it."""
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    page.evaluate("window.scrollTo(0, 0)")
    page.screenshot(path=SCREENSHOTS / f"explorer-{name}.png")


def _query(page: Page) -> dict[str, list[str]]:
    return parse_qs(urlsplit(page.url).query)


def _open_explorer(tab: Tab, query: str = "") -> Page:
    tab.page.goto(f"{SITE}/explore/{query}")
    expect(tab.page.locator("#view")).not_to_have_attribute("aria-busy", "true")
    return tab.page


# --- The explorer ----------------------------------------------------------------


def test_first_view_lists_every_quote_with_counts_that_agree(tab, client):
    page = _open_explorer(tab)

    expect(page.locator("#results-heading")).to_have_text("6 quotes")
    expect(page.locator(".card")).to_have_count(6)
    facets = client.get("/api/v1/quotes/facets/").json()
    for theme in facets["themes"]:
        label = page.locator(f"label[for='f-theme-{theme['slug']}'] .count")
        expect(label).to_have_text(
            f", {theme['count']} quote" + "s" * (theme["count"] != 1)
        )
    months = page.locator(".timeline button")
    expect(months).to_have_count(len(facets["months"]))
    first = page.locator(".card").first
    expect(first.locator("blockquote")).to_have_text(
        "Addressing the challenge of mass migration in the Western Hemisphere "
        "remains a priority for the United States"
    )
    expect(first.locator(".badge")).to_have_text("Reported speech")
    expect(first.locator(".who")).to_have_text(
        "Antony Blinken, Secretary of State, U.S. Department of State"
    )
    # Its date is not established: the event's dates stand in, said as such.
    expect(first.locator(".meta")).to_contain_text(
        "date not established; the event ran 19 April 2022 – 20 April 2022"
    )
    expect(first.locator(".citation")).to_contain_text(
        "Statements API: http://statements.test/api/v1/quotes/"
        "blinken-mass-migration-remains-a-priority/"
    )
    _assert_accessible(page, "results")
    _screenshot(page, "results")
    assert tab.errors == []


def test_search_result_leads_to_its_spans_highlighted_in_the_statement(tab, client):
    page = _open_explorer(tab)

    page.get_by_label("Search quotes").fill("borders")
    page.keyboard.press("Enter")

    expect(page.locator("#results-heading")).to_have_text("1 quote for “borders”")
    assert _query(page) == {"q": ["borders"]}
    card = page.locator(".card")
    expect(card.locator("blockquote mark")).to_have_text(["borders"])
    expect(card.locator("blockquote")).to_have_text(
        "We have a strong interest in protecting the security of our borders in "
        "a safe, orderly, and humane way,"
    )
    _assert_accessible(page, "search")
    _screenshot(page, "search")

    page.get_by_role("link", name=re.compile("Read it in")).click()
    expect(page.locator("#statement-heading")).to_have_text(
        "Blinken On Meeting The Migration Challenge"
    )
    assert _query(page) == {
        "view": ["statement"],
        "slug": [STATEMENT],
        "quote": ["blinken-strong-interest-in-border-security"],
    }

    statement = client.get(f"/api/v1/statements/{STATEMENT}/").json()
    marked = page.evaluate(
        """() => {
          const pieces = {};
          for (const mark of document.querySelectorAll('.text mark.quote'))
            for (const key of mark.dataset.span.split(' '))
              pieces[key] = (pieces[key] ?? '') + mark.textContent;
          return pieces;
        }"""
    )
    expected = {}
    for quote in statement["quotes"]:
        for number, span in enumerate(quote["spans"]):
            # Python slices code points, as the API counts its offsets.
            expected[f"{quote['slug']}:{number}"] = statement["text"][
                span["start"] : span["end"]
            ]
        joined = [marked[f"{quote['slug']}:{n}"] for n in range(len(quote["spans"]))]
        assert quote["text"].startswith(joined[0]), quote["slug"]
        assert quote["text"].endswith(joined[-1]), quote["slug"]
    assert marked == expected
    assert len([key for key in marked if key.startswith(f"{SPLIT_QUOTE}:")]) == 2
    # The quote the reader came from is the current one.
    expect(page.locator("mark.quote.current")).to_have_text(
        "We have a strong interest in protecting the security of our borders in "
        "a safe, orderly, and humane way,"
    )
    expect(page.locator(".para")).to_have_count(len(statement["paragraphs"]))
    expect(page.locator(".facts")).to_contain_text(
        "Public domain (work of the U.S. Government)"
    )
    _assert_accessible(page, "statement")
    _screenshot(page, "statement")

    page.go_back()
    expect(page.locator("#results-heading")).to_have_text("1 quote for “borders”")
    expect(page.get_by_label("Search quotes")).to_have_value("borders")
    assert tab.errors == []


# Made up for this test only: characters outside the Basic Multilingual Plane
# (two UTF-16 units each in JavaScript, one code point in the API's offsets)
# before and inside the spans of a quote split in two.
ASTRAL_TEXT = (
    "A test text 🧪 whose 𝐀𝐏𝐈 offsets count code points.\n"
    "“Two 🌍 worlds meet here,” she said, “and 🤝 agree.”"
)
ASTRAL_PARTS = ["Two 🌍 worlds meet here,", "and 🤝 agree."]


def _load_astral_statement(tmp_path) -> None:
    (tmp_path / "astral.txt").write_text(ASTRAL_TEXT, encoding="utf-8")
    spans = [
        [ASTRAL_TEXT.index(part), ASTRAL_TEXT.index(part) + len(part)]
        for part in ASTRAL_PARTS
    ]
    fixture = {
        "statements": [
            {
                "slug": "astral-test",
                "title": "Astral test",
                "kind": "editorial",
                "publisher": "voice-of-america",
                "source_url": "https://example.org/astral",
                "language": "en",
                "license": "CC0",
                "text_file": "astral.txt",
            }
        ],
        "quotes": [
            {
                "slug": "astral-test-quote",
                "statement": "astral-test",
                "speaker": "antony-blinken",
                "fidelity": "direct",
                "text": " ".join(ASTRAL_PARTS),
                "spans": spans,
                "provenance_note": "Test data.",
            }
        ],
    }
    (tmp_path / "astral.json").write_text(json.dumps(fixture), encoding="utf-8")
    load_fixture(path=tmp_path / "astral.json")


def test_spans_after_astral_characters_are_highlighted_exactly(tab, tmp_path):
    _load_astral_statement(tmp_path)

    tab.page.goto(f"{SITE}/explore/?view=statement&slug=astral-test")

    marks = tab.page.locator("mark.quote")
    expect(marks).to_have_text(ASTRAL_PARTS)
    expect(marks.first).to_have_attribute("data-span", "astral-test-quote:0")
    expect(tab.page.locator("#p-1")).to_have_text(
        "¶1 A test text 🧪 whose 𝐀𝐏𝐈 offsets count code points."
    )
    assert tab.errors == []


def test_a_facet_click_narrows_the_results_and_the_url(tab, client):
    page = _open_explorer(tab)
    expect(page.locator("#results-heading")).to_have_text("6 quotes")

    page.get_by_label(re.compile("^Regional cooperation")).check()

    expect(page.locator("#results-heading")).to_have_text("3 quotes")
    assert _query(page) == {"theme": ["regional-cooperation"]}
    expected = client.get("/api/v1/quotes/?theme=regional-cooperation").json()
    cards = page.locator(".card")
    expect(cards).to_have_count(expected["count"])
    expect(cards.locator("blockquote")).to_have_text(
        [quote["text"] for quote in expected["results"]]
    )
    # The sidebar's counts are those of the narrowed results.
    facets = client.get("/api/v1/quotes/facets/?theme=regional-cooperation").json()
    for group in facets["stakeholder_groups"]:
        expect(
            page.locator(f"label[for='f-stakeholder_group-{group['slug']}'] .count")
        ).to_contain_text(str(group["count"]))
    expect(page.get_by_label(re.compile("^Regional cooperation"))).to_be_focused()

    month = page.locator(".timeline button").first
    month.click()
    expect(month).to_have_attribute("aria-pressed", "true")
    assert _query(page) == {
        "theme": ["regional-cooperation"],
        "date_from": ["2022-04-01"],
        "date_to": ["2022-04-30"],
    }
    in_april = client.get(
        "/api/v1/quotes/facets/?theme=regional-cooperation"
        "&date_from=2022-04-01&date_to=2022-04-30"
    ).json()
    assert in_april["months"] == [{"month": "2022-04", "count": in_april["total"]}]
    expect(page.locator("#results-heading")).to_have_text(f"{in_april['total']} quotes")
    expect(month.locator(".count")).to_have_text(f", {in_april['total']} quotes")

    page.go_back()
    page.go_back()
    expect(page.locator("#results-heading")).to_have_text("6 quotes")
    expect(page.get_by_label(re.compile("^Regional cooperation"))).not_to_be_checked()
    assert tab.errors == []


def test_a_deep_link_restores_the_view(tab, client):
    page = _open_explorer(
        tab, "?q=migrants&stakeholder_group=migrants&stakeholder_role=affected"
    )

    expected = client.get(
        "/api/v1/quotes/?q=migrants&stakeholder_group=migrants"
        "&stakeholder_role=affected"
    ).json()
    noun = "quote" if expected["count"] == 1 else "quotes"
    expect(page.locator("#results-heading")).to_have_text(
        f"{expected['count']} {noun} for “migrants”"
    )
    expect(page.get_by_label("Search quotes")).to_have_value("migrants")
    expect(page.locator("#f-stakeholder_group-migrants")).to_be_checked()
    expect(page.locator("#f-stakeholder_role-affected")).to_be_checked()
    expect(page.locator(".card blockquote")).to_have_text(
        [quote["text"] for quote in expected["results"]]
    )

    page.goto(
        f"{SITE}/explore/?view=statement&slug={STATEMENT}&quote={SPLIT_QUOTE}#p-5"
    )
    expect(page.locator("#p-5")).to_be_focused()
    expect(page.locator("#p-5")).to_be_in_viewport()
    expect(page.locator("mark.quote.current")).to_have_count(2)
    assert tab.errors == []


def _tab_through(page: Page, limit: int = 300) -> list[str]:
    """The keys of the elements Tab reaches, in order, from the top of the page."""
    page.evaluate(
        """() => {
          window.keyCount ??= 0;
          const all = 'a[href], button, input, [tabindex]';
          for (const e of document.querySelectorAll(all))
            e.dataset.key ??= 'k' + window.keyCount++;
        }"""
    )
    page.locator("a.skip").focus()
    reached = [page.locator("a.skip").get_attribute("data-key")]
    for _ in range(limit):
        page.keyboard.press("Tab")
        key = page.evaluate("document.activeElement?.dataset?.key ?? null")
        if key is None or key in reached:
            break
        reached.append(key)
    return reached


def _controls(page: Page) -> list[str]:
    return page.evaluate(
        """() => [...document.querySelectorAll(
             'a[href], button, input, [tabindex]:not([tabindex="-1"])')]
           .filter(e => e.checkVisibility() && !e.closest('[hidden]'))
           .map(e => e.dataset.key)"""
    )


def test_the_keyboard_reaches_every_control(tab):
    page = _open_explorer(tab)
    expect(page.locator(".card")).to_have_count(6)

    reached = _tab_through(page)
    controls = _controls(page)

    assert controls
    assert [key for key in controls if key not in reached] == []
    # The order follows the page: search, filters, then the quotes.
    assert reached.index(page.locator("#q").get_attribute("data-key")) < reached.index(
        page.locator(".card a").first.get_attribute("data-key")
    )

    # A filter works from the keyboard and keeps the focus.
    page.locator("#f-speaker-antony-blinken").focus()
    page.keyboard.press("Space")
    expect(page.locator("#f-speaker-antony-blinken")).to_be_checked()
    assert _query(page) == {"speaker": ["antony-blinken"]}
    expect(page.locator("#f-speaker-antony-blinken")).to_be_focused()
    # The new results replace the cards: wait for them, or the focus below lands
    # on a card that is about to go.
    expect(page.locator("#view")).not_to_have_attribute("aria-busy", "true")

    # Enter on a card's link opens the statement at the quote, which takes the
    # focus; the statement's links are reachable too.
    page.locator(".card a").first.focus()
    page.keyboard.press("Enter")
    expect(page.locator("#statement-heading")).to_be_visible()
    expect(page.locator("mark.quote.current").first).to_be_focused()
    reached = _tab_through(page)
    missing = [key for key in _controls(page) if key not in reached]
    assert missing == []
    assert tab.errors == []


def test_no_request_leaves_the_origin_and_the_first_view_is_small(tab):
    page = _open_explorer(tab)
    expect(page.locator(".card")).to_have_count(6)
    first_result_ms = page.evaluate(
        "performance.getEntriesByName('explorer:results')[0].startTime"
    )
    first_view = list(tab.responses)
    page.get_by_label("Search quotes").fill("children")
    page.keyboard.press("Enter")
    expect(page.locator("#results-heading")).to_contain_text("for “children”")
    page.locator(".card a").first.click()
    expect(page.locator("#statement-heading")).to_be_visible()
    page.locator(".para a.anchor").first.click()

    assert tab.other_hosts() == []
    paths = [urlsplit(url).path for url in tab.requests]
    assert {
        path for path in paths if not path.startswith(("/api/v1/", "/static/explore/"))
    } == {"/explore/"}
    # The API's calls are those of the typed client: no hand-built URL, no other.
    assert {path for path in paths if path.startswith("/api/v1/")} == {
        "/api/v1/quotes/",
        "/api/v1/quotes/facets/",
        "/api/v1/themes/",
        "/api/v1/events/",
        f"/api/v1/statements/{STATEMENT}/",
    }
    # What the first view costs over the wire, gzip-compressed as a production
    # server sends it (the test server sends it plain).
    sizes = {r.url: len(gzip.compress(r.body(), 6)) for r in first_view}
    total = sum(sizes.values())
    METRICS.parent.mkdir(parents=True, exist_ok=True)
    METRICS.write_text(
        json.dumps(
            {
                "first_result_ms": round(first_result_ms),
                "gzip_bytes": total,
                "requests": sizes,
            },
            indent=1,
        )
    )
    assert total < 200_000, sizes
    assert tab.errors == []


def _fulfil_once(page: Page, pattern: str, status: int, headers: dict[str, str]):
    """Answer the first request to `pattern` with `status`; let the rest through."""
    answered = []

    def handle(route: Route):
        if answered:
            route.continue_()
            return
        answered.append(route.request.url)
        route.fulfill(
            status=status,
            headers={"Content-Type": "application/problem+json", **headers},
            body=json.dumps({"status": status, "detail": "Request was throttled."}),
        )

    page.route(pattern, handle)
    return answered


def test_429_shows_the_retry_after_wait_then_retries(tab):
    page = tab.page
    answered = _fulfil_once(page, "**/api/v1/quotes/?*", 429, {"Retry-After": "4"})

    page.goto(f"{SITE}/explore/")

    problem = page.locator(".problem-rate-limited")
    expect(problem).to_contain_text("Too many requests")
    expect(problem).to_contain_text(re.compile(r"wait [234] seconds \(Retry-After\)"))
    _screenshot(page, "rate-limited")
    assert len(answered) == 1
    _assert_accessible(page, "rate-limited")
    # The page waits as asked, then asks again.
    started = time.monotonic()
    expect(page.locator(".card")).to_have_count(6)
    assert time.monotonic() - started >= 1
    assert tab.errors == []


def test_503_and_offline_are_said_plainly(tab):
    page = tab.page
    _fulfil_once(page, "**/api/v1/quotes/facets/*", 503, {})

    page.goto(f"{SITE}/explore/")
    expect(page.locator(".problem-unavailable")).to_contain_text(
        "The API is unavailable"
    )
    page.get_by_role("button", name="Try again").click()
    expect(page.locator(".card")).to_have_count(6)

    page.context.set_offline(True)
    page.get_by_label("Search quotes").fill("border")
    page.keyboard.press("Enter")
    expect(page.locator(".problem-offline")).to_contain_text("offline")
    _assert_accessible(page, "offline")
    page.context.set_offline(False)
    expect(page.locator("#results-heading")).to_have_text("1 quote for “border”")
    assert tab.errors == []


def test_loading_is_shown_until_the_quotes_arrive(tab):
    page = tab.page
    held: list[Route] = []
    page.route("**/api/v1/quotes/?*", lambda route: held.append(route))

    page.goto(f"{SITE}/explore/")

    expect(page.locator("#view .loading")).to_have_text("Loading quotes…")
    expect(page.locator("#view")).to_have_attribute("aria-busy", "true")
    expect(page.locator("#status")).to_have_text("Loading quotes…")
    held[0].continue_()
    page.unroute("**/api/v1/quotes/?*")
    expect(page.locator(".card")).to_have_count(6)
    expect(page.locator("#view")).not_to_have_attribute("aria-busy", "true")
    expect(page.locator("#status")).to_have_text("6 quotes found.")


def test_no_result_says_so_and_offers_a_way_back(tab):
    page = _open_explorer(tab, "?q=zeppelin")

    expect(page.locator("#results-heading")).to_have_text("0 quotes for “zeppelin”")
    expect(page.locator(".empty")).to_contain_text("No quote matches this search.")
    _assert_accessible(page, "empty")
    page.get_by_role("link", name="Show every quote").click()
    expect(page.locator("#results-heading")).to_have_text("6 quotes")
    assert _query(page) == {}


def test_a_narrow_screen_stacks_the_filters_below_the_results(tab):
    page = tab.page
    page.set_viewport_size({"width": 390, "height": 844})
    _open_explorer(tab)
    expect(page.locator(".card")).to_have_count(6)

    results = page.locator("#main").bounding_box()
    filters = page.locator("#filters").bounding_box()

    assert filters["y"] > results["y"]
    assert page.evaluate("document.documentElement.scrollWidth") <= 390
    _assert_accessible(page, "narrow")


# --- The API docs ------------------------------------------------------------------


def _open_swagger_ui(tab: Tab, site: str):
    tab.page.goto(f"{site}/api/v1/docs/")
    tab.page.wait_for_selector(QUOTES_LIST)


def test_swagger_ui_renders_every_operation(tab, site):
    _open_swagger_ui(tab, site)
    page = tab.page

    paths = page.eval_on_selector_all(
        ".opblock-summary-path", "es => es.map(e => e.getAttribute('data-path'))"
    )
    for path in OPERATION_PATHS:
        assert path in paths, (path, paths)
    operation_ids = page.eval_on_selector_all(".opblock", "es => es.map(e => e.id)")
    assert "operations-quotes-quotes_list" in operation_ids
    assert "operations-search-search" in operation_ids
    assert page.title() == "Statements API"
    assert tab.errors == []


def test_swagger_ui_loads_nothing_from_other_hosts(tab, site):
    _open_swagger_ui(tab, site)
    # The online validator badge, if any, loads after the schema.
    tab.page.wait_for_timeout(1000)

    assert f"{site}/api/v1/schema/" in tab.requests
    assert any(
        "/static/drf_spectacular_sidecar/swagger-ui-dist/" in u for u in tab.requests
    )
    assert tab.other_hosts() == []


def test_try_it_out_lists_the_seeded_quotes(tab, site):
    _open_swagger_ui(tab, site)
    operation = tab.page.locator(QUOTES_LIST)

    operation.locator(".opblock-summary-control").click()
    operation.locator(".try-out__btn").click()
    operation.locator(".btn.execute").click()
    status = operation.locator(f"{RESPONSE} .response-col_status")
    expect(status).to_have_text("200")
    body = operation.locator(f"{RESPONSE} .response-col_description").inner_text()

    assert "blinken-mass-migration-remains-a-priority" in body
    assert '"count": 6' in body
    assert f"{site}/api/v1/quotes/" in tab.requests
    assert tab.other_hosts() == []
    assert tab.errors == []


def test_the_served_schema_has_no_dangling_reference(client, db):
    response = client.get("/api/v1/schema/?format=json")

    schema = response.json()
    defined = set(schema["components"]["schemas"])
    referenced = set(
        re.findall(r'"#/components/schemas/([^"]+)"', response.content.decode())
    )
    assert referenced - defined == set()


def test_redoc_renders_the_operations(tab, site):
    tab.page.goto(f"{site}/api/v1/redoc/")

    body = tab.page.locator("body")
    expect(body).to_contain_text(re.compile("List quotes|Something went wrong"))
    text = body.inner_text()

    assert "Something went wrong" not in text, text[:500]
    assert "Search everything" in text
    assert "/api/v1/quotes/" in text


def test_redoc_loads_nothing_from_other_hosts(tab, site):
    tab.page.goto(f"{site}/api/v1/redoc/")
    tab.page.wait_for_load_state("load")

    assert f"{site}/api/v1/redoc/" in tab.requests
    assert tab.other_hosts() == []
