# syntax=docker/dockerfile:1
# Statements API: gunicorn as a non-root user; docker/entrypoint.sh migrates and
# seeds on start. The lock is the Makefile's runtime half (requirements/base.txt,
# no pgserver): a container always has DATABASE_URL.

FROM python:3.11-slim AS deps
ENV PIP_DISABLE_PIP_VERSION_CHECK=1 \
    PIP_NO_CACHE_DIR=1
WORKDIR /app
COPY requirements/base.txt requirements/base.txt
RUN python -m venv /opt/venv \
    && /opt/venv/bin/pip install --require-hashes --no-deps -r requirements/base.txt

FROM python:3.11-slim
ENV PATH=/opt/venv/bin:$PATH \
    PYTHONDONTWRITEBYTECODE=1 \
    PYTHONUNBUFFERED=1 \
    DEBUG=false \
    STATIC_ROOT=/app/staticfiles \
    WHITENOISE_USE_FINDERS=false
# A home of its own: gunicorn keeps its control socket in ~/.gunicorn.
RUN groupadd --system --gid 10001 app \
    && useradd --system --uid 10001 --gid app --create-home --home-dir /home/app \
        --shell /usr/sbin/nologin app
WORKDIR /app
COPY --from=deps /opt/venv /opt/venv
COPY . .
# Settings only parse DATABASE_URL; unset, they would start the embedded
# PostgreSQL, which base.txt does not install. collectstatic never connects.
RUN chmod 0755 docker/entrypoint.sh \
    && DATABASE_URL=postgres://collectstatic@localhost:1/unused \
        SECRET_KEY=collectstatic-only-never-used-at-runtime \
        python manage.py collectstatic --no-input --verbosity 0

# Code and static files stay root-owned, so the server cannot rewrite them.
USER 10001:10001
EXPOSE 8000
# No curl in slim. The Host header is the first ALLOWED_HOSTS entry so that a
# production host list does not answer the probe with 400.
HEALTHCHECK --interval=30s --timeout=5s --start-period=30s --retries=3 \
    CMD ["python", "-c", "import os, urllib.request as u; h = os.environ.get('ALLOWED_HOSTS', 'localhost').split(',')[0].strip().lstrip('.'); h = 'localhost' if h in ('', '*') else h; u.urlopen(u.Request('http://127.0.0.1:' + os.environ.get('PORT', '8000') + '/healthz', headers={'Host': h}), timeout=4)"]
ENTRYPOINT ["/app/docker/entrypoint.sh"]
