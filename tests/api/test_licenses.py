"""The licences of the data: the source texts keep their own, what the project adds
is under DATA_LICENSE (CC BY 4.0 by default), shown in the schema, the API root,
every record and the exports."""

import json

import pytest
import yaml

from tests.api.helpers import STATEMENT
from tests.test_export_snapshot import snapshot

CC_BY = {"name": "CC BY 4.0", "url": "https://creativecommons.org/licenses/by/4.0/"}
VOA = {"name": "Public domain (work of the U.S. Government)", "url": None}
OTHER = {
    "id": "ODbL-1.0",
    "name": "ODbL 1.0",
    "url": "https://opendatacommons.org/licenses/odbl/1-0/",
}
ROUTES = ["quotes", "statements", "speakers", "events", "themes", "stakeholder-groups"]


def test_the_schema_names_the_data_licence_and_both_layers(client, db):
    schema = yaml.safe_load(client.get("/api/v1/schema/").content)

    assert schema["info"]["license"] == CC_BY
    description = schema["info"]["description"]
    assert "public domain in the U.S." in description
    assert "is under CC BY 4.0" in description
    assert "Code: MIT licence" in description
    licenses = schema["components"]["schemas"]["Licenses"]
    assert set(licenses["required"]) == {"data", "text"}
    text = licenses["properties"]["text"]["oneOf"]
    assert {"$ref": "#/components/schemas/License"} in text
    assert any(branch.get("nullable") for branch in text)


def test_the_root_names_the_data_licence_and_where_the_texts_are(client, db):
    body = client.get("/api/v1/").json()

    assert body["licenses"]["data"] == CC_BY
    assert "`license`, `license_url`" in body["licenses"]["text"]


@pytest.mark.parametrize("route", ROUTES)
def test_every_record_names_its_licences(client, seeded, route):
    items = client.get(f"/api/v1/{route}/?fields=slug,licenses").json()["results"]
    assert items
    with_text = route in ("quotes", "statements")
    for item in items:
        assert item["licenses"] == {
            "data": CC_BY,
            "text": VOA if with_text else None,
        }


def test_the_statement_detail_names_its_text_licence(client, seeded):
    body = client.get(f"/api/v1/statements/{STATEMENT}/").json()

    assert body["licenses"]["text"] == {
        "name": body["license"],
        "url": body["license_url"],
    }


def test_the_data_licence_is_a_setting(client, seeded, settings):
    settings.DATA_LICENSE = OTHER
    other = {"name": OTHER["name"], "url": OTHER["url"]}

    assert client.get("/api/v1/").json()["licenses"]["data"] == other
    quote = client.get("/api/v1/quotes/?page_size=1").json()["results"][0]
    assert quote["licenses"] == {"data": other, "text": VOA}
    export = client.get("/api/v1/exports/themes.ndjson")
    assert export["Link"] == f'<{OTHER["url"]}>; rel="license"'


def test_a_new_data_licence_changes_the_etags(client, seeded, settings):
    url = f"/api/v1/statements/{STATEMENT}/"
    before = client.get(url)["ETag"], client.get("/api/v1/themes/")["ETag"]
    settings.DATA_LICENSE = OTHER

    after = client.get(url)["ETag"], client.get("/api/v1/themes/")["ETag"]

    assert before[0] != after[0]
    assert before[1] != after[1]


def test_the_exports_link_the_data_licence(client, seeded):
    response = client.get("/api/v1/exports/quotes.csv")

    assert response.status_code == 200
    assert response["Link"] == f'<{CC_BY["url"]}>; rel="license"'
    b"".join(response.streaming_content)


def test_the_snapshot_manifest_names_both_layers(seeded, tmp_path, settings):
    settings.DATA_LICENSE = OTHER

    licence = snapshot(tmp_path / "snap")["licence"]

    assert licence["annotations"] == OTHER
    assert licence["text_licences"][0]["license"] == VOA["name"]
    assert "Two layers." in licence["data"]
    assert json.dumps(licence).count("annotations") >= 2
