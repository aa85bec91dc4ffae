"""Partner API keys: both headers, 401 for a wrong, revoked or expired key, hashing,
last use, the management command and the admin."""

import datetime
import io
import re

import pytest
from django.core.cache import cache
from django.core.exceptions import ValidationError
from django.core.management import CommandError, call_command
from django.db import IntegrityError, connection, transaction
from django.utils import timezone
from rest_framework_api_key.models import APIKey

from statements.models import PartnerKey

URL = "/api/v1/speakers/"
UNAUTHORIZED = {
    "type": "https://statements-api.org/problems/unauthorized",
    "title": "Unauthorized",
    "status": 401,
}


@pytest.fixture(autouse=True)
def small_limits(settings, db):
    settings.RATE_LIMIT_ANONYMOUS = 10
    settings.RATE_LIMIT_PARTNER = 20
    settings.RATE_LIMIT_WINDOW = 60
    cache.clear()


@pytest.fixture
def partner(db):
    """A key with its own rate, and the raw key that only its holder knows."""
    return PartnerKey.objects.create_key(name="Partner One", rate=15)


def assert_unauthorized(response, detail):
    assert response.status_code == 401
    assert response["Content-Type"] == "application/problem+json"
    assert response["WWW-Authenticate"] == 'Api-Key realm="api", Bearer realm="api"'
    assert response.json() == {**UNAUTHORIZED, "detail": detail}


@pytest.mark.django_db
def test_a_request_without_a_key_is_anonymous(client):
    response = client.get(URL)
    assert response.status_code == 200
    assert response["RateLimit-Policy"] == '"anonymous";q=10;w=60'


@pytest.mark.parametrize(
    "header", ["Authorization", "X-API-Key"], ids=["authorization", "x-api-key"]
)
def test_a_valid_key_is_accepted_in_either_header(client, partner, header):
    key, raw_key = partner
    value = f"Api-Key {raw_key}" if header == "Authorization" else raw_key
    response = client.get(URL, headers={header: value})
    assert response.status_code == 200
    assert response["RateLimit-Policy"] == '"partner";q=15;w=60'
    assert response["RateLimit"] == '"partner";r=14;t=60'


def test_the_authorization_keyword_is_case_insensitive(client, partner):
    _, raw_key = partner
    response = client.get(URL, headers={"Authorization": f"api-key {raw_key}"})
    assert response.status_code == 200
    assert response["RateLimit-Policy"].startswith('"partner"')


def test_the_same_key_in_both_headers_is_accepted(client, partner):
    _, raw_key = partner
    headers = {"Authorization": f"Api-Key {raw_key}", "X-API-Key": raw_key}
    assert client.get(URL, headers=headers).status_code == 200


def test_a_key_without_its_own_rate_gets_the_partner_default(client, db):
    _, raw_key = PartnerKey.objects.create_key(name="Default rate")
    response = client.get(URL, headers={"X-API-Key": raw_key})
    assert response["RateLimit-Policy"] == '"partner";q=20;w=60'


@pytest.mark.parametrize(
    ("headers", "detail"),
    [
        (
            {"X-API-Key": "AbCdEfGh.not-a-key-this-service-issued"},
            "The API key is invalid or has been revoked.",
        ),
        (
            {"Authorization": "Api-Key AbCdEfGh.not-a-key-this-service-issued"},
            "The API key is invalid or has been revoked.",
        ),
        ({"X-API-Key": ""}, "The API key is malformed."),
        ({"Authorization": "Api-Key"}, "The API key is malformed."),
        ({"Authorization": "Api-Key two words"}, "The API key is malformed."),
        ({"X-API-Key": "x" * 101}, "The API key is malformed."),
    ],
    ids=[
        "unknown-x-api-key",
        "unknown-authorization",
        "empty-x-api-key",
        "empty-authorization",
        "spaces",
        "too-long",
    ],
)
@pytest.mark.django_db
def test_a_wrong_key_is_401_not_anonymous(client, headers, detail):
    assert_unauthorized(client.get(URL, headers=headers), detail)


def test_a_known_prefix_with_a_wrong_secret_is_401(client, partner):
    key, raw_key = partner
    forged = f"{key.prefix}.{'x' * len(raw_key.split('.', 1)[1])}"
    response = client.get(URL, headers={"X-API-Key": forged})
    assert_unauthorized(response, "The API key is invalid or has been revoked.")


def test_two_different_keys_are_401(client, partner, db):
    _, raw_key = partner
    _, other_key = PartnerKey.objects.create_key(name="Partner Two")
    headers = {"Authorization": f"Api-Key {raw_key}", "X-API-Key": other_key}
    response = client.get(URL, headers=headers)
    assert_unauthorized(response, "Authorization and X-API-Key carry different keys.")


def test_a_revoked_key_is_401(client, partner):
    key, raw_key = partner
    assert client.get(URL, headers={"X-API-Key": raw_key}).status_code == 200
    call_command("apikey", "revoke", key.prefix, stdout=io.StringIO())
    response = client.get(URL, headers={"X-API-Key": raw_key})
    assert_unauthorized(response, "The API key is invalid or has been revoked.")


def test_an_expired_key_is_401(client, partner):
    key, raw_key = partner
    key.expiry_date = timezone.now() - datetime.timedelta(seconds=1)
    key.save()
    response = client.get(URL, headers={"X-API-Key": raw_key})
    assert_unauthorized(response, "The API key has expired.")


@pytest.mark.parametrize("scheme", ["Bearer", "bearer"])
def test_a_valid_key_is_accepted_as_a_bearer_token(client, partner, scheme):
    _, raw_key = partner
    response = client.get(URL, headers={"Authorization": f"{scheme} {raw_key}"})
    assert response.status_code == 200
    assert response["RateLimit-Policy"] == '"partner";q=15;w=60'
    assert response["Cache-Control"] == "private, max-age=60"


@pytest.mark.django_db
def test_an_unknown_bearer_token_is_401(client):
    response = client.get(URL, headers={"Authorization": "Bearer abc.def"})
    assert_unauthorized(response, "The API key is invalid or has been revoked.")


@pytest.mark.parametrize(
    "authorization", ["Token abc.def", "ApiKey abc.def", "abc.def"]
)
@pytest.mark.django_db
def test_another_authorization_scheme_is_401_naming_the_accepted_ones(
    client, authorization
):
    response = client.get(URL, headers={"Authorization": authorization})
    scheme = authorization.split()[0]
    assert_unauthorized(
        response,
        f"The Authorization scheme {scheme!r} is not accepted: send "
        "`Authorization: Api-Key <key>`, `Authorization: Bearer <key>` or "
        "`X-API-Key: <key>`.",
    )
    assert response["RateLimit-Policy"].startswith('"anonymous"')


@pytest.mark.parametrize(
    "authorization",
    ["Basic dXNlcjpwYXNz", 'Digest username="u"'],
    ids=["basic", "digest"],
)
@pytest.mark.django_db
def test_a_proxys_authorization_schemes_are_left_to_it(client, authorization):
    # A proxy guarding the site forwards its own credentials: not an API key.
    response = client.get(URL, headers={"Authorization": authorization})
    assert response.status_code == 200
    assert response["RateLimit-Policy"].startswith('"anonymous"')


def test_the_key_is_stored_hashed_and_only_its_prefix_is_shown(partner):
    key, raw_key = partner
    secret = raw_key.split(".", 1)[1]
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT row_to_json(k)::text FROM statements_partnerkey k "
            "WHERE prefix = %s",
            [key.prefix],
        )
        (row,) = cursor.fetchone()
    assert raw_key not in row
    assert secret not in row
    assert key.prefix in row
    assert key.hashed_key.startswith("sha512$$")
    assert str(key) == f"Partner One ({key.prefix})"
    assert raw_key.startswith(f"{key.prefix}.")


def test_last_used_at_is_recorded_at_most_once_a_minute(client, partner):
    key, raw_key = partner
    assert key.last_used_at is None
    before = timezone.now()
    client.get(URL, headers={"X-API-Key": raw_key})
    key.refresh_from_db()
    first_use = key.last_used_at
    assert first_use >= before

    client.get(URL, headers={"X-API-Key": raw_key})
    key.refresh_from_db()
    assert key.last_used_at == first_use

    a_while_ago = timezone.now() - datetime.timedelta(minutes=2)
    PartnerKey.objects.filter(pk=key.pk).update(last_used_at=a_while_ago)
    client.get(URL, headers={"X-API-Key": raw_key})
    key.refresh_from_db()
    assert key.last_used_at > first_use


def test_a_key_costs_one_query_and_no_write_within_the_minute(
    client, partner, django_assert_num_queries
):
    _, raw_key = partner
    client.get("/api/v1/quota/", headers={"X-API-Key": raw_key})
    # The key lookup and the read of its counter; last_used_at is fresh.
    with django_assert_num_queries(2):
        client.get("/api/v1/quota/", headers={"X-API-Key": raw_key})


# --- manage.py apikey -----------------------------------------------------------


def run_apikey(*args):
    stdout, stderr = io.StringIO(), io.StringIO()
    call_command("apikey", *args, stdout=stdout, stderr=stderr)
    return stdout.getvalue(), stderr.getvalue()


@pytest.mark.django_db
def test_apikey_create_prints_the_key_once_and_the_key_works(client):
    stdout, stderr = run_apikey("create", "Research partner", "--rate", "7")
    raw_key = stdout.strip()
    key = PartnerKey.objects.get()
    assert stdout == f"{raw_key}\n"
    assert raw_key.startswith(f"{key.prefix}.")
    assert raw_key not in stderr
    assert key.prefix in stderr
    assert (key.name, key.rate, key.revoked) == ("Research partner", 7, False)
    assert (key.scope, key.is_editor) == ("read", False)
    response = client.get(URL, headers={"X-API-Key": raw_key})
    assert response["RateLimit-Policy"] == '"partner";q=7;w=60'


@pytest.mark.django_db
def test_apikey_create_gives_the_editor_scope_only_when_asked():
    run_apikey("create", "Newsroom", "--scope", "editor")
    key = PartnerKey.objects.get()
    assert (key.scope, key.is_editor) == ("editor", True)
    assert "editor" in run_apikey("list")[0].splitlines()[1]


@pytest.mark.django_db
def test_apikey_list_shows_prefixes_never_keys():
    raw_key = run_apikey("create", "Listed partner")[0].strip()
    key = PartnerKey.objects.get()
    output = run_apikey("list")[0]
    rows = [re.split(r"\s{2,}", line) for line in output.splitlines()]
    assert rows == [
        ["PREFIX", "NAME", "RATE", "SCOPE", "CREATED", "LAST USED", "STATUS"],
        [
            key.prefix,
            "Listed partner",
            "20 (default)",
            "read",
            f"{key.created:%Y-%m-%d %H:%M}",
            "-",
            "active",
        ],
    ]
    assert raw_key not in output


@pytest.mark.django_db
def test_apikey_revoke_is_final_and_says_so_twice():
    run_apikey("create", "Leaving partner")
    key = PartnerKey.objects.get()
    assert run_apikey("revoke", key.prefix)[0] == (
        f"Revoked key {key.prefix} (Leaving partner).\n"
    )
    assert run_apikey("revoke", key.prefix)[0] == (
        f"Key {key.prefix} (Leaving partner) was already revoked.\n"
    )
    key.refresh_from_db()
    assert key.revoked
    assert "revoked" in run_apikey("list")[0]


@pytest.mark.django_db
def test_apikey_revoke_of_an_unknown_prefix_fails():
    with pytest.raises(CommandError, match="No key with prefix 'nothing1'"):
        run_apikey("revoke", "nothing1")


@pytest.mark.parametrize(
    "args",
    [
        ("create", ""),
        ("create", "x" * 51),
        ("create", "Name", "--rate", "0"),
        ("create", "Name", "--scope", "admin"),
    ],
)
@pytest.mark.django_db
def test_apikey_create_rejects_bad_input(args):
    with pytest.raises(CommandError):
        run_apikey(*args)
    assert not PartnerKey.objects.exists()


# --- admin -------------------------------------------------------------------


def test_the_admin_creates_a_key_and_shows_it_once(admin_client, client):
    response = admin_client.post(
        "/admin/statements/partnerkey/add/",
        {"name": "Admin partner", "rate": "9", "scope": "editor"},
        follow=True,
    )
    assert response.status_code == 200
    key = PartnerKey.objects.get()
    shown = "The API key for Admin partner is: "
    (message,) = [str(m) for m in response.context["messages"] if shown in str(m)]
    raw_key = message.split(shown)[1].split(". ")[0]
    assert raw_key.startswith(f"{key.prefix}.")
    assert key.hashed_key != raw_key
    assert key.scope == "editor"
    answer = client.get(URL, headers={"X-API-Key": raw_key})
    assert answer["RateLimit-Policy"] == '"partner";q=9;w=60'

    listing = admin_client.get("/admin/statements/partnerkey/")
    assert key.prefix in listing.content.decode()
    assert raw_key not in listing.content.decode()


def test_the_admin_revokes_keys_with_an_action(admin_client, client, partner):
    key, raw_key = partner
    response = admin_client.post(
        "/admin/statements/partnerkey/",
        {"action": "revoke_keys", "_selected_action": [key.pk]},
        follow=True,
    )
    assert [str(m) for m in response.context["messages"]] == ["Revoked 1 key(s)."]
    assert client.get(URL, headers={"X-API-Key": raw_key}).status_code == 401


@pytest.mark.django_db
def test_the_admin_shows_only_partner_keys(admin_client):
    index = admin_client.get("/admin/").content.decode()
    assert "/admin/statements/partnerkey/" in index
    assert APIKey._meta.app_label not in index


# --- A rate of 0 is refused, not silently the default (issue 14, item 9) ----------


def test_the_admin_refuses_a_rate_of_zero(admin_client):
    response = admin_client.post(
        "/admin/statements/partnerkey/add/",
        {"name": "Zero partner", "rate": "0", "scope": "read"},
    )
    assert response.status_code == 200
    assert response.context["adminform"].form.errors == {
        "rate": ["Ensure this value is greater than or equal to 1."]
    }
    assert (
        "Ensure this value is greater than or equal to 1." in response.content.decode()
    )
    assert not PartnerKey.objects.exists()


def test_the_database_refuses_a_rate_of_zero(db):
    key, _ = PartnerKey.objects.create_key(name="Partner")
    with pytest.raises(IntegrityError), transaction.atomic():
        PartnerKey.objects.filter(pk=key.pk).update(rate=0)
    with pytest.raises(ValidationError):
        PartnerKey(name="Zero", rate=0).full_clean()


def test_the_command_refuses_a_rate_of_zero(db):
    with pytest.raises(CommandError, match="invalid positive_int value: '0'"):
        call_command("apikey", "create", "Zero partner", "--rate", "0")
    assert not PartnerKey.objects.exists()
