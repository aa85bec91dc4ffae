"""The container files stay in step with the Makefile, the settings and the docs.

No Docker engine is needed: the files are parsed, and the image's build-time
collectstatic step is run as written in the Dockerfile.
"""

import re
import shlex

import pytest
import yaml

from tests.conftest import ROOT, run_manage

COMPOSE = ROOT / "docker-compose.yml"
DOCKERFILE = ROOT / "Dockerfile"
ENTRYPOINT = ROOT / "docker" / "entrypoint.sh"
MAKEFILE = ROOT / "Makefile"
SETTINGS = ROOT / "config" / "settings.py"
ENV_EXAMPLE = ROOT / ".env.example"
README = ROOT / "README.md"

SETTINGS_ENV_CALL = re.compile(
    r"\benv(?:\.(?:str|bool|int|float|list|tuple|dict|json|url|db_url|db|"
    r"cache_url|cache|email_url|path))?\(\s*[\"']([A-Z][A-Z0-9_]*)[\"']"
)
SHELL_DEFAULT = re.compile(r"\$\{([A-Z][A-Z0-9_]*):-([^}]*)\}")


def joined_lines(text: str) -> list[str]:
    """Lines with backslash continuations joined and comments dropped."""
    lines, current = [], ""
    for raw in text.splitlines():
        if not current and raw.lstrip().startswith("#"):
            continue
        if raw.rstrip().endswith("\\"):
            current += raw.rstrip()[:-1] + " "
            continue
        lines.append(current + raw)
        current = ""
    if current:
        lines.append(current)
    return [line for line in lines if line.strip()]


def dockerfile_instructions() -> list[tuple[str, str]]:
    """(INSTRUCTION, arguments) of the Dockerfile, in order."""
    result = []
    for line in joined_lines(DOCKERFILE.read_text()):
        instruction, _, arguments = line.strip().partition(" ")
        result.append((instruction.upper(), arguments.strip()))
    return result


def final_stage() -> list[tuple[str, str]]:
    instructions = dockerfile_instructions()
    last_from = max(i for i, (name, _) in enumerate(instructions) if name == "FROM")
    return instructions[last_from:]


def dockerfile_env(stage: list[tuple[str, str]]) -> dict[str, str]:
    env = {}
    for name, arguments in stage:
        if name == "ENV":
            for assignment in shlex.split(arguments):
                key, _, value = assignment.partition("=")
                env[key] = value
    return env


def makefile_variables() -> dict[str, str]:
    variables = {}
    for line in MAKEFILE.read_text().splitlines():
        match = re.match(r"^([A-Z_]+)\s*\??:?=\s*(.*)$", line)
        if match:
            variables[match[1]] = match[2].strip()
    return variables


def makefile_recipe(target: str) -> list[str]:
    """The recipe lines of a Makefile target, continuations joined."""
    text = MAKEFILE.read_text()
    match = re.search(rf"^{re.escape(target)}:.*\n((?:\t.*\n?)+)", text, re.M)
    assert match, f"no target {target!r} in the Makefile"
    return joined_lines(match[1])


def expand_make(text: str) -> str:
    variables = makefile_variables()
    return re.sub(r"\$\(([A-Z_]+)\)", lambda m: variables.get(m[1], m[0]), text)


def expand_shell_defaults(text: str) -> str:
    return SHELL_DEFAULT.sub(lambda m: m[2], text)


def gunicorn_command(line: str) -> tuple[str, dict[str, str]]:
    """The WSGI target and the flags of a gunicorn command line."""
    words = shlex.split(line)
    start = next(i for i, word in enumerate(words) if word.endswith("gunicorn"))
    words = words[start + 1 :]
    target, flags, i = None, {}, 0
    while i < len(words):
        word = words[i]
        if word.startswith("--"):
            name, eq, value = word.partition("=")
            if not eq:
                value = words[i + 1]
                i += 1
            flags[name] = value
        elif target is None:
            target = word
        i += 1
    return target, flags


def makefile_gunicorn() -> tuple[str, dict[str, str]]:
    line = next(line for line in makefile_recipe("serve-prod") if "gunicorn" in line)
    return gunicorn_command(expand_make(line))


def entrypoint_lines() -> list[str]:
    return joined_lines(ENTRYPOINT.read_text())


def entrypoint_gunicorn() -> tuple[str, dict[str, str]]:
    line = next(line for line in entrypoint_lines() if "gunicorn" in line)
    assert line.split()[0] == "exec", "gunicorn must replace the shell (PID 1)"
    return gunicorn_command(expand_shell_defaults(line))


def manage_commands(lines: list[str]) -> list[str]:
    """`manage.py …` invocations, as the words after manage.py."""
    commands = []
    for line in lines:
        words = shlex.split(line)
        for i, word in enumerate(words):
            if word.endswith("manage.py"):
                commands.append(" ".join(words[i + 1 :]))
    return commands


def settings_variables() -> set[str]:
    names = set(SETTINGS_ENV_CALL.findall(SETTINGS.read_text()))
    # Guards the regex itself: a pattern that matches nothing would pass vacuously.
    assert {"DATABASE_URL", "SECRET_KEY", "DEBUG", "ALLOWED_HOSTS"} <= names
    return names


def entrypoint_variables() -> set[str]:
    return {name for name, _ in SHELL_DEFAULT.findall(ENTRYPOINT.read_text())}


def compose_variables() -> set[str]:
    """Variables docker compose interpolates from the shell or .env."""
    return set(re.findall(r"\$\{([A-Z][A-Z0-9_]*)", COMPOSE.read_text()))


def env_example_variables() -> set[str]:
    return set(
        re.findall(r"^\s*#?\s*([A-Z][A-Z0-9_]*)=", ENV_EXAMPLE.read_text(), re.M)
    )


def readme_configuration_variables() -> set[str]:
    text = README.read_text()
    section = re.search(r"^## Configuration\n(.*?)(?=^## )", text, re.M | re.S)
    assert section, "README.md has no '## Configuration' section"
    return set(re.findall(r"^\|\s*`([A-Z][A-Z0-9_]*)`\s*\|", section[1], re.M))


@pytest.fixture(scope="module")
def compose():
    return yaml.safe_load(COMPOSE.read_text())


# --- docker-compose.yml ---------------------------------------------------------------


def test_compose_db_is_postgres_16_with_a_healthcheck_and_a_named_volume(compose):
    db = compose["services"]["db"]
    assert db["image"] == "postgres:16"
    assert {"POSTGRES_DB", "POSTGRES_USER", "POSTGRES_PASSWORD"} <= set(
        db["environment"]
    )
    assert "pg_isready" in " ".join(db["healthcheck"]["test"])
    volume_names = {volume.split(":")[0] for volume in db["volumes"]}
    assert volume_names & set(compose["volumes"]), "db data must be in a named volume"
    assert any(
        volume.split(":")[1] == "/var/lib/postgresql/data" for volume in db["volumes"]
    )


def test_compose_web_builds_the_image_and_waits_for_a_healthy_db(compose):
    web = compose["services"]["web"]
    build = web["build"]
    assert (build if isinstance(build, str) else build["context"]) == "."
    assert web["depends_on"]["db"]["condition"] == "service_healthy"
    assert "8000:8000" in [str(port) for port in web["ports"]]
    assert str(web.get("user", "")).split(":")[0] not in {"root", "0"}


def test_compose_web_reaches_the_db_service_with_its_credentials(compose):
    web_env = compose["services"]["web"]["environment"]
    db_env = compose["services"]["db"]["environment"]
    match = re.fullmatch(
        r"postgres(?:ql)?://([^:]+):([^@]+)@db:5432/(\w+)", web_env["DATABASE_URL"]
    )
    assert match, web_env["DATABASE_URL"]
    assert match.groups() == (
        db_env["POSTGRES_USER"],
        db_env["POSTGRES_PASSWORD"],
        db_env["POSTGRES_DB"],
    )


def test_compose_web_runs_with_production_settings(compose):
    web_env = compose["services"]["web"]["environment"]
    assert web_env["SECRET_KEY"].startswith("${SECRET_KEY:?")
    assert str(web_env["DEBUG"]).lower() == "false"
    assert web_env["ALLOWED_HOSTS"] == "localhost,127.0.0.1"


def test_compose_redis_when_present_is_what_redis_url_points_at(compose):
    services = compose["services"]
    assert "redis" in services
    assert services["redis"]["image"] == "redis:7"
    assert services["web"]["environment"]["REDIS_URL"].startswith("redis://redis:")
    assert services["web"]["depends_on"]["redis"]["condition"] == "service_healthy"


def test_compose_web_sets_only_documented_variables(compose):
    documented = settings_variables() | entrypoint_variables()
    assert set(compose["services"]["web"]["environment"]) <= documented


# --- Dockerfile -----------------------------------------------------------------------


def test_dockerfile_installs_the_runtime_lock_with_hashes():
    runs = [arguments for name, arguments in dockerfile_instructions() if name == "RUN"]
    installs = [run for run in runs if "pip install" in run]
    assert installs, "the Dockerfile installs nothing"
    for install in installs:
        words = shlex.split(install)
        assert "--require-hashes" in words
        assert "--no-deps" in words
        assert words[words.index("-r") + 1] == "requirements/base.txt"
    assert all(
        arguments.startswith("python:3.11-slim")
        for name, arguments in dockerfile_instructions()
        if name == "FROM"
    )


def test_dockerfile_runs_as_a_non_root_user():
    users = [arguments for name, arguments in final_stage() if name == "USER"]
    assert users, "the final stage has no USER"
    assert users[-1].split(":")[0] not in {"root", "0"}


def test_dockerfile_sets_the_serve_prod_environment():
    env = dockerfile_env(final_stage())
    assert env["DEBUG"] == "false"
    assert env["PYTHONDONTWRITEBYTECODE"] == "1"
    assert env["PYTHONUNBUFFERED"] == "1"
    serve_prod = expand_make(" ".join(makefile_recipe("serve-prod")))
    for name, value in re.findall(r"\b([A-Z_]+)=(\w+)\s", serve_prod):
        if name != "SECRET_KEY":
            assert env.get(name) == value, f"{name} differs from make serve-prod"


def test_dockerfile_healthcheck_probes_healthz_with_python():
    checks = [arguments for name, arguments in final_stage() if name == "HEALTHCHECK"]
    assert len(checks) == 1
    assert "/healthz" in checks[0]
    assert "python" in checks[0]
    assert "curl" not in checks[0]


def test_dockerfile_entrypoint_is_the_entrypoint_script():
    entrypoints = [
        arguments for name, arguments in final_stage() if name == "ENTRYPOINT"
    ]
    assert entrypoints[-1] == '["/app/docker/entrypoint.sh"]'
    assert ENTRYPOINT.read_text().startswith("#!/bin/sh\n")


def collectstatic_step() -> str:
    runs = [arguments for name, arguments in final_stage() if name == "RUN"]
    steps = [run for run in runs if "collectstatic" in run]
    assert len(steps) == 1
    return next(
        part.strip() for part in steps[0].split("&&") if "collectstatic" in part
    )


def test_dockerfile_collectstatic_is_the_makefile_command():
    assert manage_commands([collectstatic_step()]) == manage_commands(
        makefile_recipe("collectstatic")
    )


@pytest.mark.slow
def test_dockerfile_collectstatic_step_runs_without_a_database(tmp_path):
    # base.txt has no pgserver, so the step must give the settings a DATABASE_URL
    # to parse; nothing may connect to it.
    words = shlex.split(collectstatic_step())
    assignments = dict(
        word.split("=", 1) for word in words[: words.index("python")] if "=" in word
    )
    assert "DATABASE_URL" in assignments
    assignments["DATABASE_URL"] = "postgres://collectstatic@127.0.0.1:1/unused"
    image_env = {k: v for k, v in dockerfile_env(final_stage()).items() if k != "PATH"}
    env = {**image_env, **assignments, "STATIC_ROOT": str(tmp_path / "static")}
    args = words[words.index("manage.py") + 1 :]
    result = run_manage(*args, env=env)
    assert result.returncode == 0, result.stdout + result.stderr
    assert (tmp_path / "static" / "staticfiles.json").is_file()


# --- docker/entrypoint.sh -------------------------------------------------------------


def test_entrypoint_migrates_and_seeds_with_the_makefile_commands_first():
    commands = manage_commands(entrypoint_lines())
    expected = manage_commands(makefile_recipe("migrate")) + manage_commands(
        makefile_recipe("seed")
    )
    assert commands == expected
    lines = entrypoint_lines()
    gunicorn_at = next(i for i, line in enumerate(lines) if "gunicorn" in line)
    assert all(i < gunicorn_at for i, line in enumerate(lines) if "manage.py" in line)
    assert "set -eu" in lines, "a failed migration must stop the container"


def test_entrypoint_gunicorn_flags_match_make_serve_prod():
    make_target, make_flags = makefile_gunicorn()
    entry_target, entry_flags = entrypoint_gunicorn()
    assert entry_target == make_target == "config.wsgi"
    assert set(entry_flags) == set(make_flags)
    for name, value in make_flags.items():
        if name == "--bind":
            make_host, _, make_port = value.rpartition(":")
            entry_host, _, entry_port = entry_flags[name].rpartition(":")
            assert entry_port == make_port
            # In a container the server must listen beyond loopback.
            assert (make_host, entry_host) == ("127.0.0.1", "0.0.0.0")
        else:
            assert entry_flags[name] == value, name


def test_image_exposes_the_port_gunicorn_binds():
    _, flags = entrypoint_gunicorn()
    port = flags["--bind"].rpartition(":")[2]
    exposed = [arguments for name, arguments in final_stage() if name == "EXPOSE"]
    assert exposed == [port]


# --- Documentation of every variable --------------------------------------------------


@pytest.mark.parametrize(
    "documented",
    [env_example_variables, readme_configuration_variables],
    ids=[".env.example", "README"],
)
def test_every_variable_is_documented(documented):
    read = settings_variables() | entrypoint_variables() | compose_variables()
    missing = sorted(read - documented())
    assert not missing, f"not documented: {missing}"
