#!/usr/bin/env bash
# make client-test: the TypeScript client's tests and example program against a
# live seeded server.
#
# Migrates and seeds DATABASE_URL (the embedded PostgreSQL when unset), starts
# gunicorn on a free loopback port, runs `npm ci && npm test` in
# clients/typescript with STATEMENTS_API_URL pointing at it, and stops the server.
set -euo pipefail
cd "$(dirname "$0")/.."

REPORT_DIR=.data/client-test
# shellcheck source=.ci/live_server.sh
. .ci/live_server.sh
seed_database
mkdir -p "$REPORT_DIR"
start_live_server "$REPORT_DIR/server.log"

cd clients/typescript
npm ci --no-audit --no-fund --silent
STATEMENTS_API_URL="$base" npm test
