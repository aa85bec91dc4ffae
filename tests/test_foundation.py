"""Settings, operational endpoints and the embedded database."""

import json
import secrets
import time

import pytest

from tests.conftest import run_manage

PRODUCTION_ENV = {
    "DEBUG": "false",
    "SECRET_KEY": secrets.token_urlsafe(50),
    "ALLOWED_HOSTS": "statements.example.org",
    "SECURE_HTTPS": "true",
}


@pytest.mark.slow
def test_settings_load_with_debug_off_by_default():
    result = run_manage(
        "shell",
        "-c",
        "from django.conf import settings; print(settings.DEBUG)",
        env={"DEBUG": None},
    )
    assert result.returncode == 0, result.stderr
    assert result.stdout.strip().splitlines()[-1] == "False"


@pytest.mark.slow
def test_check_deploy_is_clean_with_production_settings():
    result = run_manage(
        "check", "--deploy", "--fail-level", "WARNING", env=PRODUCTION_ENV
    )
    assert result.returncode == 0, result.stdout + result.stderr
    assert "System check identified no issues" in result.stdout


@pytest.mark.slow
def test_check_deploy_flags_the_development_secret_key():
    env = {**PRODUCTION_ENV, "SECRET_KEY": None}
    result = run_manage("check", "--deploy", "--fail-level", "WARNING", env=env)
    assert result.returncode != 0
    assert "security.W009" in result.stdout + result.stderr


def test_healthz_answers_without_touching_the_database(client):
    # No django_db mark: any database access here raises, failing the test.
    response = client.get("/healthz")
    assert response.status_code == 200
    assert response.json() == {"status": "ok"}


@pytest.mark.django_db
def test_readyz_is_ok_when_the_database_answers(client):
    response = client.get("/readyz")
    assert response.status_code == 200
    assert response.json() == {"status": "ok", "checks": {"database": "ok"}}


@pytest.mark.slow
def test_readyz_is_503_fast_when_the_database_is_unreachable():
    code = (
        "from django.test import Client; "
        "import json; r = Client().get('/readyz', HTTP_HOST='localhost'); "
        "print(json.dumps({'status': r.status_code, 'body': r.json(), "
        "'retry': r.headers.get('Retry-After')}))"
    )
    started = time.monotonic()
    result = run_manage(
        "shell",
        "-c",
        code,
        env={"DATABASE_URL": "postgres://postgres@127.0.0.1:1/statements"},
    )
    elapsed = time.monotonic() - started
    assert result.returncode == 0, result.stderr
    answer = json.loads(result.stdout.strip().splitlines()[-1])
    assert answer["status"] == 503
    assert answer["body"] == {
        "status": "unavailable",
        "checks": {"database": "unavailable"},
    }
    assert answer["retry"] == "5"
    assert elapsed < 20


@pytest.mark.slow
def test_embedded_postgresql_starts_when_database_url_is_unset(tmp_path):
    data_dir = tmp_path / "pg"
    code = (
        "from django.db import connection; "
        "cursor = connection.cursor(); cursor.execute('SELECT version()'); "
        "print(cursor.fetchone()[0]); print(connection.settings_dict['HOST'])"
    )
    result = run_manage(
        "shell",
        "-c",
        code,
        env={"DATABASE_URL": None, "EMBEDDED_DB_DIR": str(data_dir)},
    )
    assert result.returncode == 0, result.stderr
    version, host = result.stdout.strip().splitlines()[-2:]
    assert version.startswith("PostgreSQL ")
    assert host.startswith(str(data_dir))
    assert (data_dir / "PG_VERSION").exists()


@pytest.mark.slow
def test_api_requests_get_503_problem_when_the_database_is_unreachable():
    code = (
        "from django.test import Client; import json; "
        "r = Client().get('/api/v1/quotes/', HTTP_HOST='localhost'); "
        "print(json.dumps({'status': r.status_code, 'type': r.headers['Content-Type'], "
        "'body': r.json(), 'retry': r.headers.get('Retry-After')}))"
    )
    result = run_manage(
        "shell",
        "-c",
        code,
        env={"DATABASE_URL": "postgres://postgres@127.0.0.1:1/statements"},
    )
    assert result.returncode == 0, result.stderr
    answer = json.loads(result.stdout.strip().splitlines()[-1])
    assert answer["status"] == 503
    assert answer["type"] == "application/problem+json"
    assert answer["body"]["status"] == 503
    assert answer["body"]["title"] == "Service Unavailable"
    assert answer["retry"] == "5"
