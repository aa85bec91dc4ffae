# Sourced by .ci/fuzz.sh and .ci/client_test.sh: a seeded database and gunicorn
# with production settings on a free loopback port, stopped on exit.
#
# After `start_live_server LOG`: $base is the server's origin, and API_BASE_URL
# is exported as $base, so the schema the server serves names it in `servers`.

VENV=${VENV:-.venv}
PY=$VENV/bin/python

# The API is rate limited per client address; every request of a run comes from
# 127.0.0.1, so the limits are raised far above what one run sends.
export DEBUG=false
export SECRET_KEY="${SECRET_KEY:-$($PY -c 'import secrets; print(secrets.token_urlsafe(50))')}"
export RATE_LIMIT_ANONYMOUS=${LIVE_RATE_LIMIT:-100000000}
export RATE_LIMIT_PARTNER=${LIVE_RATE_LIMIT:-100000000}
export WHITENOISE_USE_FINDERS=true

seed_database() {
    if [ -n "${DATABASE_URL:-}" ] && command -v psql >/dev/null; then
        local dbname="${DATABASE_URL##*/}"
        if ! psql "${DATABASE_URL%/*}/postgres" -tAc \
                "SELECT 1 FROM pg_database WHERE datname = '$dbname'" | grep -q 1; then
            psql "${DATABASE_URL%/*}/postgres" -qc "CREATE DATABASE \"$dbname\""
        fi
    fi
    echo "== migrate and seed (${DATABASE_URL:-embedded PostgreSQL})"
    $PY manage.py migrate --no-input --verbosity 0
    $PY manage.py seed
}

start_live_server() {
    local server_log=$1
    local port
    port=$($PY -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')
    base="http://127.0.0.1:$port"
    export API_BASE_URL="$base"
    echo "== gunicorn on $base (log: $server_log)"
    setsid "$VENV/bin/gunicorn" config.wsgi --bind "127.0.0.1:$port" --workers 2 \
        --timeout 60 --access-logfile - >"$server_log" 2>&1 &
    server_pid=$!
    trap stop_live_server EXIT
    for _ in $(seq 1 60); do
        if curl -fsS "$base/readyz" >/dev/null 2>&1; then return 0; fi
        if ! kill -0 "$server_pid" 2>/dev/null; then
            echo "gunicorn exited:"; cat "$server_log"; exit 1
        fi
        sleep 1
    done
    curl -fsS "$base/readyz" >/dev/null || { echo "server not ready:"; cat "$server_log"; exit 1; }
}

stop_live_server() {
    kill -TERM -- "-$server_pid" 2>/dev/null || true
    wait "$server_pid" 2>/dev/null || true
}
