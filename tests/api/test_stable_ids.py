"""Stable ids: a renamed slug answers 301 to the record's current URL, a deleted
one 410, and a list filter naming a renamed slug is a 400 naming the current one.

Renames go through the write API, as editors make them (PATCH `slug` with
If-Match).
"""

import pytest

from tests.api.helpers import MASS_MIGRATION, PROBLEM_TYPE, SPEAKER, STATEMENT
from tests.api.test_writes import API, assert_problem, etag_of, fingerprint

# A seeded record of every resource: (route, slug).
RECORDS = [
    ("quotes", MASS_MIGRATION),
    ("statements", STATEMENT),
    ("speakers", SPEAKER),
    ("events", "ministerial-conference-on-migration-and-protection-2022-reception"),
    ("themes", "poverty"),
    ("stakeholder-groups", "ngos"),
]


def rename(client, route: str, old: str, new: str):
    url = f"{API}/{route}/{old}/"
    response = client.patch(
        url,
        {"slug": new, "reason": "A clearer slug."},
        format="json",
        HTTP_IF_MATCH=etag_of(client, url),
    )
    assert response.status_code == 200, response.content
    assert response.json()["slug"] == new
    return response


@pytest.mark.parametrize(("route", "slug"), RECORDS, ids=[r for r, _ in RECORDS])
def test_a_renamed_slug_answers_301_to_the_current_url(editor, seeded, route, slug):
    rename(editor, route, slug, f"{slug}-renamed")

    response = editor.get(f"{API}/{route}/{slug}/?fields=slug,url")

    assert response.status_code == 301
    assert response["Location"] == (
        f"http://testserver{API}/{route}/{slug}-renamed/?fields=slug,url"
    )
    assert response.content == b""
    # Permanent (a slug is never reused) but not cached for ever: the same
    # lifetime as a read, and no validators of a representation it has not.
    assert response["Cache-Control"] == "private, max-age=60"
    assert "ETag" not in response
    followed = editor.get(response["Location"])
    assert followed.status_code == 200
    assert followed.json() == {
        "slug": f"{slug}-renamed",
        "url": f"http://testserver{API}/{route}/{slug}-renamed/",
    }


def test_an_anonymous_redirect_is_public_and_revalidated_by_shared_caches(
    editor, client, seeded
):
    rename(editor, "themes", "poverty", "extreme-poverty")

    response = client.head(f"{API}/themes/poverty/")

    assert response.status_code == 301
    assert response["Location"] == f"http://testserver{API}/themes/extreme-poverty/"
    assert response["Cache-Control"] == "public, max-age=60, s-maxage=0"


def test_the_history_of_a_renamed_slug_redirects_with_its_query(editor, seeded):
    rename(editor, "themes", "poverty", "extreme-poverty")

    response = editor.get(f"{API}/themes/poverty/history/?page_size=1")

    assert response.status_code == 301
    assert response["Location"] == (
        f"http://testserver{API}/themes/extreme-poverty/history/?page_size=1"
    )
    history = editor.get(response["Location"]).json()
    assert history["results"][0]["changes"]["slug"] == {
        "from": "poverty",
        "to": "extreme-poverty",
    }


def test_a_chain_of_renames_redirects_in_one_hop(editor, seeded):
    rename(editor, "themes", "poverty", "extreme-poverty")
    rename(editor, "themes", "extreme-poverty", "poverty-and-inequality")

    for old in ("poverty", "extreme-poverty"):
        response = editor.get(f"{API}/themes/{old}/")
        assert response.status_code == 301
        assert response["Location"] == (
            f"http://testserver{API}/themes/poverty-and-inequality/"
        )


def test_a_deleted_slug_is_410_gone_and_its_history_stays(editor, seeded):
    created = editor.post(
        f"{API}/themes/", {"slug": "short-lived", "name": "Short"}, format="json"
    )
    assert created.status_code == 201
    rename(editor, "themes", "short-lived", "brief")
    deleted = editor.delete(
        f"{API}/themes/brief/?reason=test",
        HTTP_IF_MATCH=etag_of(
            editor, created["Location"].replace("short-lived", "brief")
        ),
    )
    assert deleted.status_code == 204

    for slug in ("brief", "short-lived"):
        body = assert_problem(editor.get(f"{API}/themes/{slug}/"), 410)
        assert body["type"].endswith("/gone")
        assert f"'{slug}' was deleted" in body["detail"]
    # The history outlives the record, at the slug it last had.
    history = editor.get(f"{API}/themes/brief/history/")
    assert history.status_code == 200
    assert history.json()["results"][0]["action"] == "deleted"
    # A slug no record ever had stays a plain 404.
    assert_problem(editor.get(f"{API}/themes/never-was/"), 404)


def test_a_write_to_a_renamed_slug_is_308_and_changes_nothing(editor, seeded):
    rename(editor, "themes", "poverty", "extreme-poverty")
    etag = etag_of(editor, f"{API}/themes/extreme-poverty/")
    before = fingerprint()

    response = editor.patch(
        f"{API}/themes/poverty/",
        {"description": "Lacking the means to live."},
        format="json",
        HTTP_IF_MATCH=etag,
    )

    assert response.status_code == 308
    assert response["Location"] == f"http://testserver{API}/themes/extreme-poverty/"
    assert "Cache-Control" not in response
    assert fingerprint() == before
    # The same request, sent again to the Location, applies: the ETag is the
    # record's, whatever its slug.
    again = editor.patch(
        response["Location"],
        {"description": "Lacking the means to live."},
        format="json",
        HTTP_IF_MATCH=etag,
    )
    assert again.status_code == 200, again.content


def test_a_list_filter_naming_a_renamed_slug_is_a_400_naming_the_new_one(
    editor, seeded
):
    rename(editor, "themes", "poverty", "extreme-poverty")

    response = editor.get(f"{API}/quotes/?theme=migration,poverty")

    body = assert_problem(response, 400, "theme")
    assert response["Content-Type"] == PROBLEM_TYPE
    assert body["errors"] == [
        {
            "parameter": "theme",
            "message": "Theme renamed: 'poverty' is now 'extreme-poverty'; filter "
            "by the current slug.",
            "code": "renamed_slug",
        }
    ]
    assert editor.get(f"{API}/quotes/?theme=extreme-poverty").status_code == 200
