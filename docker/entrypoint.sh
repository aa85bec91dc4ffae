#!/bin/sh
# Container start: migrate, seed, then gunicorn with the flags of `make serve-prod`.
# Given a command instead (`docker compose run --rm web python manage.py shell`),
# runs that command and nothing else.
set -eu
cd "$(dirname "$0")/.."

if [ "$#" -gt 0 ]; then
    exec "$@"
fi

python manage.py migrate --no-input
python manage.py seed
# HOST differs from the Makefile's 127.0.0.1 on purpose: inside a container the
# server has to listen on every interface for the published port to reach it.
exec gunicorn config.wsgi \
    --bind "${HOST:-0.0.0.0}:${PORT:-8000}" --workers "${GUNICORN_WORKERS:-2}" --access-logfile -
