"""The load mix of `make loadtest`: what the API's clients do, weighted.

Every value in a request (slugs, countries, kinds, categories, search words,
dates) is drawn at the start of the run from the API itself, so details answer
200 and filters find rows on any data set (the seed or the demo data).
Each request states the one answer it expects (200, or 304 for a conditional
GET with an ETag the user was given earlier); anything else is a failure.

Standalone, against a server whose rate limits allow the rate (every request
comes from one address):

    .venv/bin/locust -f loadtest/locustfile.py --host http://127.0.0.1:8000

LOADTEST_WAIT: the longest pause between two requests of one user (seconds,
default 0.1). LOADTEST_RECORDS: a file to write every request to (JSON lines of
name, status, milliseconds, end time, failure), read by loadtest.load.
"""

import json
import os
import random
import time
import urllib.parse
import urllib.request

from locust import FastHttpUser, between, events, task

API = "/api/v1"
ACCEPT = {"Accept": "application/json"}
WAIT = float(os.environ.get("LOADTEST_WAIT", "0.1"))
RECORDS = os.environ.get("LOADTEST_RECORDS")

# Filled at test start from the API: resource -> list of objects (a few fields).
catalogue: dict[str, list[dict]] = {}
counts: dict[str, int] = {}
words: list[str] = []
records: list[tuple] = []


def _get(base: str, path: str):
    request = urllib.request.Request(base + path, headers=ACCEPT)
    with urllib.request.urlopen(request, timeout=60) as response:
        return json.load(response)


@events.test_start.add_listener
def draw_values_from_the_api(environment, **_kwargs):
    base = environment.host.rstrip("/")
    fields = {
        "speakers": "slug",
        "events": "slug,country,kind,start_date",
        "statements": "slug,kind,language",
        "organizations": "slug",
        "themes": "slug",
        "stakeholder-groups": "slug,category",
        "quotes": "slug,text,fidelity",
    }
    for route, wanted in fields.items():
        page = _get(base, f"{API}/{route}/?page_size=100&fields={wanted}")
        if not page["results"]:
            raise RuntimeError(f"{route} is empty: is the database seeded?")
        catalogue[route] = page["results"]
        counts[route] = page["count"]
    for quote in catalogue["quotes"]:
        for word in quote["text"].split():
            word = word.strip(".,;:!?“”\"'()").lower()
            if len(word) >= 6 and word.isalpha():
                words.append(word)
    if not words:
        raise RuntimeError("no search words in the quotes")


@events.request.add_listener
def record(name, response_time, response=None, exception=None, **_kwargs):
    status = getattr(response, "status_code", 0) or 0
    failure = None if exception is None else str(exception)[:200]
    records.append((name, status, response_time, time.time(), failure))


@events.test_stop.add_listener
def write_records(environment, **_kwargs):
    if RECORDS:
        with open(RECORDS, "w") as out:
            for row in records:
                out.write(json.dumps(row) + "\n")


def pick(route: str, field: str = "slug"):
    values = [row[field] for row in catalogue[route] if row.get(field)]
    return random.choice(values) if values else None


def query(**params) -> str:
    params = {name: value for name, value in params.items() if value is not None}
    return "?" + urllib.parse.urlencode(params) if params else ""


class ApiClient(FastHttpUser):
    """A frontend or partner reading the API, with think times up to WAIT."""

    wait_time = between(0, WAIT)
    connection_timeout = 10.0
    network_timeout = 30.0

    def on_start(self):
        self.etags: dict[str, str] = {}

    def expect(self, path: str, name: str, status: int = 200, headers=None):
        with self.client.get(
            path,
            name=name,
            headers={**ACCEPT, **(headers or {})},
            catch_response=True,
        ) as response:
            if response.status_code != status:
                body = (response.text or "")[:200]
                response.failure(f"{response.status_code} (wanted {status}): {body}")
            elif status == 200 and "ETag" in response.headers:
                self.etags[path] = response.headers["ETag"]
                if len(self.etags) > 200:
                    self.etags.pop(next(iter(self.etags)))

    # --- lists with filters ---------------------------------------------------------

    @task(8)
    def quotes_filtered(self):
        filters = random.choice(
            [
                {"theme": pick("themes")},
                {"speaker": pick("speakers")},
                {"stakeholder_group": pick("stakeholder-groups")},
                {"event": pick("events")},
                {"fidelity": pick("quotes", "fidelity")},
                {"theme": pick("themes"), "fidelity": pick("quotes", "fidelity")},
                {"date_from": "2000-01-01", "date_to": "2030-12-31"},
                {"page": "deeper"},
                {},
            ]
        )
        filters["page_size"] = random.choice([5, 10, 25, 50])
        if filters.get("page") == "deeper":
            # A page that exists, at most page 20.
            last = max(1, -(-counts["quotes"] // filters["page_size"]))
            filters["page"] = random.randint(1, min(last, 20))
        self.expect(f"{API}/quotes/{query(**filters)}", "quotes list, filtered")

    @task(3)
    def statements_filtered(self):
        filters = random.choice(
            [
                {"quoted_speaker": pick("speakers")},
                {"author": pick("organizations")},
                {"theme": pick("themes")},
                {"kind": pick("statements", "kind")},
                {"publisher": pick("organizations")},
                {"language": pick("statements", "language")},
                {},
            ]
        )
        self.expect(f"{API}/statements/{query(**filters)}", "statements list, filtered")

    @task(3)
    def other_lists(self):
        path = random.choice(
            [
                f"{API}/speakers/",
                f"{API}/events/{query(country=pick('events', 'country'))}",
                f"{API}/events/{query(kind=pick('events', 'kind'), top_level='true')}",
                f"{API}/themes/?top_level=true",
                f"{API}/themes/{query(parent=pick('themes'))}",
                f"{API}/stakeholder-groups/"
                + query(category=pick("stakeholder-groups", "category")),
            ]
        )
        self.expect(path, "other lists, filtered")

    @task(1)
    def sync_page(self):
        self.expect(
            f"{API}/quotes/?updated_since=2000-01-01T00:00:00Z&page_size=50",
            "quotes sync page (keyset)",
        )

    # --- details --------------------------------------------------------------------

    @task(6)
    def quote_detail(self):
        self.expect(f"{API}/quotes/{pick('quotes')}/", "quote detail")

    @task(1)
    def quote_detail_expanded(self):
        self.expect(
            f"{API}/quotes/{pick('quotes')}/?expand=speaker,statement",
            "quote detail, expanded",
        )

    @task(2)
    def statement_detail(self):
        self.expect(f"{API}/statements/{pick('statements')}/", "statement detail")

    @task(3)
    def other_detail(self):
        route = random.choice(["speakers", "events", "themes", "stakeholder-groups"])
        self.expect(f"{API}/{route}/{pick(route)}/", "other details")

    # --- search and facets ------------------------------------------------------------

    @task(4)
    def search(self):
        q = random.choice(words)
        if random.random() < 0.3:
            q = f"{q} {random.choice(words)}"
        self.expect(f"{API}/search/{query(q=q)}", "search ?q=")

    @task(1)
    def quotes_text_query(self):
        self.expect(
            f"{API}/quotes/{query(q=random.choice(words), page_size=10)}",
            "quotes list ?q=",
        )

    @task(2)
    def facets(self):
        filters = random.choice(
            [{}, {"theme": pick("themes")}, {"speaker": pick("speakers")}]
        )
        self.expect(f"{API}/quotes/facets/{query(**filters)}", "quote facets")

    # --- exports and the change feed ----------------------------------------------

    @task(1)
    def export(self):
        kind = random.choice(["csv", "ndjson"])
        self.expect(
            f"{API}/exports/quotes.{kind}{query(statement=pick('statements'))}",
            "export, one statement's quotes",
        )

    @task(1)
    def changes(self):
        self.expect(f"{API}/changes/?limit=50", "change feed")

    # --- conditional requests -------------------------------------------------------

    @task(4)
    def conditional(self):
        if not self.etags:
            self.quote_detail()
            return
        path = random.choice(list(self.etags))
        self.expect(
            path,
            "conditional GET (If-None-Match -> 304)",
            status=304,
            headers={"If-None-Match": self.etags[path]},
        )
