"""`POST /api/v1/imports/preview/`: the dry run over HTTP, for editors only."""

import json
from pathlib import Path

import pytest
from django.contrib.auth.models import Group, User

from statements.api.imports import MAX_ARTICLE_CHARS
from statements.models import PartnerKey, Quote, Statement

ROOT = Path(__file__).resolve().parents[2]
SEED_TEXT = (
    ROOT / "fixtures" / "texts" / "voa-blinken-meeting-the-migration-challenge.txt"
)
FIXTURE = json.loads((ROOT / "fixtures" / "blinken.json").read_text(encoding="utf-8"))
ARTICLES = Path(__file__).resolve().parent / "articles"
URL = "/api/v1/imports/preview/"


def editor_key() -> str:
    return PartnerKey.objects.create_key(name="Newsroom", scope="editor")[1]


def post(client, body, key=None, **extra):
    headers = {"HTTP_AUTHORIZATION": f"Bearer {key}"} if key else {}
    return client.post(
        URL, json.dumps(body), content_type="application/json", **headers, **extra
    )


def test_an_editor_key_gets_the_dry_run_json(client, seeded):
    text = SEED_TEXT.read_text(encoding="utf-8")
    counts = (Statement.objects.count(), Quote.all_objects.count())
    response = post(client, {"text": text}, editor_key())
    assert response.status_code == 200
    body = response.json()
    assert [
        (q["spans"], q["fidelity"], q["speaker"]["slug"]) for q in body["quotes"]
    ] == [(q["spans"], q["fidelity"], q["speaker"]) for q in FIXTURE["quotes"]]
    assert (Statement.objects.count(), Quote.all_objects.count()) == counts


def test_html_is_read_by_the_html_rule(client, db):
    html = (ARTICLES / "guardian-nhs-waiting.html").read_text(encoding="utf-8")
    response = post(client, {"html": html}, editor_key())
    assert response.status_code == 200
    texts = [q["text"] for q in response.json()["quotes"]]
    assert "Staff are exhausted," in texts
    assert "The Waiting Game" not in texts


def test_a_user_of_the_editors_group_may_preview(client, db):
    user = User.objects.create_user("ed", password="pw")
    user.groups.add(Group.objects.create(name="editors"))
    client.force_authenticate(user)
    assert post(client, {"text": '"We will win," said Jane Doe.'}).status_code == 200


def test_anonymous_is_401_and_a_read_key_is_403_in_problem_json(client, db):
    anonymous = post(client, {"text": "x"})
    assert anonymous.status_code == 401
    assert anonymous["Content-Type"] == "application/problem+json"
    read_key = PartnerKey.objects.create_key(name="Reader")[1]
    reader = post(client, {"text": "x"}, read_key)
    assert reader.status_code == 403
    assert reader["Content-Type"] == "application/problem+json"
    assert reader.json()["status"] == 403


@pytest.mark.parametrize(
    "body",
    [{}, {"text": "a", "html": "<p>a</p>"}, {"text": ""}, {"text": ["a"]}, ["text"]],
)
def test_a_bad_body_is_a_400_problem(client, db, body):
    response = post(client, body, editor_key())
    assert response.status_code == 400
    assert response["Content-Type"] == "application/problem+json"


def test_a_too_large_article_is_a_413_problem(client, db):
    key = editor_key()
    response = post(client, {"text": "a" * (MAX_ARTICLE_CHARS + 1)}, key)
    assert response.status_code == 413
    assert response["Content-Type"] == "application/problem+json"
    huge = post(client, {"text": "\u00e9" * (3 * MAX_ARTICLE_CHARS)}, key)
    assert huge.status_code == 413


def test_the_schema_documents_the_endpoint(client, db):
    schema = client.get("/api/v1/schema/?format=json").json()
    operation = schema["paths"][URL]["post"]
    assert operation["operationId"] == "imports_preview"
    assert set(operation["responses"]) >= {"200", "400", "401", "403", "413"}


@pytest.mark.parametrize(
    "body", [{"html": 3.4e38}, {"text": 12}, {"text": ["a"]}, {"html": None}]
)
def test_a_value_that_is_not_a_string_is_a_400_naming_it(client, db, body):
    response = post(client, body, editor_key())
    assert response.status_code == 400
    (error,) = response.json()["errors"]
    assert error["parameter"] == next(iter(body))


def test_a_missing_body_is_a_400(client, db):
    response = client.post(URL, HTTP_AUTHORIZATION=f"Bearer {editor_key()}")
    assert response.status_code == 400
