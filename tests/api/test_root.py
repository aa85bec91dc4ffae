"""GET /api/v1/: every resource with its URL, and where the schema and docs are."""

from statements.resources import RESOURCES as REGISTRY
from tests.api.helpers import BASE

RESOURCES = {
    "speakers": f"{BASE}/speakers/",
    "events": f"{BASE}/events/",
    "statements": f"{BASE}/statements/",
    "quotes": f"{BASE}/quotes/",
    "quote_facets": f"{BASE}/quotes/facets/",
    "themes": f"{BASE}/themes/",
    "stakeholder_groups": f"{BASE}/stakeholder-groups/",
    "search": f"{BASE}/search/",
    "changes": f"{BASE}/changes/",
    "quota": f"{BASE}/quota/",
}


def test_the_root_lists_the_resources(client, db):
    response = client.get("/api/v1/")

    assert response.status_code == 200
    body = response.json()
    assert body["resources"].items() >= RESOURCES.items()
    assert body["schema"] == f"{BASE}/schema/"
    assert body["docs"] == f"{BASE}/docs/"
    assert body["redoc"] == f"{BASE}/redoc/"


def test_the_root_lists_every_resource_of_the_registry(client, db):
    body = client.get("/api/v1/").json()

    for resource in REGISTRY:
        assert body["resources"][resource.plural] == f"{BASE}/{resource.route}/"


def test_every_listed_resource_answers(client, seeded):
    for name, address in RESOURCES.items():
        params = {"q": "borders"} if name == "search" else {}
        assert client.get(address, params).status_code == 200, name
