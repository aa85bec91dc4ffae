"""Security: deployment checks, read-only API, headers, error bodies, hosts,
admin login throttling, known vulnerabilities, secrets from the environment.

This module doubles as a throwaway URLconf (see `urlpatterns` at the end): the
project's URLs plus views that raise, so that the project's own handler500 and
database-outage middleware can be seen answering with DEBUG off.
"""

import ast
import json
import re
import secrets
import subprocess
import sys
from pathlib import Path

import pytest
from django.db import OperationalError
from django.test import Client
from django.urls import URLPattern, URLResolver, get_resolver, path

import config.urls
from tests.conftest import ROOT, run_manage
from tests.reliability.conftest import (
    LEAK_MARKERS,
    PROBLEM_CONTENT_TYPE,
    assert_problem,
    data_fingerprint,
)

# Views whose renderer is HTML or YAML: their 405 says problem+json but is not.

PRODUCTION_ENV = {
    "DEBUG": "false",
    "SECRET_KEY": secrets.token_urlsafe(50),
    "ALLOWED_HOSTS": "example.org",
    "SECURE_HTTPS": "true",
}
WRITE_METHODS = ["POST", "PUT", "PATCH", "DELETE"]
SAFE_METHODS = {"GET", "HEAD", "OPTIONS"}
# A seeded slug for each resource with detail routes.
SEEDED_SLUGS = {
    "speakers": "antony-blinken",
    "events": "ministerial-conference-on-migration-and-protection-2022",
    "statements": "voa-blinken-on-meeting-the-migration-challenge",
    "quotes": "blinken-mass-migration-remains-a-priority",
    "themes": "root-causes-of-migration",
    "stakeholder-groups": "private-sector",
}
HTML_PAGES = ["/api/v1/docs/", "/api/v1/redoc/", "/admin/login/", "/explore/"]
SECURITY_HEADERS = {
    "X-Content-Type-Options": "nosniff",
    "Referrer-Policy": "same-origin",
    "X-Frame-Options": "DENY",
}


def _concrete(pattern: str, resource: str) -> str:
    """A requestable path for a URL pattern, with a seeded slug in each group."""
    value = SEEDED_SLUGS.get(resource, "x")
    pattern = pattern.replace("^", "").replace("$", "").replace("\\", "")
    pattern = re.sub(r"\(\?P<\w+>[^)]*\)", value, pattern)
    return "/" + re.sub(r"<(?:\w+:)?\w+>", value, pattern)


def api_routes() -> list[str]:
    """Every route the URLconf serves under /api/, found by walking the resolver."""
    routes = []

    def walk(patterns, prefix):
        for entry in patterns:
            if isinstance(entry, URLResolver):
                walk(entry.url_patterns, prefix + str(entry.pattern))
            elif isinstance(entry, URLPattern):
                pattern = prefix + str(entry.pattern)
                resource = pattern.removeprefix("api/v1/").lstrip("^").split("/")[0]
                routes.append(_concrete(pattern, resource))

    walk(get_resolver("config.urls").url_patterns, "")
    return sorted(route for route in set(routes) if route.startswith("/api/"))


API_ROUTES = api_routes()


# --- Deployment checks and secrets ----------------------------------------------


@pytest.mark.slow
def test_check_deploy_is_clean_with_production_settings():
    result = run_manage(
        "check", "--deploy", "--fail-level", "WARNING", env=PRODUCTION_ENV
    )
    assert result.returncode == 0, result.stdout + result.stderr
    assert "System check identified no issues" in result.stdout


@pytest.mark.slow
def test_check_deploy_flags_the_built_in_development_key():
    env = {**PRODUCTION_ENV, "SECRET_KEY": None}
    result = run_manage("check", "--deploy", "--fail-level", "WARNING", env=env)
    assert result.returncode != 0
    assert "security.W009" in result.stdout + result.stderr


def test_settings_hold_no_literal_secret():
    """Secrets come from the environment; the only literal key is the dev one."""
    source = (ROOT / "config" / "settings.py").read_text()
    literals = [
        node.value
        for node in ast.walk(ast.parse(source))
        if isinstance(node, ast.Constant) and isinstance(node.value, str)
    ]
    keyish = [value for value in literals if re.fullmatch(r"[\w\-+/=]{32,}", value)]
    assert all(value.startswith("django-insecure-") for value in keyish), keyish
    assert not re.search(r"postgres(ql)?://[^@\s]+:[^@\s]+@", source)
    assert 'env(\n    "SECRET_KEY"' in source or 'env("SECRET_KEY"' in source
    example = (ROOT / ".env.example").read_text()
    assert re.search(r"^SECRET_KEY=$", example, re.MULTILINE)


# --- Anonymous clients only read (editors write: tests/api/test_writes.py) -------


def test_every_api_route_is_found():
    assert "/api/v1/quotes/" in API_ROUTES
    assert f"/api/v1/quotes/{SEEDED_SLUGS['quotes']}/" in API_ROUTES
    assert "/api/v1/exports/quotes.csv" in API_ROUTES
    assert len(API_ROUTES) >= 30


@pytest.mark.parametrize("method", WRITE_METHODS)
@pytest.mark.parametrize("route", API_ROUTES)
def test_anonymous_writes_are_refused_and_change_nothing(
    client, seeded, db, route, method
):
    before = data_fingerprint()

    response = client.generic(
        method, route, data=b'{"slug": "x"}', content_type="application/json"
    )

    assert response.status_code in {401, 403, 405}, response.content[:300]
    assert_problem(response, response.status_code)
    if response.status_code == 405:
        # Editors write to the resources (tests/api/test_writes.py): a route
        # advertises those methods, and answers them 401 without credentials.
        allowed = {m.strip() for m in response["Allow"].split(",")}
        assert method not in allowed, allowed
    assert data_fingerprint() == before


@pytest.mark.parametrize(
    ("route", "writes"),
    [("/api/v1/quotes/", {"POST"}), ("/api/v1/changes/", set())],
)
def test_options_advertises_only_the_editors_write_methods(
    client, seeded, db, route, writes
):
    response = client.options(route)

    assert response.status_code == 200
    allowed = {m.strip() for m in response["Allow"].split(",")}
    assert allowed <= SAFE_METHODS | writes, allowed


@pytest.mark.parametrize("route", ["/healthz", "/readyz"])
@pytest.mark.parametrize("method", WRITE_METHODS)
def test_health_endpoints_refuse_writes(client, db, route, method):
    response = client.generic(method, route)

    assert response.status_code == 405
    assert {m.strip() for m in response["Allow"].split(",")} == {"GET", "HEAD"}


# --- Security headers ---------------------------------------------------------------


@pytest.mark.parametrize(
    "route",
    [
        "/api/v1/",
        "/api/v1/quotes/",
        "/api/v1/quotes/?page=0",
        "/api/v1/schema/",
        "/api/v1/exports/themes.csv",
        "/api/v1/nothing-here/",
        "/healthz",
        *HTML_PAGES,
    ],
)
def test_security_headers_are_on_every_response(client, seeded, db, route):
    response = client.get(route)

    assert response.status_code < 500
    for name, value in SECURITY_HEADERS.items():
        assert response.headers.get(name) == value, (name, response.headers)


def _production_requests(code: str) -> dict:
    """Run `code` (which prints JSON) in manage.py shell with production settings.

    Only views that need no database are requested: the subprocess talks to the
    real DATABASE_URL, not to the test database.
    """
    result = run_manage("shell", "-c", code, env=PRODUCTION_ENV)
    assert result.returncode == 0, result.stderr
    return json.loads(result.stdout.strip().splitlines()[-1])


@pytest.mark.slow
def test_https_settings_send_hsts_and_redirect_plain_http():
    answer = _production_requests(
        "from django.test import Client; import json; c = Client(); "
        "s = c.get('/healthz', secure=True, HTTP_HOST='example.org'); "
        "n = c.get('/no-such-page', secure=True, HTTP_HOST='example.org'); "
        "p = c.get('/no-such-page', HTTP_HOST='example.org'); "
        "h = c.get('/healthz', HTTP_HOST='example.org'); "
        "print(json.dumps({'hsts': s.headers.get('Strict-Transport-Security'), "
        "'hsts_404': n.headers.get('Strict-Transport-Security'), "
        "'plain': [p.status_code, p.headers.get('Location')], "
        "'health_plain': h.status_code}))"
    )
    assert answer["hsts"] == "max-age=31536000; includeSubDomains; preload"
    assert answer["hsts_404"] == answer["hsts"]
    assert answer["plain"] == [301, "https://example.org/no-such-page"]
    # Load balancers probe health over plain HTTP.
    assert answer["health_plain"] == 200


def test_no_hsts_without_https_settings(client):
    response = client.get("/healthz", secure=True)

    assert "Strict-Transport-Security" not in response.headers


CSP_ALLOWED_EXTRAS = {
    # Swagger UI and ReDoc set inline styles; ReDoc starts web workers from blobs;
    # Swagger UI draws icons from data: URLs.
    "style-src": {"'unsafe-inline'"},
    "worker-src": {"blob:"},
    "img-src": {"data:"},
    "font-src": {"data:"},
}


def _csp_directives(header: str) -> dict[str, set[str]]:
    directives = {}
    for part in header.split(";"):
        words = part.split()
        if words:
            directives[words[0].lower()] = set(words[1:])
    return directives


@pytest.mark.parametrize("page", HTML_PAGES)
def test_html_pages_send_a_self_only_content_security_policy(client, db, page):
    response = client.get(page)

    assert response.status_code == 200
    directives = _csp_directives(response.headers["Content-Security-Policy"])
    assert directives.get("default-src") in ({"'self'"}, {"'none'"}), directives
    assert directives.get("frame-ancestors") == {"'none'"}, directives
    assert directives.get("object-src") == {"'none'"}, directives
    for name, sources in directives.items():
        allowed = {"'self'", "'none'"} | CSP_ALLOWED_EXTRAS.get(name, set())
        extra = {
            source
            for source in sources
            if source not in allowed and not source.startswith(("'nonce-", "'sha256-"))
        }
        assert not extra, (name, extra)


@pytest.mark.parametrize("page", HTML_PAGES)
def test_html_pages_load_nothing_from_other_hosts(client, db, page):
    response = client.get(page)

    html = response.content.decode()
    external = re.findall(r'(?:src|href)="((?:https?:)?//[^"]+)"', html)
    assert not external, external


# --- Error bodies with DEBUG off ---------------------------------------------------


def boom(request):
    raise RuntimeError(
        "SELECT password FROM auth_user; SECRET_KEY=hunter2 at /etc/statements"
    )


def database_down(request):
    raise OperationalError(
        'connection to server at "10.1.2.3", port 5432 failed: FATAL: password '
        'authentication failed for user "statements_admin"'
    )


def _assert_leaks_nothing(response, *secrets_in_exception):
    text = response.content.decode("utf-8", errors="replace")
    for marker in (*LEAK_MARKERS, *secrets_in_exception):
        assert marker not in text, (marker, text[:500])


@pytest.mark.urls("tests.reliability.test_security")
def test_an_unhandled_exception_is_a_bare_500_problem(client, db, settings):
    assert settings.DEBUG is False

    response = client.get("/boom/")

    assert_problem(response, 500)
    _assert_leaks_nothing(response, "hunter2", "auth_user", "RuntimeError")


@pytest.mark.slow
def test_a_database_outage_is_a_503_problem_without_connection_details():
    # In a subprocess: the outage middleware closes the connections it finds,
    # which would end the test transaction of an in-process test.
    answer = _production_requests(
        "from django.test import Client, override_settings; import json\n"
        "with override_settings(ROOT_URLCONF='tests.reliability.test_security'):\n"
        "    r = Client().get('/database-down/', HTTP_HOST='example.org', "
        "secure=True)\n"
        "print(json.dumps({'status': r.status_code, 'type': r['Content-Type'], "
        "'retry': r.get('Retry-After'), 'body': r.content.decode()}))"
    )
    assert answer["status"] == 503
    assert answer["type"] == PROBLEM_CONTENT_TYPE
    assert answer["retry"]
    body = json.loads(answer["body"])
    assert body["status"] == 503
    assert body["title"] == "Service Unavailable"
    for marker in (*LEAK_MARKERS, "10.1.2.3", "statements_admin", "password"):
        assert marker not in answer["body"], marker


@pytest.mark.parametrize(
    ("route", "status", "extra"),
    [
        ("/api/v1/nothing-here/", 404, {}),
        ("/no-such-page", 404, {}),
        ("/api/v1/quotes/?page=abc", 400, {}),
        ("/api/v1/quotes/?speaker=nobody", 400, {}),
        ("/api/v1/quotes/", 406, {"HTTP_ACCEPT": "text/html"}),
        ("/api/v1/quotes/", 401, {"HTTP_X_API_KEY": "bogus"}),
        ("/static/../config/settings.py", 404, {}),
        ("/static/..%2f..%2fconfig/settings.py", 404, {}),
        ("/static/rest_framework/../../../../config/settings.py", 404, {}),
    ],
)
def test_error_bodies_leak_no_internals(client, seeded, db, route, status, extra):
    response = client.get(route, **extra)

    assert_problem(response, status)
    _assert_leaks_nothing(response, "SECRET_KEY", "DATABASE_URL", "config.settings")


def test_the_static_route_serves_no_source_file(client, db):
    response = client.get("/static/../config/settings.py")

    assert response.status_code == 404
    assert b"SECRET_KEY" not in response.content


# --- Host header --------------------------------------------------------------------


@pytest.mark.parametrize("route", ["/api/v1/quotes/", "/api/v1/docs/", "/admin/"])
def test_an_unknown_host_is_a_400_problem(client, db, route):
    response = client.get(route, HTTP_HOST="evil.example")

    assert_problem(response, 400)
    assert b"evil.example" not in response.content


def test_forwarded_host_is_not_trusted_for_links(client, seeded, db):
    response = client.get(
        "/api/v1/quotes/?page_size=1", HTTP_X_FORWARDED_HOST="evil.example"
    )

    assert response.status_code == 200
    assert b"evil.example" not in response.content
    assert "evil.example" not in response.headers.get("Link", "")


# --- Admin login ----------------------------------------------------------------------

FAILED_ATTEMPTS = 20


def test_repeated_failed_admin_logins_are_throttled(db, django_user_model):
    django_user_model.objects.create_superuser("admin", "a@example.org", "right-pw")
    browser = Client()
    for attempt in range(FAILED_ATTEMPTS):
        browser.post(
            "/admin/login/?next=/admin/",
            {"username": "admin", "password": f"wrong-{attempt}"},
        )

    response = browser.post(
        "/admin/login/?next=/admin/", {"username": "admin", "password": "right-pw"}
    )

    # After FAILED_ATTEMPTS guesses, even the right password must be refused.
    assert response.status_code in {403, 429} or "_auth_user_id" not in (
        browser.session
    )


def test_failed_admin_logins_do_not_log_in(db, django_user_model):
    django_user_model.objects.create_superuser("admin", "a@example.org", "right-pw")
    browser = Client()

    response = browser.post(
        "/admin/login/?next=/admin/", {"username": "admin", "password": "wrong"}
    )

    assert response.status_code == 200
    assert "_auth_user_id" not in browser.session


# --- Known vulnerabilities in the locked dependencies ---------------------------------


@pytest.mark.slow
def test_locked_dependencies_have_no_known_vulnerability(tmp_path):
    """pip-audit over requirements/base.txt, hash-checked, without pip.

    pip-audit says "No known vulnerabilities found" and exits 0 even when it could
    look up nothing, so the report is read: every dependency must be audited.
    """
    result = subprocess.run(
        [
            str(Path(sys.executable).with_name("pip-audit")),
            "--requirement",
            str(ROOT / "requirements" / "base.txt"),
            "--require-hashes",
            "--disable-pip",
            "--progress-spinner",
            "off",
            "--format",
            "json",
            "--cache-dir",
            str(tmp_path),
            "--timeout",
            "20",
        ],
        capture_output=True,
        text=True,
        timeout=300,
        check=False,
    )
    assert result.stdout, result.stderr
    report = json.loads(result.stdout)
    dependencies = report["dependencies"]
    vulnerable = {
        f"{dep['name']}=={dep['version']}": [v["id"] for v in dep["vulns"]]
        for dep in dependencies
        if dep.get("vulns")
    }
    assert not vulnerable
    unaudited = [dep["name"] for dep in dependencies if "skip_reason" in dep]
    if unaudited and len(unaudited) == len(dependencies):
        pytest.xfail(
            "ENV: pip-audit reached no vulnerability database (PyPI's JSON API "
            f"answers 'not found' for all {len(dependencies)} locked packages); "
            "nothing was audited"
        )
    assert not unaudited
    assert result.returncode == 0, result.stderr


# --- The throwaway URLconf of the error-body tests ----------------------------------

urlpatterns = [
    path("boom/", boom),
    path("database-down/", database_down),
    *config.urls.urlpatterns,
]
handler400 = config.urls.handler400
handler403 = config.urls.handler403
handler404 = config.urls.handler404
handler500 = config.urls.handler500
