#!/usr/bin/env bash
# make fuzz: schemathesis against a live server and the schema that server serves.
#
# Migrates and seeds DATABASE_URL (the embedded PostgreSQL when unset; a database
# named *_fuzz is dropped and created afresh, since the run writes), starts
# gunicorn with production settings on a free loopback port, runs every check in
# positive and negative mode with a fixed seed, and stops the server. The run is
# bounded by FUZZ_TIMEOUT seconds. Settings that need a reason live in
# schemathesis.toml; reports go to .data/fuzz/.
#
#   FUZZ_SEED=20221207 FUZZ_MAX_EXAMPLES=100 FUZZ_WORKERS=2 FUZZ_TIMEOUT=900
#   FUZZ_ARGS='--include-path-regex quotes'   extra schemathesis options
set -euo pipefail
cd "$(dirname "$0")/.."

VENV=${VENV:-.venv}
PY=$VENV/bin/python
SEED=${FUZZ_SEED:-20221207}
MAX_EXAMPLES=${FUZZ_MAX_EXAMPLES:-100}
WORKERS=${FUZZ_WORKERS:-2}
TIMEOUT=${FUZZ_TIMEOUT:-900}
REPORT_DIR=.data/fuzz

# The API is rate limited per client address; every fuzz request comes from
# 127.0.0.1, so the limits are raised far above what one run sends.
export DEBUG=false
export SECRET_KEY="${SECRET_KEY:-$($PY -c 'import secrets; print(secrets.token_urlsafe(50))')}"
export RATE_LIMIT_ANONYMOUS=${FUZZ_RATE_LIMIT:-100000000}
export RATE_LIMIT_PARTNER=${FUZZ_RATE_LIMIT:-100000000}
export RATE_LIMIT_WRITES=${FUZZ_RATE_LIMIT:-100000000}
export WHITENOISE_USE_FINDERS=true

if [ -n "${DATABASE_URL:-}" ] && command -v psql >/dev/null; then
    dbname="${DATABASE_URL##*/}"
    # The run writes (as an editor), and a deleted fixture slug stays retired, so
    # a database of its own (named *_fuzz) starts afresh each run.
    if [[ "$dbname" == *_fuzz ]]; then
        psql "${DATABASE_URL%/*}/postgres" -qc "DROP DATABASE IF EXISTS \"$dbname\" WITH (FORCE)"
    fi
    if ! psql "${DATABASE_URL%/*}/postgres" -tAc \
            "SELECT 1 FROM pg_database WHERE datname = '$dbname'" | grep -q 1; then
        psql "${DATABASE_URL%/*}/postgres" -qc "CREATE DATABASE \"$dbname\""
    fi
fi
echo "== migrate and seed (${DATABASE_URL:-embedded PostgreSQL})"
$PY manage.py migrate --no-input --verbosity 0
$PY manage.py seed

port=$($PY -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')
base="http://127.0.0.1:$port"
mkdir -p "$REPORT_DIR"
server_log="$REPORT_DIR/server.log"
echo "== gunicorn on $base (log: $server_log)"
setsid "$VENV/bin/gunicorn" config.wsgi --bind "127.0.0.1:$port" --workers 2 \
    --timeout 60 --access-logfile - >"$server_log" 2>&1 &
server_pid=$!
stop_server() {
    kill -TERM -- "-$server_pid" 2>/dev/null || true
    wait "$server_pid" 2>/dev/null || true
}
trap stop_server EXIT

for _ in $(seq 1 60); do
    if curl -fsS "$base/readyz" >/dev/null 2>&1; then break; fi
    if ! kill -0 "$server_pid" 2>/dev/null; then
        echo "gunicorn exited:"; cat "$server_log"; exit 1
    fi
    sleep 1
done
curl -fsS "$base/readyz" >/dev/null || { echo "server not ready:"; cat "$server_log"; exit 1; }

# Real slugs and cursors for the dictionaries of schemathesis.toml.
dict_dir="$REPORT_DIR/dictionaries"
mkdir -p "$dict_dir"
$PY - "$base" "$dict_dir" <<'PYTHON'
import json
import sys
import urllib.request
from pathlib import Path

base, out = sys.argv[1], Path(sys.argv[2])


def get(path):
    with urllib.request.urlopen(base + path, timeout=30) as response:
        return json.load(response)


def write(name, values):
    # A feed cursor is null while a writing transaction anywhere on the server
    # is still open (the feed shows settled changes only).
    values = sorted({value for value in values if value is not None})
    if not values:
        sys.exit(f"no {name} values for the fuzz dictionaries: is the data seeded?")
    lines = [json.dumps(value) for value in values]
    (out / f"{name}.dict").write_text("\n".join(lines) + "\n")


resources = {
    "speaker": "speakers",
    "statement": "statements",
    "event": "events",
    "theme": "themes",
    "stakeholder_group": "stakeholder-groups",
    "quote": "quotes",
}


for name, route in resources.items():
    rows = get(f"/api/v1/{route}/?page_size=100&fields=slug")["results"]
    write(name, [row["slug"] for row in rows])
sync = get("/api/v1/quotes/?updated_since=2000-01-01T00:00:00Z&page_size=1")
write("cursor", [sync["next"].split("cursor=")[1].split("&")[0]])
write("since", ["now", get("/api/v1/changes/?limit=1")["next_cursor"]])
PYTHON

# Writes are fuzzed too, as an editor: a key of the editor scope for this run,
# sent with every request (reads then run as a partner's).
editor_key=$($PY manage.py apikey create "fuzz $(date -u +%FT%TZ)" --scope editor)

echo "== schemathesis: seed $SEED, $MAX_EXAMPLES examples per operation, all checks"
status=0
# Slug filters draw the seeded slugs (.ci/fuzz_hooks.py).
export PYTHONPATH=".ci${PYTHONPATH:+:$PYTHONPATH}" SCHEMATHESIS_HOOKS=fuzz_hooks
export FUZZ_DICTIONARY_DIR="$dict_dir"
# shellcheck disable=SC2086  # FUZZ_ARGS is a list of options
timeout --kill-after=30 "$TIMEOUT" "$VENV/bin/schemathesis" run \
    "$base/api/v1/schema/?format=json" \
    --checks all \
    --mode all \
    --seed "$SEED" \
    --max-examples "$MAX_EXAMPLES" \
    --workers "$WORKERS" \
    --generation-database none \
    --report junit,ndjson \
    --report-dir "$REPORT_DIR" \
    --no-color \
    --header "Authorization: Api-Key $editor_key" \
    ${FUZZ_ARGS:-} || status=$?
if [ "$status" = 124 ] || [ "$status" = 137 ]; then
    echo "schemathesis did not finish within FUZZ_TIMEOUT=${TIMEOUT}s"
fi
if grep -q "Internal Server Error" "$server_log"; then
    echo "== server errors logged during the run:"
    grep -A40 "ERROR django.request" "$server_log" | head -120
    [ "$status" != 0 ] || status=1
fi
exit "$status"
