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

SEED=${FUZZ_SEED:-20221207}
MAX_EXAMPLES=${FUZZ_MAX_EXAMPLES:-100}
WORKERS=${FUZZ_WORKERS:-2}
TIMEOUT=${FUZZ_TIMEOUT:-900}
REPORT_DIR=.data/fuzz
LIVE_RATE_LIMIT=${FUZZ_RATE_LIMIT:-100000000}

# schemathesis runs several workers from one address: no export slot may run out,
# and the editors' write budget is raised like the other limits.
export EXPORTS_PER_CLIENT=64 EXPORTS_IN_TOTAL=64
export RATE_LIMIT_WRITES=$LIVE_RATE_LIMIT
# shellcheck source=.ci/live_server.sh
. .ci/live_server.sh
# The run writes (as an editor), and a deleted fixture slug stays retired, so a
# database of its own (named *_fuzz) starts afresh each run.
if [ -n "${DATABASE_URL:-}" ] && [[ "${DATABASE_URL##*/}" == *_fuzz ]] \
        && command -v psql >/dev/null; then
    psql "${DATABASE_URL%/*}/postgres" -qc \
        "DROP DATABASE IF EXISTS \"${DATABASE_URL##*/}\" WITH (FORCE)"
fi
seed_database
mkdir -p "$REPORT_DIR"
server_log="$REPORT_DIR/server.log"
start_live_server "$server_log"

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
    "organization": "organizations",
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

status=0
# Slug filters draw the seeded slugs (.ci/fuzz_hooks.py).
export PYTHONPATH=".ci${PYTHONPATH:+:$PYTHONPATH}" SCHEMATHESIS_HOOKS=fuzz_hooks
export FUZZ_DICTIONARY_DIR="$dict_dir"

# Two passes on the same server: the reads first, then the writes. The writes
# rename and delete seeded records (the stateful phase links them, and If-Match: *
# is a valid precondition), whose slugs the read cases draw from the dictionaries:
# after them a read of such a slug is rightly a 400 `unknown_slug` or a 404.
fuzz() {
    local pass=$1
    shift
    echo "== schemathesis, $pass: seed $SEED, $MAX_EXAMPLES examples per operation, all checks"
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
        --report-dir "$REPORT_DIR/$pass" \
        --no-color \
        --header "Authorization: Api-Key $editor_key" \
        "$@" ${FUZZ_ARGS:-} || status=$?
    if [ "$status" = 124 ] || [ "$status" = 137 ]; then
        echo "schemathesis did not finish within FUZZ_TIMEOUT=${TIMEOUT}s"
    fi
}
fuzz reads --include-method GET
fuzz writes --exclude-method GET
if grep -q "Internal Server Error" "$server_log"; then
    echo "== server errors logged during the run:"
    grep -A40 "ERROR django.request" "$server_log" | head -120
    [ "$status" != 0 ] || status=1
fi
exit "$status"
