"""The OpenAPI schema and the two docs pages: they answer, and use no outside host."""

import json
import re
from pathlib import Path

import pytest
import yaml

from statements.problems import PROBLEM_TYPE_BASE

ROOT = Path(__file__).resolve().parents[2]

PAGES = ["/api/v1/docs/", "/api/v1/redoc/"]
REFERENCE = re.compile(r"""(?:src|href)\s*=\s*["']([^"']+)["']""", re.IGNORECASE)
ANY_URL = re.compile(r"""https?://[^\s"'<>)\\]+""")
LOCAL = ("http://testserver/", "https://testserver/")

RESOURCE_PATHS = [
    "/api/v1/",
    "/api/v1/speakers/",
    "/api/v1/speakers/{slug}/",
    "/api/v1/events/",
    "/api/v1/events/{slug}/",
    "/api/v1/statements/",
    "/api/v1/statements/{slug}/",
    "/api/v1/quotes/",
    "/api/v1/quotes/{slug}/",
    "/api/v1/quotes/facets/",
    "/api/v1/themes/",
    "/api/v1/themes/{slug}/",
    "/api/v1/stakeholder-groups/",
    "/api/v1/stakeholder-groups/{slug}/",
    "/api/v1/search/",
]


def external_urls(text: str) -> list[str]:
    return [found for found in ANY_URL.findall(text) if not found.startswith(LOCAL)]


def test_the_schema_is_yaml(client, db):
    response = client.get("/api/v1/schema/")

    assert response.status_code == 200
    assert response.headers["Content-Type"].startswith("application/vnd.oai.openapi")
    schema = yaml.safe_load(response.content)
    assert schema["openapi"].startswith("3.")
    assert schema["info"]["title"] == "Statements API"
    assert set(RESOURCE_PATHS) <= set(schema["paths"])


def test_servers_is_api_base_url_when_set(client, db, settings):
    settings.API_BASE_URL = "https://statements.example.org"

    schema = client.get("/api/v1/schema/?format=json").json()

    assert schema["servers"] == [
        {"url": "https://statements.example.org", "description": "This deployment."}
    ]
    assert schema["info"]["contact"]["url"] == (
        "https://statements.example.org/api/v1/docs/"
    )


def test_the_committed_schema_names_the_default_server():
    schema = yaml.safe_load((ROOT / "openapi.yaml").read_text(encoding="utf-8"))

    assert schema["servers"] == [
        {"url": "http://127.0.0.1:8000", "description": "This deployment."}
    ]


def test_the_schema_as_json_is_the_same_schema(client, db):
    response = client.get("/api/v1/schema/?format=json")

    assert response.status_code == 200
    assert response.headers["Content-Type"].startswith(
        "application/vnd.oai.openapi+json"
    )
    as_json = json.loads(response.content)
    assert as_json == yaml.safe_load(client.get("/api/v1/schema/").content)


def _split_examples(value, found):
    """`value` without its `examples`, which are collected in `found`."""
    if isinstance(value, list):
        return [_split_examples(item, found) for item in value]
    if not isinstance(value, dict):
        return value
    if isinstance(value.get("examples"), dict):
        found.append(value["examples"])
    return {k: _split_examples(v, found) for k, v in value.items() if k != "examples"}


def test_the_schema_references_no_outside_host(client, db):
    response = client.get("/api/v1/schema/?format=json")
    found = []
    schema = _split_examples(json.loads(response.content), found)
    # Links a reader follows, never fetched by the docs pages: the deployment's
    # own address (the host serving the schema) and the licence's text.
    info = schema["info"]
    assert schema.pop("servers") == [
        {"url": "http://testserver", "description": "This deployment."}
    ]
    assert info["contact"].pop("url") == "http://testserver/api/v1/docs/"
    assert info["license"].pop("url") == "https://creativecommons.org/licenses/by/4.0/"

    assert external_urls(json.dumps(schema)) == []
    # Example bodies are data, never fetched: their URLs are the example host's,
    # problem types, the data licence every record names, or the seed data's own
    # source URLs.
    fixture = (ROOT / "fixtures" / "blinken.json").read_text(encoding="utf-8")
    allowed = (
        "https://statements.example.org/",
        PROBLEM_TYPE_BASE,
        "https://creativecommons.org/licenses/by/4.0/",
    )
    for url in external_urls(json.dumps(found, ensure_ascii=False)):
        url = url.rstrip(".,;")  # a citation's URL ends its sentence
        assert url.startswith(allowed) or f'"{url}"' in fixture, url


def test_the_schema_documents_the_list_filters(client, db):
    schema = yaml.safe_load(client.get("/api/v1/schema/").content)

    quote_list = schema["paths"]["/api/v1/quotes/"]["get"]
    names = {parameter["name"] for parameter in quote_list["parameters"]}
    assert {
        "q",
        "speaker",
        "statement",
        "event",
        "theme",
        "stakeholder_group",
        "stakeholder_role",
        "fidelity",
        "language",
        "date_from",
        "date_to",
        "ordering",
        "expand",
        "fields",
        "page",
        "page_size",
    } <= names


def test_the_schema_documents_the_facet_filters(client, db):
    schema = yaml.safe_load(client.get("/api/v1/schema/").content)

    facets = schema["paths"]["/api/v1/quotes/facets/"]["get"]
    names = {parameter["name"] for parameter in facets.get("parameters", [])}
    assert {"q", "theme", "event", "stakeholder_group", "fidelity"} <= names


def test_the_schema_documents_errors_as_problem_json(client, db):
    schema = yaml.safe_load(client.get("/api/v1/schema/").content)

    responses = schema["paths"]["/api/v1/quotes/"]["get"]["responses"]
    assert set(responses["400"]["content"]) == {"application/problem+json"}
    detail = schema["paths"]["/api/v1/quotes/{slug}/"]["get"]["responses"]
    assert set(detail["404"]["content"]) == {"application/problem+json"}


@pytest.mark.parametrize("path", PAGES)
def test_a_docs_page_answers_and_its_assets_are_served(client, db, path):
    # The test settings serve static files through whitenoise's finders, without
    # collectstatic, as `make run` does.
    response = client.get(path)

    assert response.status_code == 200
    assert response.headers["Content-Type"].startswith("text/html")
    html = response.content.decode()
    if path == "/api/v1/docs/":
        # Swagger UI's configuration is a script of its own (no inline script, so
        # the page runs under a script-src 'self' CSP); it names the schema.
        assert '<script src="/api/v1/docs/?script="></script>' in html
        html += client.get("/api/v1/docs/?script=").content.decode()
    assert "/api/v1/schema/" in html
    assets = [ref for ref in REFERENCE.findall(html) if ref.startswith("/static/")]
    assert any(ref.endswith(".js") for ref in assets)
    for ref in assets:
        asset = client.get(ref)
        assert asset.status_code == 200, ref
        content = (
            b"".join(asset.streaming_content) if asset.streaming else asset.content
        )
        assert content, ref


def test_swagger_ui_loads_only_local_files(client, db):
    html = client.get("/api/v1/docs/").content.decode()

    assert external_urls(html) == []
    assert [ref for ref in REFERENCE.findall(html) if not ref.startswith("/")] == []


def test_redoc_loads_only_local_files(client, db):
    html = client.get("/api/v1/redoc/").content.decode()

    assert external_urls(html) == []
    assert [ref for ref in REFERENCE.findall(html) if not ref.startswith("/")] == []


def test_swagger_ui_turns_the_outside_validator_off(client, db):
    html = client.get("/api/v1/docs/?script=").content.decode()

    found = re.search(r"const swaggerSettings = (\{.*?\});", html, re.DOTALL)
    assert found, "the swaggerSettings object is not in the page"
    assert json.loads(found.group(1)).get("validatorUrl", "the default") is None
